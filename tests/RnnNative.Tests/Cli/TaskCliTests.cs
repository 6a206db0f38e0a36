using System.Xml.Linq;
using RnnNative.Cli;
using RnnNative.Cli.Terminal;
using RnnNative.Datasets;
using RnnNative.Tests.Tasks;

namespace RnnNative.Tests.Cli;

/// <summary>rnn train --task tag|classify|regress, rnn predict, and rnn eval and info on their models, end to end in process.</summary>
public sealed class TaskCliTests : IDisposable
{
    private const string Sentences =
        "fly O\nfrom O\nnew B-from\nyork I-from\nto O\nboston B-to\n\n" +
        "show O\nflights O\nto O\ndenver B-to\n\nfrom O\nboston B-from\n\n" +
        "book O\na O\nflight O\nto O\nnew B-to\nyork I-to\n\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-task-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Rnn(params string[] args)
    {
        StringWriter output = new(), error = new();
        int code = Program.Run(args, output, error, interactive: false, CancellationToken.None, () => ProgressBar.DefaultWidth);
        return (code, output.ToString(), error.ToString());
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    /// <summary>A tiny model trained for a few updates: small enough to keep the tests fast.</summary>
    private string[] Tiny(string task, string model, params string[] more) =>
        ["train", "--task", task, "--checkpoint", model, "--hidden", "8", "--batch", "4", "--updates", "4", "--eval-every", "2", "--seed", "3", .. more];

    private static void AssertOk((int Code, string Output, string Error) run)
    {
        Assert.True(run.Code == 0, run.Error + run.Output);
        Assert.Equal("", run.Error);
    }

    private static void AssertFails(int code, string message, (int Code, string Output, string Error) run)
    {
        Assert.Equal(code, run.Code);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public void A_tagger_trains_on_conll_then_predicts_evaluates_and_is_described()
    {
        string train = Write("train.conll", string.Concat(Enumerable.Repeat(Sentences, 4)));
        string dev = Write("dev.conll", Sentences);
        string model = PathOf("tagger.rnn");

        (int code, string output, string error) = Rnn(Tiny("tag", model, "--data", train, "--valid", dev, "--embedding", "4"));
        AssertOk((code, output, error));
        Assert.Contains($"data: {train}: 16 sequences, 72 timesteps (longest 6); validation: {dev}: 4 sequences", output);
        Assert.Contains("labels: 5 (B-from, B-to, I-from, I-to, O)", output);
        Assert.Contains("of their timesteps are padding", output);
        Assert.Contains("model: tagger (tag), LSTM 1x8, embedding 4, bidirectional,", output);
        Assert.Contains("update 4/4", output);
        Assert.Contains($"trained 4 updates in", output);
        Assert.Contains($"saved '{model}'", output);
        Assert.Contains($"validation on {dev}: loss ", output);
        Assert.Contains("token accuracy", output);
        Assert.True(File.Exists(model) && File.Exists(PathOf("tagger.best.rnn")));
        Assert.Equal("svg", XDocument.Load(PathOf("tagger.loss.svg")).Root!.Name.LocalName);

        // Predictions go next to the data by default: every token line gains a predicted tag of the model's tag set.
        (code, output, error) = Rnn("predict", "--model", model, "--data", dev);
        AssertOk((code, output, error));
        string predictions = PathOf("dev.pred.conll");
        Assert.Contains($"wrote the predictions for 4 sequences of '{dev}' to '{predictions}'", output);
        string[] tokens = File.ReadAllLines(dev), predicted = File.ReadAllLines(predictions);
        Assert.Equal(tokens.Length, predicted.Length);
        string[] tags = ["O", "B-from", "I-from", "B-to", "I-to"];
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Length == 0)
            {
                Assert.Equal("", predicted[i]);
                continue;
            }
            string[] columns = predicted[i].Split(' ', '\t');
            Assert.Equal(tokens[i].Split(' ').Length + 1, columns.Length);
            Assert.Contains(columns[^1], tags);
        }

        // A file without tags can be predicted (not evaluated), and --output names the file.
        string untagged = Write("raw.conll", "fly\nto\nboston\n\nbook\na\nflight\n");
        (code, output, error) = Rnn("predict", "-m", model, "--data", untagged, "--output", PathOf("out/raw.tags"));
        AssertOk((code, output, error));
        Assert.Contains("for 2 sequences", output);
        Assert.Equal(3, File.ReadAllLines(PathOf("out/raw.tags")).TakeWhile(l => l.Length > 0).Count());

        (code, output, error) = Rnn("eval", "--model", model, "--data", dev);
        AssertOk((code, output, error));
        Assert.Contains($"{dev}: 4 sequences, 18 timesteps", output);
        Assert.Matches(@"loss [0-9.]+  token accuracy [0-9.]+  chunk precision [0-9.]+  recall [0-9.]+  F1 [0-9.]+", output);
        Assert.Contains("18 tokens with 5 chunks; found", output);
        Assert.Contains("overall  precision", output);

        (code, output, error) = Rnn("info", "--model", model);
        AssertOk((code, output, error));
        Assert.Contains("model: tagger (tag), LSTM 1x8, embedding 4, bidirectional,", output);
        Assert.Contains("inputs: a vocabulary of", output);
        Assert.Contains("labels: 5", output);
        Assert.Contains("training: 4 updates", output);

        // The saved run continues where it stopped, on the data it records.
        (code, output, error) = Rnn("train", "--resume", model, "--valid", dev, "--updates", "6", "--seed", "3");
        AssertOk((code, output, error));
        Assert.Contains("resumed at update 4", output);
        Assert.Contains("trained 6 updates", output);
        AssertFails(1, $"'{dev}' is not the data '{model}' was trained on", Rnn("train", "--resume", model, "--data", dev, "--updates", "8", "--seed", "3"));
        (code, output, _) = Rnn("info", "--model", model, "--curve");
        Assert.Equal(0, code);
        Assert.Equal(["2", "4", "6"], output[output.IndexOf("validation curve", StringComparison.Ordinal)..].TrimEnd().Split('\n').Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
    }

    [Fact]
    public void A_classifier_trains_on_tsv_and_eval_prints_its_classes_and_draws_its_confusion_matrix()
    {
        string lines = string.Concat(Enumerable.Repeat("pos\tgood fun film\nneg\tdull bad plot\npos\ta great cast\nneg\tboring and slow\n", 5));
        string train = Write("reviews.tsv", lines);
        string model = PathOf("classifier.rnn");

        (int code, string output, string error) = Rnn(Tiny("classify", model, "--data", train, "--pooling", "mean", "--cell", "gru", "--lowercase"));
        AssertOk((code, output, error));
        Assert.Contains("labels: 2 (neg, pos)", output);
        Assert.Contains("model: classifier (classify), GRU 1x8, embedding 8, mean pooling,", output);
        Assert.Contains("validation: 2 of them held out", output);
        Assert.Matches(@"validation on .*reviews\.tsv \(held out\): loss [0-9.]+  accuracy [0-9.]+  macro F1", output);

        string picture = PathOf("confusion.svg");
        (code, output, error) = Rnn("eval", "--model", model, "--data", train, "--confusion", picture);
        AssertOk((code, output, error));
        Assert.Matches(@"loss [0-9.]+  accuracy [0-9.]+  macro F1 [0-9.]+", output);
        Assert.Matches(@"\n *neg  precision [0-9.]+  recall", output);
        Assert.Contains("gold \\ predicted  neg  pos", output);
        Assert.Contains($"confusion matrix picture '{picture}'", output);
        Assert.Equal("svg", XDocument.Load(picture).Root!.Name.LocalName);

        (code, output, error) = Rnn("predict", "--model", model, "--data", train);
        AssertOk((code, output, error));
        string[] predicted = File.ReadAllLines(PathOf("reviews.pred.tsv"));
        Assert.Equal(20, predicted.Length);
        Assert.All(predicted, line => Assert.Matches(@"^(pos|neg)\t[0-9.]+\t", line));
    }

    [Fact]
    public void A_regressor_trains_on_npz_and_eval_and_predict_read_the_same_arrays()
    {
        float[] inputs = [.. Enumerable.Range(0, 12 * 4 * 2).Select(i => (i % 7) / 7f)];
        float[] targets = [.. Enumerable.Range(0, 12).Select(i => i / 12f)];
        string data = PathOf("series.npz");
        TaskModelTests.WriteNpz(data, ("inputs", inputs, [12, 4, 2]), ("targets", targets, [12]), ("lengths", [.. Enumerable.Range(0, 12).Select(i => (float)(1 + i % 4))], [12]));
        string model = PathOf("regressor.rnn");

        (int code, string output, string error) = Rnn(Tiny("regress", model, "--data", data, "--val-fraction", "0.25", "--cell", "jordan"));
        AssertOk((code, output, error));
        Assert.Contains("inputs: 2 features per timestep; targets: 1 value per sequence", output);
        Assert.Contains("model: regressor (regress), JORDAN 1x8 (tanh), 2 features per timestep,", output);
        Assert.Contains("timesteps/s", output);

        (code, output, error) = Rnn("eval", "--model", model, "--data", data);
        AssertOk((code, output, error));
        Assert.Matches(@"loss [0-9.]+  MSE [0-9.E-]+  MAE [0-9.E-]+", output);

        (code, output, error) = Rnn("predict", "--model", model, "--data", data);
        AssertOk((code, output, error));
        NpyArray written = NpyFormat.Read(PathOf("series.pred.npy"));
        Assert.Equal([12, 1], written.Shape);
    }

    [Fact]
    public void Without_data_tag_trains_on_the_slot_filling_demo_and_regress_on_the_adding_problem()
    {
        (int code, string output, string error) = Rnn(Tiny("tag", PathOf("slots.rnn"), "--embedding", "4", "--bidirectional", "false"));
        AssertOk((code, output, error));
        Assert.Contains("data: the slot-filling demo: 4,000 sequences", output);
        Assert.Contains("validation: 400 of them held out", output);
        Assert.Contains("B-fromloc.city", output);
        Assert.Matches(@"model: tagger \(tag\), LSTM 1x8, embedding 4, [0-9,]+ parameters", output);
        Assert.Contains("validation on the slot-filling demo (held out): loss", output);

        (code, output, error) = Rnn(Tiny("regress", PathOf("adding.rnn"), "--timesteps", "6"));
        AssertOk((code, output, error));
        Assert.Contains("(longest 6)", output);
        Assert.Contains("inputs: 2 features per timestep", output);
    }

    [Fact]
    public void Every_wrong_command_line_of_the_tasks_is_one_line_and_exit_code_2()
    {
        string tsv = Write("a.tsv", "pos\tgood\nneg\tbad\n");
        AssertFails(2, "--task must be one of lm|tag|classify|regress, not 'translate'", Rnn("train", "--task", "translate"));
        AssertFails(2, "--layers: a Jordan network has one recurrent layer", Rnn("train", "--cell", "jordan", "--layers", "2", "--updates", "1", "--seed", "1"));
        AssertFails(2, "rnn train --task classify needs --data FILE", Rnn("train", "--task", "classify", "--seed", "1"));
        AssertFails(2, "--vocab must be one of words|chars", Rnn("train", "--task", "classify", "--data", tsv, "--vocab", "bytes", "--seed", "1"));
        AssertFails(2, "--seq-length cuts a language model's text into windows", Rnn("train", "--task", "tag", "--seq-length", "5"));
        AssertFails(2, "--pooling does not apply to this run", Rnn("train", "--data", tsv, "--pooling", "mean", "--seed", "1"));
        AssertFails(2, "--timesteps does not apply to this run", Rnn(Tiny("tag", PathOf("t.rnn"), "--timesteps", "5")));
        AssertFails(2, "--val-fraction: must be in [0, 1), not 2", Rnn(Tiny("classify", PathOf("f.rnn"), "--data", tsv, "--val-fraction", "2")));
        AssertFails(2, "--valid names the validation file and --val-fraction", Rnn("train", "--task", "classify", "--data", tsv, "--valid", tsv, "--val-fraction", "0.2", "--seed", "1"));

        // A language model is for rnn sample; a classifier's picture is not a tagger's.
        string corpus = Write("corpus.txt", string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40)));
        string lm = PathOf("lm.rnn");
        AssertOk(Rnn("train", "--data", corpus, "--checkpoint", lm, "--hidden", "8", "--seq-length", "8", "--batch", "2", "--updates", "1", "--sample-length", "0", "--seed", "1"));
        AssertFails(2, $"'{lm}' is a language model; predict is for tagger, classifier and regressor models (generate text with rnn sample)", Rnn("predict", "--model", lm, "--data", corpus));
        string tagger = PathOf("tagger.rnn");
        AssertOk(Rnn(Tiny("tag", tagger, "--data", Write("t.conll", Sentences), "--updates", "1")));
        AssertFails(2, $"--confusion draws a classifier's confusion matrix; '{tagger}' is a tagger", Rnn("eval", "--model", tagger, "--data", PathOf("t.conll"), "--confusion", PathOf("c.svg")));
        AssertFails(2, "--task cannot change when resuming", Rnn("train", "--resume", tagger, "--task", "classify"));
        AssertFails(2, $"--hidden cannot change when resuming: '{tagger}' fixes the model, its vocabulary and labels", Rnn("train", "--resume", tagger, "--hidden", "8"));
        AssertFails(2, $"--batch cannot change when resuming: '{tagger}' has --batch 4, not 7", Rnn("train", "--resume", tagger, "--batch", "7"));
    }

    [Fact]
    public void A_malformed_line_names_the_file_and_line_and_exit_code_is_1()
    {
        string conll = Write("bad.conll", "fly O\nfrom O\n\nbook\n");
        AssertFails(1, $"rnn: {conll}:4: expected a token and a tag", Rnn("train", "--task", "tag", "--data", conll, "--seed", "1"));
        string tsv = Write("bad.tsv", "pos\tgood\nno tab here\n");
        AssertFails(1, $"rnn: {tsv}:2: expected a label and a text separated by a tab", Rnn("train", "--task", "classify", "--data", tsv, "--seed", "1"));
        AssertFails(1, $"cannot read '{PathOf("missing.conll")}'", Rnn("train", "--task", "tag", "--data", PathOf("missing.conll"), "--seed", "1"));
        AssertFails(1, "regress reads NumPy .npz", Rnn("train", "--task", "regress", "--data", tsv, "--seed", "1"));
    }
}

using System.Xml.Linq;
using RnnNative.Cli;

namespace RnnNative.Tests.Cli;

/// <summary>The rnn command end to end, in process: exit codes, one-line errors, the files it writes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (int Code, string Output, string Error) Rnn(params string[] args)
    {
        StringWriter output = new(), error = new();
        int code = Program.Run(args, output, error, interactive: false, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string WriteCorpus()
    {
        string path = PathOf("corpus.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 60)));
        return path;
    }

    private string[] TinyTraining(string data, string model, int steps) =>
        ["train", "--data", data, "--checkpoint", model, "--hidden", "16", "--embedding", "8", "--seq-length", "16", "--batch", "4",
         "--steps", steps.ToString(), "--eval-every", "5", "--val-windows", "2", "--sample-length", "20", "--lr", "0.01"];

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "train", "--hidden", "abc" }, "--hidden expects an integer, not 'abc'")]
    [InlineData(new[] { "train", "--steps", "5", "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "train", "--cell", "gru" }, "--cell must be one of lstm|elman|rnn, not 'gru'")]
    [InlineData(new[] { "sample" }, "rnn sample needs --model FILE")]
    [InlineData(new[] { "sample", "--model", "m.rnn", "--precision", "fp8" }, "--precision must be one of f32|bf16, not 'fp8'")]
    [InlineData(new[] { "eval", "--model", "m.rnn", "--data", "d.txt", "--precision", "int4" }, "--precision must be one of f32|bf16, not 'int4'")]
    [InlineData(new[] { "train", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "info", "--curve" }, "--curve needs --model FILE")]
    public void A_wrong_command_line_is_one_line_and_exit_code_2(string[] args, string message)
    {
        (int code, string _, string error) = Rnn(args);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Unreadable_or_corrupt_files_are_one_line_and_exit_code_1()
    {
        (int code, _, string error) = Rnn("train", "--data", PathOf("missing.txt"), "--steps", "1");
        Assert.Equal(1, code);
        Assert.Contains("cannot read", error);
        Assert.Single(error.TrimEnd().Split('\n'));

        File.WriteAllText(PathOf("bad.rnn"), "not a model");
        (code, _, error) = Rnn("sample", "--model", PathOf("bad.rnn"));
        Assert.Equal(1, code);
        Assert.Contains("not an RnnNative checkpoint", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Train_sample_eval_info_and_resume_work_together()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        (int code, string output, string error) = Rnn(TinyTraining(data, model, 10));
        Assert.True(code == 0, error);
        Assert.Contains("validation loss", output);
        Assert.True(File.Exists(model) && File.Exists(PathOf("m.best.rnn")));
        XDocument svg = XDocument.Load(PathOf("m.loss.svg"));
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        Assert.Equal(2, svg.Descendants().Count(e => e.Name.LocalName == "polyline"));

        (code, output, _) = Rnn("info", "--model", model);
        Assert.Equal(0, code);
        Assert.Contains("training: 10 updates", output);
        Assert.DoesNotContain("validation curve", output);
        (code, output, _) = Rnn("info", "--model", model, "--curve");
        Assert.Equal(0, code);
        string[] curve = output[output.IndexOf("validation curve", StringComparison.Ordinal)..].TrimEnd().Split('\n');
        Assert.Equal(["5", "10"], curve.Skip(1).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));

        (int c1, string first, _) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7");
        (int c2, string second, _) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7");
        Assert.Equal(0, c1 + c2);
        Assert.Equal(first, second);
        Assert.StartsWith("the ", first);
        (code, output, error) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7", "--precision", "bf16");
        Assert.True(code == 0, error);
        Assert.StartsWith("the ", output);
        Assert.True(output.Length > "the ".Length + 1, output);

        (code, output, _) = Rnn("eval", "--model", model, "--data", data);
        Assert.Equal(0, code);
        Assert.Contains("bits per character", output);
        foreach (string precision in new[] { "f32", "bf16" })
        {
            (code, output, error) = Rnn("eval", "--model", model, "--data", data, "--precision", precision);
            Assert.True(code == 0, error);
            Assert.Contains($"one stream, token by token, {precision} step weights: loss", output);
        }

        (code, output, error) = Rnn("train", "--resume", model, "--data", data, "--steps", "15");
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 10", output);
        (_, output, _) = Rnn("info", "--model", model);
        Assert.Contains("training: 15 updates", output);
    }

    [Fact]
    public void Without_data_it_trains_on_the_addition_corpus_and_answers_new_sums()
    {
        (int code, string output, string error) = Rnn("train", "--checkpoint", PathOf("add.rnn"), "--steps", "3", "--eval-every", "0", "--sample-length", "0");
        Assert.True(code == 0, error);
        Assert.Contains("built-in addition corpus", output);
        Assert.Contains("model: LSTM 1x256", output);
        Assert.Contains("lr 0.01", output);
        Assert.Contains("greedy answers to 200 new sums", output);
    }

    [Fact]
    public void Embedding_0_trains_a_one_hot_model_that_samples_and_resumes()
    {
        string data = WriteCorpus(), model = PathOf("onehot.rnn");
        string[] training = TinyTraining(data, model, 6);
        training[Array.IndexOf(training, "--embedding") + 1] = "0";
        (int code, string output, string error) = Rnn(training);
        Assert.True(code == 0, error);
        Assert.Contains("one-hot input", output);
        (code, output, _) = Rnn("info", "--model", model);
        Assert.Equal(0, code);
        Assert.Contains("one-hot input", output);
        (code, output, error) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "20", "--seed", "3");
        Assert.True(code == 0, error);
        Assert.StartsWith("the ", output);
        (code, output, error) = Rnn("train", "--resume", model, "--data", data, "--steps", "8");
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 6", output);
    }
}

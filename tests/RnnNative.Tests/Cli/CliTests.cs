using System.Xml.Linq;
using System.Text.RegularExpressions;
using RnnNative.Cli;
using RnnNative.Cli.Terminal;

namespace RnnNative.Tests.Cli;

/// <summary>The rnn command end to end, in process: exit codes, one-line errors, the files it writes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private (int Code, string Output, string Error) Rnn(params string[] args) => RnnOn(interactive: false, ProgressBar.DefaultWidth, args);

    private static (int Code, string Output, string Error) RnnOn(bool interactive, int width, params string[] args)
    {
        StringWriter output = new(), error = new();
        int code = Program.Run(args, output, error, interactive, CancellationToken.None, () => width);
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
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate' (see rnn --help)")]
    [InlineData(new[] { "help", "frobnicate" }, "unknown command 'frobnicate' (see rnn --help)")]
    [InlineData(new[] { "train", "--hidden", "abc" }, "--hidden expects an integer, not 'abc'")]
    [InlineData(new[] { "train", "--steps", "5", "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "train", "--cell", "tree" }, "--cell must be one of elman|rnn|lstm|gru|jordan, not 'tree'")]
    [InlineData(new[] { "train", "--dropout", "1.5" }, "--dropout: must be at least 0 and below 1, not 1.5")]
    [InlineData(new[] { "train", "--init", "identity", "--cell", "lstm" }, "--init: identity initialization (IRNN) is for Elman cells, not LSTM")]
    [InlineData(new[] { "train", "--init", "orthogonal" }, "--init must be one of default|identity, not 'orthogonal'")]
    [InlineData(new[] { "train", "--identity-scale", "0.5" }, "--identity-scale: the identity scale applies only to identity initialization")]
    [InlineData(new[] { "train", "--cell", "elman", "--init", "identity", "--identity-scale", "0" }, "--identity-scale: the identity scale must be a positive number")]
    [InlineData(new[] { "train", "--bidirectional" }, "--bidirectional: a language model predicts each token from the ones before it")]
    [InlineData(new[] { "sample" }, "rnn sample needs --model FILE")]
    [InlineData(new[] { "sample", "--model", "m.rnn", "--precision", "fp8" }, "--precision must be one of f32|bf16|int8, not 'fp8'")]
    [InlineData(new[] { "eval", "--model", "m.rnn", "--data", "d.txt", "--precision", "int4" }, "--precision must be one of f32|bf16|int8, not 'int4'")]
    [InlineData(new[] { "train", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "info", "--curve" }, "--curve needs --model FILE")]
    [InlineData(new[] { "train", "--hiden", "5" }, "unknown option --hiden for rnn train; did you mean --hidden?")]
    [InlineData(new[] { "train", "--hidden", "8", "--lyaers", "2" }, "did you mean --layers?")]
    [InlineData(new[] { "train", "-seq_length", "5" }, "did you mean --seq-length?")]
    [InlineData(new[] { "train", "--seq-len", "5" }, "did you mean --seq-length?")]
    [InlineData(new[] { "sample", "-m", "m.rnn", "--temprature", "1" }, "did you mean --temperature?")]
    [InlineData(new[] { "sample", "-m", "m.rnn", "-x" }, "unknown option -x for rnn sample (see rnn sample --help)")]
    [InlineData(new[] { "eval", "-m", "m.rnn", "-n", "5" }, "unknown option -n for rnn eval")]
    [InlineData(new[] { "sample", "-m", "m.rnn", "-t", "0" }, "--threads must be between 1 and 1024, not 0")]
    [InlineData(new[] { "sample", "-m", "m.rnn", "-p" }, "--prime needs a value")]
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
        foreach (string[] command in new[] { new[] { "train", "--resume" }, ["train", "--init-from"], ["eval", "--data", PathOf("missing.txt"), "--model"], ["info", "--model"] })
        {
            (code, _, error) = Rnn([.. command, PathOf("bad.rnn")]);
            Assert.Equal(1, code);
            Assert.StartsWith($"rnn: {PathOf("bad.rnn")}: not an RnnNative checkpoint", error);
        }
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
        foreach (string precision in new[] { "bf16", "int8" })
        {
            (code, output, error) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "40", "--seed", "7", "--precision", precision);
            Assert.True(code == 0, error);
            Assert.StartsWith("the ", output);
            Assert.True(output.Length > "the ".Length + 1, output);
        }

        (code, output, _) = Rnn("eval", "--model", model, "--data", data);
        Assert.Equal(0, code);
        Assert.Contains("bits per character", output);
        foreach (string precision in new[] { "f32", "bf16", "int8" })
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
    public void Dropout_and_identity_initialization_are_kept_in_the_model_and_shown_by_info()
    {
        string data = WriteCorpus(), model = PathOf("irnn.rnn");
        (int code, string output, string error) = Rnn([.. TinyTraining(data, model, 3), "--cell", "elman", "--activation", "relu", "--layers", "2",
            "--init", "identity", "--identity-scale", "0.5", "--dropout", "0.25"]);
        Assert.True(code == 0, error);
        Assert.Contains("model: ELMAN 2x16, embedding 8, dropout 0.25, init identity (scale 0.5),", output);
        (code, output, _) = Rnn("info", "--model", model);
        Assert.Equal(0, code);
        Assert.Contains("model: ELMAN 2x16 (relu), embedding 8, dropout 0.25, init identity (scale 0.5),", output);

        // A saved model fixes them: given again with another value, they are refused.
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "4", "--dropout", "0.5");
        Assert.Equal(2, code);
        Assert.Contains($"--dropout cannot change when resuming: '{model}' has --dropout 0.25, not 0.5", error);
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "4", "--init", "default");
        Assert.Equal(2, code);
        Assert.Contains($"--init cannot change when resuming: '{model}' has --init identity, not default", error);
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "4", "--dropout", "0.25", "--init", "identity");
        Assert.True(code == 0, error);
    }

    [Fact]
    public void A_model_without_the_new_options_is_described_as_before()
    {
        string data = WriteCorpus(), model = PathOf("plain.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 1)).Code);
        string line = Rnn("info", "--model", model).Output.Split('\n').Single(l => l.StartsWith("model: ", StringComparison.Ordinal));
        Assert.Matches(@"^model: LSTM 2x16, embedding 8, [0-9,]+ parameters$", line.TrimEnd());
    }

    [Fact]
    public void A_class_softmax_word_model_trains_samples_evaluates_resumes_and_is_shown_by_info()
    {
        string data = WriteCorpus(), model = PathOf("classes.rnn");
        (int code, string output, string error) = Rnn([.. TinyTraining(data, model, 4), "--vocab", "word", "--softmax", "class", "--classes", "3"]);
        Assert.True(code == 0, error);
        Assert.Contains("embedding 8, class softmax (3 classes),", output);
        Assert.Contains("model: LSTM 2x16, embedding 8, class softmax (3 classes),", Rnn("info", "--model", model).Output);
        (code, output, error) = Rnn("sample", "--model", model, "--length", "12", "--seed", "3");
        Assert.True(code == 0 && output.Length > 0, error);
        Assert.Equal(0, Rnn("eval", "--model", model, "--data", data).Code);

        (code, _, error) = Rnn("train", "--resume", model, "--steps", "6", "--softmax", "full");
        Assert.Equal(2, code);
        Assert.Contains($"--softmax cannot change when resuming: '{model}' has --softmax class, not full", error);
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "6");
        Assert.True(code == 0, error);
        (code, _, error) = Rnn([.. TinyTraining(data, PathOf("bad.rnn"), 1), "--classes", "3"]);
        Assert.Equal(2, code);
        Assert.Contains("--classes: must be 0 with the full softmax", error);
    }

    /// <summary>Needs the GRU layer (issue 14), which the table of cell kinds gains with it.</summary>
    [Fact]
    public void Gru_is_a_cell_choice_and_its_model_is_shown_by_info()
    {
        Assert.Contains("--cell lstm|gru|elman", Rnn("train", "--help").Output);
        string data = WriteCorpus(), model = PathOf("gru.rnn");
        (int code, _, string error) = Rnn([.. TinyTraining(data, model, 2), "--cell", "gru", "--layers", "1"]);
        Assert.True(code == 0, error);
        Assert.Contains("model: GRU 1x16, embedding 8,", Rnn("info", "--model", model).Output);
    }

    [Fact]
    public void A_jordan_language_model_trains_samples_evaluates_resumes_and_is_shown_by_info()
    {
        string data = WriteCorpus(), model = PathOf("jordan.rnn");
        // One layer without --layers: a Jordan network does not take a stack's default of 2.
        (int code, string output, string error) = Rnn([.. TinyTraining(data, model, 6), "--cell", "jordan"]);
        Assert.True(code == 0, error);
        Assert.Contains("validation loss", output);
        Assert.Contains("model: JORDAN 1x16 (tanh), embedding 8,", Rnn("info", "--model", model).Output);
        (code, output, error) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "30", "--seed", "3");
        Assert.True(code == 0, error);
        Assert.StartsWith("the ", output);
        (code, output, error) = Rnn("eval", "--model", model, "--data", data);
        Assert.True(code == 0, error);
        Assert.Contains("bits per character", output);
        (code, output, error) = Rnn("train", "--resume", model, "--data", data, "--steps", "8");
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 6", output);

        (code, _, error) = Rnn("sample", "--model", model, "--precision", "bf16", "--seed", "1");
        Assert.Equal(1, code);
        Assert.Contains("steps in float32 only", error);
        AssertOneLine(error);
        (code, _, error) = Rnn([.. TinyTraining(data, PathOf("two.rnn"), 2), "--cell", "jordan", "--layers", "2"]);
        Assert.Equal(2, code);
        Assert.Contains("--layers: a Jordan network has one recurrent layer", error);
    }

    [Fact]
    public void Without_data_it_trains_on_the_addition_corpus_and_answers_new_sums()
    {
        (int code, string output, string error) = Rnn("train", "--checkpoint", PathOf("add.rnn"), "--steps", "3", "--eval-every", "0", "--sample-length", "0");
        Assert.True(code == 0, error);
        Assert.Contains("built-in addition corpus", output);
        Assert.Contains("model: LSTM 1x256, embedding 64", output);
        Assert.Contains("training: T=50 B=50 adam lr 0.01", output);
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

    private void AssertOneLine(string error)
    {
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("Parameter", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Resume_without_data_reuses_the_recorded_file_and_refuses_other_text()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 10)).Code);
        byte[] saved = File.ReadAllBytes(model);

        // The same words in another order: the same vocabulary, another text.
        string other = PathOf("other.txt");
        File.WriteAllText(other, string.Concat(Enumerable.Repeat("the dog sat on the log. the cat sat on the mat. ", 60)));
        (int code, string output, string error) = Rnn("train", "--resume", model, "--data", other, "--steps", "15");
        Assert.Equal(1, code);
        Assert.Contains($"'{other}' is not the data '{model}' was trained on", error);
        Assert.Contains("not the same ones; to continue the run on it anyway, add --data-changed-ok", error);
        AssertOneLine(error);
        Assert.Equal(saved, File.ReadAllBytes(model));

        // A shorter file is refused by its size, and with --data-changed-ok trains on from a new epoch.
        string shorter = PathOf("shorter.txt");
        File.WriteAllText(shorter, string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 20)));
        (code, _, error) = Rnn("train", "--resume", model, "--data", shorter, "--steps", "15");
        Assert.Equal(1, code);
        Assert.Contains("it has 480 bytes; to continue the run on it anyway, add --data-changed-ok", error);
        AssertOneLine(error);
        Assert.Equal(saved, File.ReadAllBytes(model));

        (code, output, error) = Rnn("train", "--resume", model, "--steps", "15", "--eval-every", "3", "--hidden", "16");
        Assert.True(code == 0, error);
        Assert.Contains($"data: {data} (", output);
        Assert.Contains("resumed at update 10", output);

        (code, output, error) = Rnn("train", "--resume", model, "--data", shorter, "--data-changed-ok", "--steps", "18", "--checkpoint", PathOf("changed.rnn"));
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 15", output);
        (_, output, _) = Rnn("info", "--model", PathOf("changed.rnn"));
        Assert.Contains("training: 18 updates", output);
    }

    [Theory]
    [InlineData("--hidden", "32", "--hidden cannot change when resuming: '{0}' has --hidden 16, not 32; leave it out")]
    [InlineData("--cell", "elman", "--cell cannot change when resuming: '{0}' has --cell lstm, not elman")]
    [InlineData("--embedding", "0", "--embedding cannot change when resuming: '{0}' has --embedding 8, not 0")]
    [InlineData("--batch", "8", "--batch cannot change when resuming: '{0}' has --batch 4, not 8")]
    [InlineData("--optimizer", "sgd", "--optimizer cannot change when resuming: '{0}' has --optimizer adam, not sgd")]
    [InlineData("--vocab", "byte", "--vocab cannot change when resuming: '{0}' has --vocab char, not byte")]
    [InlineData("--vocab-size", "40", "--vocab-size cannot change when resuming: '{0}' has a vocabulary of no cap (no <unk>), which --vocab-size 40 would not give")]
    [InlineData("--val-fraction", "0.2", "--val-fraction cannot change when resuming: '{0}' has --val-fraction 0.1, not 0.2")]
    public void Options_the_saved_run_fixes_cannot_change_when_resuming(string option, string value, string message)
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 4)).Code);
        (int code, _, string error) = Rnn("train", "--resume", model, "--steps", "8", option, value);
        Assert.Equal(2, code);
        Assert.Contains(string.Format(message, model), error);
        AssertOneLine(error);
    }

    [Fact]
    public void A_new_run_does_not_replace_another_runs_checkpoint_unless_told_to()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn"), best = PathOf("m.best.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 6)).Code);
        byte[] saved = File.ReadAllBytes(model), savedBest = File.ReadAllBytes(best);

        (int code, string output, string error) = Rnn(TinyTraining(data, model, 3));
        Assert.Equal(1, code);
        Assert.Equal($"rnn: '{model}' already exists and this run would replace it; continue its run with --resume {model}, choose another --checkpoint, or add --overwrite to replace it", error.Trim());
        Assert.DoesNotContain("training:", output);
        Assert.Equal(saved, File.ReadAllBytes(model));

        // The best file alone is another run's too; a resume into another existing file is refused as well.
        File.Delete(model);
        (code, _, error) = Rnn(TinyTraining(data, model, 3));
        Assert.Equal(1, code);
        Assert.Contains($"'{best}' already exists", error);
        Assert.Equal(savedBest, File.ReadAllBytes(best));
        File.Copy(best, model);
        File.WriteAllBytes(PathOf("other.rnn"), saved);
        (code, _, error) = Rnn("train", "--resume", model, "--checkpoint", PathOf("other.rnn"), "--steps", "8", "--seed", "1");
        Assert.Equal(1, code);
        Assert.Contains($"'{PathOf("other.rnn")}' already exists", error);

        // Resuming into its own file, and --overwrite, write as before.
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "8", "--seed", "1");
        Assert.True(code == 0, error);
        (code, _, error) = Rnn([.. TinyTraining(data, model, 3), "--overwrite"]);
        Assert.True(code == 0, error);
        Assert.Contains("training: 3 updates", Rnn("info", "--model", model).Output);
    }

    [Fact]
    public void A_new_run_seeds_its_dropout_with_seed_and_a_resumed_run_keeps_the_saved_seed()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        (int code, _, string error) = Rnn([.. TinyTraining(data, model, 2), "--seed", "77"]);
        Assert.True(code == 0, error);
        Assert.Equal(77UL, RnnNative.Model.ModelFile.Load(model).Training!.Seed);
        (code, _, error) = Rnn("train", "--resume", model, "--steps", "3", "--seed", "1");
        Assert.True(code == 0, error);
        Assert.Equal(77UL, RnnNative.Model.ModelFile.Load(model).Training!.Seed);
    }

    [Fact]
    public void A_prime_with_a_character_the_model_does_not_know_names_the_option_before_any_output()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 2)).Code);
        (int code, string output, string error) = Rnn("sample", "-m", model, "-p", "the c\u00e4t", "-n", "10", "-s", "1");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"rnn: --prime: character '\u00e4' (U+00E4) (character 6 of the prime) is not in the vocabulary of '{model}'; prime with text of its characters", error.Trim());
    }

    [Fact]
    public void Prompts_from_a_file_are_served_by_streams_each_text_the_one_its_prompt_and_seed_give_alone()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn"), prompts = PathOf("prompts.txt");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 10)).Code);
        string[] lines = ["the ", "the cat", "", "sat on"];
        File.WriteAllText(prompts, string.Join("\n", lines) + "\n");
        foreach (string precision in new[] { "f32", "int8" })
        {
            (int code, string output, string error) = Rnn("sample", "-m", model, "--prompts", prompts, "--streams", "2", "-n", "15", "-s", "5", "--precision", precision, "--stop", "zz");
            Assert.True(code == 0, error);
            string[] got = output.TrimEnd('\n').Split('\n');
            Assert.Equal(2 * lines.Length, got.Length);
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.Equal($"--- stream {i} (seed {5 + i}, 15 tokens, length)", got[2 * i]);
                (code, string alone, error) = Rnn("sample", "-m", model, "-p", lines[i], "-n", "15", "-s", (5 + i).ToString(), "--precision", precision);
                Assert.True(code == 0, error);
                Assert.Equal(alone.TrimEnd('\n'), got[2 * i + 1]);
            }
        }
        Assert.DoesNotContain("always step in f32", Rnn("sample", "-h").Output);

        File.WriteAllText(prompts, "the \nthe c\u00e4t\n");
        (int failed, string none, string message) = Rnn("sample", "-m", model, "--prompts", prompts, "-s", "1");
        Assert.Equal((1, ""), (failed, none));
        Assert.Equal($"rnn: '{prompts}' line 2: character '\u00e4' (U+00E4) (character 6 of the line) is not in the vocabulary of '{model}'; give prompts of its characters", message.Trim());
        File.WriteAllText(prompts, "");
        Assert.Equal($"rnn: '{prompts}' is empty: give one prompt per line", Rnn("sample", "-m", model, "--prompts", prompts, "-s", "1").Error.Trim());
        Assert.StartsWith($"rnn: cannot read '{PathOf("none.txt")}'", Rnn("sample", "-m", model, "--prompts", PathOf("none.txt"), "-s", "1").Error);
        (failed, _, message) = Rnn("sample", "-m", model, "--prompts", prompts, "-p", "the", "-s", "1");
        Assert.Equal(2, failed);
        Assert.StartsWith("rnn: give --prime TEXT or --prompts FILE, not both", message);
    }

    [Fact]
    public void Values_the_engine_refuses_are_named_by_the_option_that_set_them()
    {
        string data = WriteCorpus();
        (int code, _, string error) = Rnn([.. TinyTraining(data, PathOf("h.rnn"), 2), "--hidden", "100000", "--seed", "1"]);
        Assert.Equal(2, code);
        Assert.Equal("rnn: --hidden: must be at most 65536, not 100000 (see rnn train --help)", error.Trim());
        (code, _, error) = Rnn([.. TinyTraining(data, PathOf("b.rnn"), 2), "--beta1", "1", "--seed", "1"]);
        Assert.Equal(2, code);
        Assert.StartsWith("rnn: --beta1: must be in [0, 1)", error.Trim());
        Assert.False(File.Exists(PathOf("h.rnn")) || File.Exists(PathOf("b.rnn")));
    }

    [Fact]
    public void A_resume_with_nothing_left_to_do_says_so_and_keeps_the_file()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 6)).Code);
        byte[] saved = File.ReadAllBytes(model);
        (int code, string output, string error) = Rnn("train", "--resume", model, "--seed", "1");
        Assert.True(code == 0, error);
        Assert.Equal($"'{model}' has already reached its limits (6 updates) at update 6: nothing to do. Raise --updates, --time or --epochs (totals of the run) to train further.", output.Trim());
        Assert.Equal(saved, File.ReadAllBytes(model));
    }

    [Fact]
    public void Weights_only_files_point_at_init_from_which_starts_a_new_run_from_them()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn"), weights = PathOf("weights.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 6)).Code);
        RnnNative.Model.LoadedModel loaded = RnnNative.Model.ModelFile.Load(model);
        RnnNative.Model.ModelFile.Save(weights, loaded.Model, loaded.Vocabulary);

        (int code, _, string error) = Rnn("train", "--resume", weights, "--data", data);
        Assert.Equal(2, code);
        Assert.Contains($"'{weights}' holds weights only, no training state to resume; start a new run from its weights with --init-from {weights}", error);

        (code, _, error) = Rnn("train", "--init-from", weights, "--checkpoint", PathOf("new.rnn"));
        Assert.Equal(2, code);
        Assert.Contains($"'{weights}' does not record the data it was trained on; pass --data FILE", error);
        (code, _, error) = Rnn("train", "--init-from", weights, "--checkpoint", weights, "--data", data);
        Assert.Equal(2, code);
        Assert.Contains($"--checkpoint '{weights}' is the --init-from file, which the new run would overwrite", error);
        (code, _, error) = Rnn("train", "--init-from", weights, "--data", data, "--checkpoint", PathOf("new.rnn"), "--hidden", "64");
        Assert.Equal(2, code);
        Assert.Contains($"--hidden cannot change with --init-from: '{weights}' has --hidden 16, not 64", error);

        // Without --data a new run from a resumable file trains on the data that file records.
        (code, string output, error) = Rnn("train", "--init-from", model, "--checkpoint", PathOf("new.rnn"), "--steps", "3", "--seq-length", "8", "--batch", "2", "--sample-length", "0");
        Assert.True(code == 0, error);
        Assert.Contains($"data: {data} (", output);
        Assert.Contains($"weights from '{model}'", output);
        Assert.DoesNotContain("resumed", output);
        (_, output, _) = Rnn("info", "--model", PathOf("new.rnn"));
        Assert.Contains("training: 3 updates", output);
        Assert.Contains("T=8 B=2", output);
    }

    [Fact]
    public void A_run_on_the_built_in_corpus_resumes_on_the_corpus_of_its_own_seed()
    {
        string model = PathOf("add.rnn");
        string[] tiny = ["--hidden", "16", "--seq-length", "8", "--batch", "4", "--eval-every", "0", "--sample-length", "0"];
        (int code, _, string error) = Rnn(["train", "--checkpoint", model, "--steps", "2", "--seed", "5", .. tiny]);
        Assert.True(code == 0, error);
        (code, string output, error) = Rnn("train", "--resume", model, "--steps", "3");
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 2", output);
        Assert.Contains("built-in addition corpus", output);
    }

    [Fact]
    public void A_checkpoint_saved_before_the_data_record_resumes_with_data_and_asks_for_it_without()
    {
        string fixture = PathOf("old.rnn"), data = PathOf("old.txt");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resumable-0.1.rnn"), fixture);
        File.WriteAllText(data, string.Concat(Enumerable.Repeat("the cat sat on the mat.\n", 20)));
        (int code, _, string error) = Rnn("train", "--resume", fixture, "--steps", "5");
        Assert.Equal(2, code);
        Assert.Contains($"'{fixture}' does not record the data it was trained on (it was saved before 0.2.0); pass --data FILE", error);
        (code, string output, error) = Rnn("train", "--resume", fixture, "--data", data, "--steps", "5", "--sample-length", "0");
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 3", output);
    }

    [Theory]
    [InlineData("", "'{0}' is empty: there is nothing to train on")]
    [InlineData("a", "'{0}' holds a single distinct character, which a model cannot learn anything from; train on a text with at least two")]
    [InlineData("hello world, this is short", "'{0}' has 24 tokens to train on (2 more are held out for validation); --batch 50 streams of --seq-length 50 need at least 2,550: use a longer text or a smaller --batch or --seq-length")]
    public void Texts_too_small_to_train_on_are_named_with_what_to_do(string text, string message)
    {
        string path = PathOf("small.txt");
        File.WriteAllText(path, text);
        (int code, string output, string error) = Rnn("train", "--data", path, "--checkpoint", PathOf("m.rnn"), "--steps", "2");
        Assert.Equal(1, code);
        Assert.Equal($"rnn: {string.Format(message, path)}", error.Trim());
        Assert.False(File.Exists(PathOf("m.rnn")), output);
    }

    [Fact]
    public void A_binary_file_trained_as_text_is_refused_with_a_pointer_to_vocab_byte()
    {
        string path = PathOf("data.bin");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7))]);
        (int code, _, string error) = Rnn("train", "--data", path, "--steps", "2");
        Assert.Equal(1, code);
        Assert.Equal($"rnn: '{path}' does not look like UTF-8 text (a NUL byte at offset 0); train on it with --vocab byte, which reads any bytes", error.Trim());
        (code, _, error) = Rnn("train", "--data", path, "--vocab", "byte", "--checkpoint", PathOf("b.rnn"), "--steps", "2", "--batch", "4", "--seq-length", "8", "--sample-length", "0");
        Assert.True(code == 0, error);
    }

    [Fact]
    public void Eval_names_the_file_line_and_column_of_a_character_the_model_does_not_know()
    {
        string data = WriteCorpus(), model = PathOf("m.rnn"), other = PathOf("other.txt");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 2)).Code);
        File.WriteAllText(other, "the cat\nthe dög\n");
        (int code, _, string error) = Rnn("eval", "--model", model, "--data", other);
        Assert.Equal(1, code);
        Assert.Equal($"rnn: '{other}' line 1, column 8: character U+000A is not in the vocabulary of '{model}'; use text of its characters, or train a model with --vocab-size N (unseen characters become <unk>) or --vocab byte", error.Trim());
        File.WriteAllText(other, "the cat the dög");
        (_, _, error) = Rnn("eval", "--model", model, "--data", other);
        Assert.Contains($"'{other}' line 1, column 14: character 'ö' (U+00F6) is not in the vocabulary of '{model}'", error);
    }

    [Fact]
    public void Output_folders_are_created_and_unwritable_outputs_refused_before_training()
    {
        string data = WriteCorpus();
        string nested = Path.Combine(_directory, "runs", "today", "m.rnn");
        (int code, _, string error) = Rnn(TinyTraining(data, nested, 2));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(nested) && File.Exists(Path.Combine(_directory, "runs", "today", "m.best.rnn")));

        string underAFile = Path.Combine(data, "m.rnn");
        (code, string output, error) = Rnn(TinyTraining(data, underAFile, 2));
        Assert.Equal(1, code);
        Assert.StartsWith($"rnn: cannot write --checkpoint '{underAFile}': ", error);
        AssertOneLine(error);
        Assert.DoesNotContain("trained", output);
        (code, _, error) = Rnn([.. TinyTraining(data, PathOf("m.rnn"), 2), "--plot", _directory]);
        Assert.Equal(1, code);
        Assert.Equal($"rnn: --plot '{_directory}' is a folder; name a file in it", error.Trim());
        Assert.False(File.Exists(PathOf("m.rnn")));
    }

    [Theory]
    [InlineData("--batch", "0", "--batch must be at least 1, not 0")]
    [InlineData("--layers", "65", "--layers must be between 1 and 64, not 65")]
    public void Ranges_read_as_users_say_them(string option, string value, string message)
    {
        (int code, _, string error) = Rnn("train", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_seed_above_2_to_the_31_gives_the_engines_weights_and_the_optimizer_options_reach_the_run()
    {
        string data = WriteCorpus(), model = PathOf("seed.rnn");
        const ulong seed = (1UL << 32) + 5;
        (int code, string output, string error) = Rnn("train", "--data", data, "--checkpoint", model, "--hidden", "8", "--seq-length", "8", "--batch", "4",
            "--steps", "1", "--lr", "0", "--eval-every", "0", "--sample-length", "0", "--seed", seed.ToString(),
            "--optimizer", "adamw", "--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-6", "--clip-value", "0.5");
        Assert.True(code == 0, error);
        Assert.Contains("adam lr 0", output);
        RnnNative.Model.LoadedModel saved = RnnNative.Model.ModelFile.Load(model);
        Assert.Equal(8, saved.Model.Config.EmbeddingSize);                 // min(hidden, 64)
        RnnNative.Model.LanguageModel expected = new(saved.Model.Config);
        expected.Initialize(seed);                                         // what C (seed, seed_high) and Python's seed= give
        for (int b = 0; b < expected.Blocks.Count; b++)
        {
            Assert.Equal(expected.Blocks[b].Values, saved.Model.Blocks[b].Values);   // lr 0: the initial weights
        }
        RnnNative.Runs.OptimizerConfig optimizer = saved.Options!.Optimizer;
        Assert.Equal((true, 0.8f, 0.99f, 1e-6f, 0.5f), (optimizer.DecoupledWeightDecay, optimizer.Beta1, optimizer.Beta2, optimizer.EffectiveEpsilon, saved.Options.ClipValue));
    }

    [Fact]
    public void The_vocabulary_size_cap_a_run_was_made_with_may_be_given_again_when_resuming()
    {
        string data = WriteCorpus(), model = PathOf("capped.rnn");
        string[] training = [.. TinyTraining(data, model, 4), "--vocab-size", "40"];
        Assert.Equal(0, Rnn(training).Code);
        training[Array.IndexOf(training, "--steps") + 1] = "6";
        (int code, string output, string error) = Rnn([.. training, "--resume", model]);
        Assert.True(code == 0, error);
        Assert.Contains("resumed at update 4", output);
    }

    [Fact]
    public void Version_names_the_assembly_version_and_the_kernel_path()
    {
        (int code, string output, string error) = Rnn("--version");
        Assert.True(code == 0, error);
        string version = typeof(Program).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith($"rnn {version}", output);
        Assert.Contains($"kernel path: {RnnNative.Kernels.KernelPaths.Name(RnnNative.Kernels.KernelPaths.Active)}", output);
    }

    [Theory]
    [InlineData("train", "--help")]
    [InlineData("sample", "-h")]
    [InlineData("eval", "--help")]
    [InlineData("info", "-h")]
    public void Help_after_a_command_prints_only_that_command_and_exits_0(string command, string help)
    {
        foreach (string[] args in new[] { new[] { command, help }, new[] { command, "--model", "x.rnn", help }, new[] { "help", command } })
        {
            (int code, string output, string error) = Rnn(args);
            Assert.True(code == 0, error);
            Assert.StartsWith($"rnn {command} ", output);
            string[] others = new[] { "train", "sample", "eval", "info" }.Where(c => c != command).ToArray();
            Assert.All(others, other => Assert.DoesNotContain($"rnn {other} ", output));
        }
        Assert.Contains("-m = --model", Rnn("sample", "-h").Output);
        Assert.Contains("--temp = --temperature", Rnn("sample", "-h").Output);
        Assert.EndsWith("short    -m = --model  -t = --threads\n", Rnn("eval", "-h").Output);
    }

    [Fact]
    public void Short_aliases_of_llama_cpp_mean_the_same_as_the_long_options()
    {
        string data = WriteCorpus(), model = PathOf("alias.rnn");
        Assert.Equal(0, Rnn(TinyTraining(data, model, 4)).Code);
        (int code, string longForm, string error) = Rnn("sample", "--model", model, "--prime", "the ", "--length", "30", "--seed", "5", "--temperature", "0.7");
        Assert.True(code == 0, error);
        (code, string shortForm, error) = Rnn("sample", "-m", model, "-p", "the ", "-n", "30", "-s", "5", "--temp", "0.7");
        Assert.True(code == 0, error);
        Assert.Equal(longForm, shortForm);
        (code, string prompt, error) = Rnn("sample", "-m", model, "--prompt", "the ", "-n=30", "-s", "5", "--temp=0.7");
        Assert.True(code == 0, error);
        Assert.Equal(longForm, prompt);
        Assert.Equal(0, Rnn("info", "-m", model).Code);
        Assert.Equal(0, Rnn("eval", "-m", model, "--data", data).Code);
        // -t as in sample and train (the engine's thread count, which this process keeps as it is).
        (code, string threaded, error) = Rnn("eval", "-m", model, "--data", data, "-t", RnnNative.Kernels.Threading.Parallelism.ThreadCount.ToString());
        Assert.True(code == 0, error);
        Assert.Equal(Rnn("eval", "-m", model, "--data", data).Output, threaded);
    }

    [Fact]
    public void Without_seed_train_and_sample_draw_one_and_print_how_to_repeat_the_run()
    {
        string data = WriteCorpus();
        string[] training = TinyTraining(data, PathOf("r1.rnn"), 4);
        (int code, string output, string error) = Rnn(training);
        Assert.True(code == 0, error);
        Match drawn = Regex.Match(output, @"^seed (\d+) \(repeat with --seed \1\)$", RegexOptions.Multiline);
        Assert.True(drawn.Success, output);
        string seed = drawn.Groups[1].Value;

        training[Array.IndexOf(training, "--checkpoint") + 1] = PathOf("r2.rnn");
        (code, output, error) = Rnn([.. training, "--seed", seed]);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("repeat with", output);
        string[] sampling = ["sample", "--prime", "the ", "--length", "40", "--seed", "3"];
        Assert.Equal(Rnn([.. sampling, "--model", PathOf("r1.rnn")]).Output, Rnn([.. sampling, "--model", PathOf("r2.rnn")]).Output);

        (code, string first, error) = Rnn("sample", "--model", PathOf("r1.rnn"), "--length", "60");
        Assert.Equal(0, code);
        drawn = Regex.Match(error, @"^seed (\d+) \(repeat with --seed \1\)$", RegexOptions.Multiline);
        Assert.True(drawn.Success, error);
        (_, string again, error) = Rnn("sample", "--model", PathOf("r1.rnn"), "--length", "60", "--seed", drawn.Groups[1].Value);
        Assert.Equal(first, again);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    [InlineData(80)]
    [InlineData(200)]
    public void On_a_terminal_the_progress_line_redraws_within_its_width(int width)
    {
        string data = WriteCorpus();
        (int code, string output, string error) = RnnOn(interactive: true, width, TinyTraining(data, PathOf("w.rnn"), 10));
        Assert.True(code == 0, error);
        string[] redrawn = output.Split('\r').Skip(1).Select(s => s.Split('\n')[0]).ToArray();
        Assert.NotEmpty(redrawn);
        Assert.All(redrawn, line => Assert.True(line.Length < width, $"{line.Length} columns: '{line}'"));
        Assert.Contains(redrawn, line => line.Contains("update 10/10 100%"));
        Assert.Equal(width >= 80, redrawn.Any(line => line.StartsWith('[')));
    }

    [Fact]
    public void The_progress_line_follows_a_terminal_that_narrows()
    {
        int draws = 0;
        StringWriter output = new(), error = new();
        int code = Program.Run(TinyTraining(WriteCorpus(), PathOf("narrow.rnn"), 10), output, error, interactive: true, CancellationToken.None,
            () => ++draws == 1 ? 200 : 40);
        Assert.True(code == 0, error.ToString());
        string[] redrawn = output.ToString().Split('\r').Skip(1).Select(s => s.Split('\n')[0]).ToArray();
        Assert.True(redrawn.Length >= 2 && draws == redrawn.Length, $"{draws} widths asked for {redrawn.Length} lines");
        Assert.StartsWith("[", redrawn[0]);
        Assert.All(redrawn.Skip(1), line => Assert.True(line.Length < 40, $"{line.Length} columns: '{line}'"));
    }

    [Fact]
    public void Redirected_output_gets_plain_lines_one_at_each_validation()
    {
        string data = WriteCorpus();
        (int code, string output, string error) = Rnn(TinyTraining(data, PathOf("plain.rnn"), 10));
        Assert.True(code == 0, error);
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain("[#", output);
        string[] progress = output.Split('\n').Where(l => l.StartsWith("update ", StringComparison.Ordinal)).ToArray();
        Assert.Contains(progress, l => l.StartsWith("update 5/10 50% | loss") && l.Contains(" val "));
        Assert.Contains(progress, l => l.StartsWith("update 10/10 100% | loss") && l.Contains(" val "));
    }
}

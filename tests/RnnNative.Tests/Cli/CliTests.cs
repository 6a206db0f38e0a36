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
    [InlineData(new[] { "train", "--cell", "gru" }, "--cell must be one of lstm|elman|rnn, not 'gru'")]
    [InlineData(new[] { "sample" }, "rnn sample needs --model FILE")]
    [InlineData(new[] { "sample", "--model", "m.rnn", "--precision", "fp8" }, "--precision must be one of f32|bf16, not 'fp8'")]
    [InlineData(new[] { "eval", "--model", "m.rnn", "--data", "d.txt", "--precision", "int4" }, "--precision must be one of f32|bf16, not 'int4'")]
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
        Assert.EndsWith("short    -m = --model\n", Rnn("eval", "-h").Output);
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
        Assert.Contains(redrawn, line => line.Contains("step 10/10 100%"));
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
        string[] progress = output.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToArray();
        Assert.Contains(progress, l => l.StartsWith("step 5/10 50% | loss") && l.Contains(" val "));
        Assert.Contains(progress, l => l.StartsWith("step 10/10 100% | loss") && l.Contains(" val "));
    }
}

using RnnNative.Cli;
using RnnNative.Cli.Terminal;
using RnnNative.Corpora;

namespace RnnNative.Tests.Cli;

/// <summary>rnn train --task seq2seq (pairs and the addition demo), then predict, eval and info on its model, end to end in process.</summary>
public sealed class Seq2SeqCliTests : IDisposable
{
    /// <summary>Words and their reversals: "abc	cba".</summary>
    private static readonly string Reversals = string.Concat(
        from a in "abc" from b in "abc" from c in "ab" select $"{a}{b}{c}\t{c}{b}{a}\n");

    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-seq2seq-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Rnn(string[] args, string? input = null)
    {
        StringWriter output = new(), error = new();
        int code = Program.Run(args, output, error, interactive: false, CancellationToken.None, () => ProgressBar.DefaultWidth, input is null ? null : new StringReader(input));
        return (code, output.ToString(), error.ToString());
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(PathOf(name), text);
        return PathOf(name);
    }

    private static string[] Tiny(string model, params string[] more) =>
        ["train", "--task", "seq2seq", "--checkpoint", model, "--hidden", "8", "--embedding", "4", "--batch", "4", "--updates", "4", "--eval-every", "2", "--seed", "3", .. more];

    private static void AssertOk((int Code, string Output, string Error) run) => TaskCliTests.AssertOk(run);

    private static void AssertFails(int code, string message, (int Code, string Output, string Error) run) => TaskCliTests.AssertFails(code, message, run);

    [Fact]
    public void A_seq2seq_model_trains_on_pairs_then_predicts_evaluates_resumes_and_is_described()
    {
        string train = Write("train.tsv", Reversals);
        string dev = Write("dev.tsv", "abc\tcba\nbca\tacb\n");
        string model = PathOf("s2s.rnn");

        (int code, string output, string error) = Rnn(Tiny(model, "--data", train, "--valid", dev, "--vocab", "chars", "--beam", "2"));
        AssertOk((code, output, error));
        Assert.Contains($"data: {train}: 18 pairs, 54 source and 54 target tokens (longest 3 and 3); validation: {dev}: 2 pairs", output);
        Assert.Contains("vocabularies: source 7 characters, target 7 characters", output);
        Assert.Contains("model: seq2seq, encoder LSTM 1x8, decoder LSTM 1x8, embeddings 4 and 4,", output);
        Assert.Contains("update 4/4", output);
        Assert.Contains($"held-out exact match on {dev}: greedy ", output);
        Assert.Contains(", beam 2 ", output);
        // The held-out pairs' answers, each marked right or wrong against its target.
        string[] answers = [.. output.Split('\n').Where(line => line.StartsWith("  abc -> ", StringComparison.Ordinal) || line.StartsWith("  bca -> ", StringComparison.Ordinal))];
        Assert.Equal(2, answers.Length);
        Assert.All(answers, a => Assert.True(a.EndsWith(" ✓", StringComparison.Ordinal) || a.Contains(" ✗ (expected ", StringComparison.Ordinal), a));

        // predict: a target per source line, from a file (a TSV's first field) or stdin, to stdout or --output.
        string sources = Write("sources.txt", "abc\nbca\ncab\n");
        (int predictCode, string targets, string predictError) = Rnn(["predict", "--model", model, "--data", sources]);
        AssertOk((predictCode, targets, predictError));
        Assert.Equal(3, targets.TrimEnd('\n').Split('\n').Length);
        (int stdinCode, string fromStdin, string stdinError) = Rnn(["predict", "--model", model, "--beam", "3", "--max-length", "5"], input: "abc\nbca\ncab\n");
        AssertOk((stdinCode, fromStdin, stdinError));
        Assert.Equal(3, fromStdin.TrimEnd('\n').Split('\n').Length);
        Assert.All(fromStdin.TrimEnd('\n').Split('\n'), t => Assert.True(t.Length <= 5));
        string written = PathOf("targets.txt");
        AssertOk(Rnn(["predict", "--model", model, "--data", dev, "--output", written]));
        Assert.Equal(targets.Split('\n').Take(2), File.ReadAllText(written).Split('\n').Take(2));

        // eval: the scores of the same pairs the training's report scored.
        (int evalCode, string scores, string evalError) = Rnn(["eval", "--model", model, "--data", dev]);
        AssertOk((evalCode, scores, evalError));
        Assert.Contains($"{dev}: 2 pairs, 6 source and 6 target tokens (longest 3 and 3); decoding greedy", scores);
        Assert.Matches(@"loss \d+\.\d{4}  exact match \d+\.\d\d%  token accuracy \d+\.\d\d%  \(2 pairs\)", scores);
        Assert.Contains("decoding with a beam of 2", Rnn(["eval", "--model", model, "--data", dev, "--beam", "2"]).Output);

        (int infoCode, string info, string infoError) = Rnn(["info", "--model", model, "--curve"]);
        AssertOk((infoCode, info, infoError));
        Assert.Contains("model: seq2seq, encoder LSTM 1x8, decoder LSTM 1x8", info);
        Assert.Contains("vocabularies: source 7 characters, target 7 characters", info);
        Assert.Contains("training: 4 updates", info);
        Assert.Contains("validation curve: update", info);

        (int resumeCode, string resumed, string resumeError) = Rnn(["train", "--resume", model, "--valid", dev, "--updates", "6"]);
        AssertOk((resumeCode, resumed, resumeError));
        Assert.Contains("resumed at update 4", resumed);
        Assert.Contains("trained 6 updates", resumed);
    }

    [Fact]
    public void Without_data_seq2seq_trains_on_the_addition_demo_and_shows_answers_in_the_usual_notation()
    {
        string model = PathOf("addition.rnn");
        (int code, string output, string error) = Rnn(Tiny(model, "--updates", "2"));
        AssertOk((code, output, error));
        Assert.Contains("data: the addition demo: 50,000 pairs", output);
        Assert.Contains("validation: the addition demo's held-out questions: 1,000 pairs", output);
        Assert.Contains("vocabularies: source 15 characters, target 14 characters", output);
        Assert.Contains("held-out exact match on the addition demo's held-out questions: greedy ", output);
        Assert.Contains(", beam 4 ", output);
        // Six answers to held-out questions, written a+b (the model reads them reversed).
        string[] answers = [.. output.Split('\n').Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^  \d+\+\d+ -> "))];
        Assert.Equal(6, answers.Length);
        AdditionPairs pairs = AdditionPairs.Generate();
        Assert.True(AdditionPairs.TryParseQuestion(pairs.HeldOut[0].Source, reversed: true, out int a, out int b));
        Assert.StartsWith($"  {a}+{b} -> ", answers[0]);
    }

    [Fact]
    public void Every_wrong_seq2seq_input_is_one_line_naming_the_file_line_or_option()
    {
        string train = Write("train.tsv", Reversals);
        string model = PathOf("s2s.rnn");
        AssertOk(Rnn(Tiny(model, "--data", train, "--vocab", "chars", "--updates", "1")));

        string gap = Write("gap.txt", "abc\n\nbca\n");
        AssertFails(1, $"{gap}:2: an empty source", Rnn(["predict", "--model", model, "--data", gap]));
        AssertFails(1, "stdin: no source to translate", Rnn(["predict", "--model", model], input: ""));
        string noTab = Write("bad.tsv", "abc\tcba\nabc cba\n");
        AssertFails(1, $"{noTab}:2: expected a source and a target separated by a tab", Rnn(["eval", "--model", model, "--data", noTab]));
        AssertFails(1, $"{noTab}:2:", Rnn(Tiny(PathOf("other.rnn"), "--data", noTab)));
        AssertFails(1, $"cannot read '{PathOf("missing.tsv")}'", Rnn(["eval", "--model", model, "--data", PathOf("missing.tsv")]));
        AssertFails(2, "--beam", Rnn(["predict", "--model", model, "--beam", "0"], input: "abc\n"));
        AssertFails(2, "--max-length", Rnn(["predict", "--model", model, "--max-length", "0"], input: "abc\n"));
        AssertFails(2, "need --data", Rnn(Tiny(PathOf("demo.rnn"), "--valid", train)));
        AssertFails(2, "--precision is for language models", Rnn(["eval", "--model", model, "--data", train, "--precision", "bf16"]));
        AssertFails(2, "--hidden cannot change when resuming", Rnn(["train", "--resume", model, "--hidden", "16", "--updates", "3"]));
        AssertFails(2, "--embedding", Rnn(Tiny(PathOf("e0.rnn"), "--data", train, "--embedding", "0")));
    }
}

using RnnNative.Cli;

namespace RnnNative.Tests.Cli;

/// <summary><c>rnn quantize</c> end to end, in process: the int8 file samples and evaluates as its model does with
/// <c>--precision int8</c>, <c>rnn info</c> says int8, and training, resuming and other precisions are one-line refusals.</summary>
public sealed class QuantizeCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-quantize-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Output, string Error) Rnn(params string[] args)
    {
        StringWriter output = new(), error = new();
        int code = Program.Run(args, output, error, interactive: false, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    [Fact]
    public void A_quantized_file_samples_and_evaluates_as_int8_steps_of_its_model_and_refuses_the_rest()
    {
        string data = PathOf("corpus.txt"), model = PathOf("m.rnn"), int8 = PathOf("m.int8.rnn");
        File.WriteAllText(data, string.Concat(Enumerable.Repeat("the cat sat on the mat. the dog sat on the log. ", 60)));
        (int code, string output, string error) = Rnn("train", "--data", data, "--checkpoint", model, "--hidden", "16", "--embedding", "8",
            "--seq-length", "16", "--batch", "4", "--steps", "5", "--eval-every", "5", "--val-windows", "1", "--sample-length", "0");
        Assert.True(code == 0, error);

        (code, output, error) = Rnn("quantize", "--model", model, "--output", int8);
        Assert.True(code == 0, error);
        Assert.StartsWith($"{int8}: int8 weights, ", output);
        Assert.True(new FileInfo(int8).Length < new FileInfo(model).Length / 3);   // the checkpoint also had Adam's state

        (code, output, _) = Rnn("info", "--model", int8);
        Assert.Equal(0, code);
        Assert.Contains("weights: int8 (inference only", output);
        Assert.Contains("training: none saved", output);
        (_, output, _) = Rnn("info", "--model", model);
        Assert.Contains("weights: float32", output);

        // Sampling and token-by-token evaluation: the same int8 steps, so the same text and loss.
        string[] sample = ["sample", "--prime", "the ", "--length", "60", "--seed", "7"];
        (int c1, string fromFile, string e1) = Rnn([.. sample, "--model", int8]);
        (int c2, string fromModel, string e2) = Rnn([.. sample, "--model", model, "--precision", "int8"]);
        Assert.True(c1 + c2 == 0, e1 + e2);
        Assert.Equal(fromModel, fromFile);
        (c1, fromFile, e1) = Rnn("eval", "--model", int8, "--data", data, "--precision", "int8");
        (c2, fromModel, e2) = Rnn("eval", "--model", model, "--data", data, "--precision", "int8");
        Assert.True(c1 + c2 == 0, e1 + e2);
        Assert.Equal(fromModel, fromFile);
        (code, output, error) = Rnn("eval", "--model", int8, "--data", data);   // the batched path over the dequantised weights
        Assert.True(code == 0, error);
        Assert.Contains("bits per character", output);

        foreach (string[] refused in new[]
        {
            new[] { "sample", "--model", int8, "--precision", "f32", "--seed", "1" },
            ["eval", "--model", int8, "--data", data, "--precision", "bf16"],
            ["train", "--resume", int8, "--data", data, "--steps", "6", "--seed", "1"],
            ["train", "--init-from", int8, "--data", data, "--steps", "1", "--seed", "1"],
        })
        {
            (code, _, error) = Rnn(refused);
            Assert.Equal(1, code);
            Assert.StartsWith($"rnn: {int8} holds int8 weights for inference only: the model cannot ", error);
            Assert.Single(error.TrimEnd().Split('\n'));
        }

        (code, _, error) = Rnn("quantize", "--model", model, "--output", model);
        Assert.Equal(2, code);
        Assert.Contains("is the --model file", error);
        (code, _, error) = Rnn("quantize", "--model", model);
        Assert.Equal(2, code);
        Assert.Contains("rnn quantize needs --output FILE", error);
    }
}

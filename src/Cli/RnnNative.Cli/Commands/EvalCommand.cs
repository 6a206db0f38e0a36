using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Data;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn eval</c>: loss, perplexity and bits per character of a saved model on a text file.</summary>
internal static class EvalCommand
{
    public const string Usage = """
        rnn eval --model FILE --data FILE [--batch 50] [--seq-length 100] [--precision f32|bf16] [--threads N]
                   every token of the file predicted once; with --precision, by one stream token by token
                   as sampling reads them, with f32 or bf16 step weights (compare the two for bf16's cost)
        """;

    public static int Run(Arguments args, TextWriter output)
    {
        string path = args.String("model") ?? throw new UsageException("rnn eval needs --model FILE");
        string dataPath = args.String("data") ?? throw new UsageException("rnn eval needs --data FILE");
        int batch = args.Int("batch", 50, min: 1), steps = args.Int("seq-length", 100, min: 1);
        WeightPrecision? precision = args.Choice<WeightPrecision?>("precision", null, ("f32", WeightPrecision.Float32), ("bf16", WeightPrecision.BFloat16));
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        args.RejectUnused();

        LoadedModel loaded = ModelFiles.Load(path);
        using TokenSequence tokens = DataFiles.Encode(dataPath, loaded.Vocabulary, path);
        if (precision is { } stepPrecision)
        {
            loaded.Model.StepPrecision = stepPrecision;
        }
        double loss = precision is null ? Evaluation.MeanLoss(loaded.Model, tokens, batch, steps) : Evaluation.StreamLoss(loaded.Model, tokens);
        if (double.IsNaN(loss)) throw new CliException($"'{dataPath}' has fewer than two tokens: nothing to predict");
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1:N0} tokens", dataPath, tokens.Length));
        string how = precision switch
        {
            null => $"{batch} streams of windows of {steps}:",
            WeightPrecision.BFloat16 => "one stream, token by token, bf16 step weights:",
            _ => "one stream, token by token, f32 step weights:",
        };
        output.WriteLine(Metrics.Describe(how, loss, null, loaded.Vocabulary));
        return 0;
    }
}

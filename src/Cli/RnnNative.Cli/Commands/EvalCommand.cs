using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn eval</c>: loss, perplexity and bits per character of a saved model on a text file.</summary>
internal static class EvalCommand
{
    public const string Usage = "rnn eval --model FILE --data FILE [--batch 50] [--seq-length 100]   every token of the file predicted once";

    public static int Run(Arguments args, TextWriter output)
    {
        string path = args.String("model") ?? throw new UsageException("rnn eval needs --model FILE");
        string dataPath = args.String("data") ?? throw new UsageException("rnn eval needs --data FILE");
        int batch = args.Int("batch", 50, min: 1), steps = args.Int("seq-length", 100, min: 1);
        args.RejectUnused();

        LoadedModel loaded = ModelFile.Load(path);
        if (!File.Exists(dataPath)) throw new CliException($"cannot read '{dataPath}': file not found");
        using TokenSequence tokens = CorpusEncoder.EncodeFile(dataPath, loaded.Vocabulary);
        double loss = Evaluation.MeanLoss(loaded.Model, tokens, batch, steps);
        if (double.IsNaN(loss)) throw new CliException($"'{dataPath}' has fewer than two tokens: nothing to predict");
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1:N0} tokens", dataPath, tokens.Length));
        output.WriteLine(Metrics.Describe("loss", loss, null, loaded.Vocabulary));
        return 0;
    }
}

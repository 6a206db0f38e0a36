using RnnNative.Cli.CommandLine;
using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn predict</c>: a tagger's, classifier's or regressor's predictions for a file, written in the file's own format;
/// a seq2seq model's targets for sources one per line (<see cref="Seq2SeqCommands.Predict"/>).</summary>
internal static class PredictCommand
{
    public const string Usage = """
        rnn predict --model FILE --data FILE [--output FILE] [--batch 32] [--threads N]
                   predictions of a tagger, classifier or regressor, in the format of the data: CoNLL with a predicted-tag
                   column; TSV of the predicted label, its probability and the text; .npy of the outputs. Default
                   --output: next to the data, NAME.pred.conll, .pred.tsv or .pred.npy. A CoNLL file needs no tag
                   column here.  --label-column label  --text-column text (a CSV file's columns)
        rnn predict --model FILE [--data FILE] [--beam K] [--max-length 64] [--output FILE] [--batch 64]
                   a seq2seq model's target for each source, one per line (a TSV line's first field): sources from
                   --data or stdin, targets to --output or stdout; greedy decoding, or a beam search of width K
        """;

    public static int Run(Arguments args, TextReader input, TextWriter output)
    {
        string path = args.String("model") ?? throw new UsageException("rnn predict needs --model FILE");
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        if (ModelFiles.KindOf(path) == ModelKind.Seq2Seq) return Seq2SeqCommands.Predict(path, args, input, output);
        string dataPath = args.String("data") ?? throw new UsageException("rnn predict needs --data FILE");
        string? outputPath = args.String("output");
        int batch = args.Int("batch", TaskModel.DefaultBatchSize, min: 1);
        TaskDataOptions columns = TaskFiles.Columns(args);
        args.RejectUnused();
        if (ModelFiles.KindOf(path) == ModelKind.LanguageModel)
        {
            throw new UsageException($"'{path}' is a language model; predict is for tagger, classifier, regressor and seq2seq models (generate text with rnn sample)");
        }

        TaskModel model = ModelFiles.LoadTask(path).Model;
        TaskData data = TaskFiles.Read(dataPath, () => model.Read(dataPath, columns, requireTargets: false));
        outputPath ??= data.PredictionPath;
        if (string.Equals(Path.GetFullPath(outputPath), Path.GetFullPath(dataPath), StringComparison.Ordinal))
        {
            throw new UsageException($"--output '{outputPath}' is the --data file, which the predictions would replace; name another --output");
        }
        OutputFiles.Prepare(outputPath, "output");
        data.WritePredictions(model.Predict(data, batch), outputPath);
        output.WriteLine($"wrote the predictions for {TaskText.Count(data.Set.Count, "sequence")} of '{dataPath}' to '{outputPath}'");
        return 0;
    }
}

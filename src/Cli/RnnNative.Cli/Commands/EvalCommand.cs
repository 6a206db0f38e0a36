using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Data;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Tasks;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn eval</c>: loss, perplexity and bits per character of a saved language model on a text file; the loss
/// and the task's metrics of a tagger, classifier or regressor on a file of its task.</summary>
internal static class EvalCommand
{
    public const string Usage = """
        rnn eval --model FILE --data FILE [--batch 50] [--seq-length 100] [--precision f32|bf16] [--threads N]
                   language models: every token of the file predicted once; with --precision, by one stream token by
                   token as sampling reads them, with f32 or bf16 step weights (compare the two for bf16's cost)
                   taggers, classifiers, regressors (--batch 32): the loss and the task's metrics (token accuracy and
                   chunk precision/recall/F1 per type; accuracy, macro F1, per-class scores and the confusion matrix;
                   MSE and MAE)  --confusion FILE.svg (classifiers: the confusion matrix's picture)
                   --label-column label  --text-column text (a CSV file's columns)
        """;

    public static int Run(Arguments args, TextWriter output)
    {
        string path = args.String("model") ?? throw new UsageException("rnn eval needs --model FILE");
        string dataPath = args.String("data") ?? throw new UsageException("rnn eval needs --data FILE");
        // Read before the model file is opened: a wrong value is a usage error whatever the file holds.
        WeightPrecision? precision = args.Choice<WeightPrecision?>("precision", null, ("f32", WeightPrecision.Float32), ("bf16", WeightPrecision.BFloat16));
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        ModelKind kind = ModelFiles.KindOf(path);
        if (kind != ModelKind.LanguageModel)
        {
            if (precision is not null) throw new UsageException($"--precision is for language models (token-by-token steps); '{path}' is a {kind.ToString().ToLowerInvariant()}");
            return RunTask(path, kind, dataPath, args, output);
        }
        int batch = args.Int("batch", 50, min: 1), steps = args.Int("seq-length", 100, min: 1);
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

    /// <summary>A tagger, classifier or regressor scored on <paramref name="dataPath"/>, read with the model's vocabulary and labels.</summary>
    private static int RunTask(string path, ModelKind kind, string dataPath, Arguments args, TextWriter output)
    {
        int batch = args.Int("batch", TaskModel.DefaultBatchSize, min: 1);
        string? picture = args.String("confusion");
        TaskDataOptions columns = TaskFiles.Columns(args);
        args.RejectUnused();
        if (picture is not null && kind != ModelKind.Classifier)
        {
            throw new UsageException($"--confusion draws a classifier's confusion matrix; '{path}' is a {kind.ToString().ToLowerInvariant()}");
        }
        if (picture is not null) OutputFiles.Prepare(picture, "confusion");

        TaskModel model = ModelFiles.LoadTask(path).Model;
        TaskData data = TaskFiles.Read(dataPath, () => model.Read(dataPath, columns));
        TaskEvaluation evaluation = model.Evaluate(data, batch);
        output.WriteLine($"{dataPath}: {TaskText.Sequences(data.Set)}");
        TaskReport.Write(evaluation, output);
        if (picture is not null)
        {
            evaluation.WriteConfusionPicture(picture, $"{Path.GetFileName(path)} on {Path.GetFileName(dataPath)}");
            output.WriteLine($"confusion matrix picture '{picture}'");
        }
        return 0;
    }
}

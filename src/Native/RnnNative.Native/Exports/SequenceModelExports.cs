using System.Runtime.InteropServices;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Tasks;

namespace RnnNative.Native.Exports;

/// <summary>
/// rnn_model of whole sequences (since 0.4.0): taggers, classifiers and regressors created for a dataset, their kind
/// and config, evaluation and prediction; since 0.5.0 also seq2seq models made for pairs (their own exports:
/// <see cref="Seq2SeqExports"/>). Evaluation and prediction run on a replica (its own buffers), so they may
/// overlap on one model.
/// </summary>
internal static unsafe class SequenceModelExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_kind")]
    public static Status GetKind(nint model, int* outKind)
    {
        if (outKind != null) *outKind = 0;
        return ExportGuard.Run(() =>
        {
            int kind = (int)ModelHandle.Kind(model, "model");
            if (outKind == null) throw new ArgumentNullException("out_kind");
            *outKind = kind;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_task_model_config_init_sized")]
    public static Status ConfigInit(TaskModelConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, TaskConfigs.TaskModelDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_create_for_dataset")]
    public static Status CreateForDataset(TaskModelConfig* config, nint training, nint* outModel)
    {
        if (outModel != null) *outModel = 0;
        return ExportGuard.Run(() =>
        {
            object data = DatasetHandle.Any(training, "training");
            TaskModelConfig c = config == null ? TaskConfigs.TaskModelDefaults() : StructSize.Read(config, TaskConfigs.TaskModelDefaults(), "config");
            if (outModel == null) throw new ArgumentNullException("out_model");
            object model = data is PairDatasetSession pairs
                ? Seq2SeqConfigs.CreateModel(pairs.Data, TaskConfigs.ToEngine(c))
                : TaskConfigs.CreateModel(((DatasetSession)data).Task, ((DatasetSession)data).WithTargets("training"), TaskConfigs.ToEngine(c));
            Marshalling.SetOut(outModel, HandleKind.Model, model, "out_model");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_task_config")]
    public static Status GetTaskConfig(nint model, TaskModelConfig* outConfig) => ExportGuard.Run(() =>
    {
        object m = ModelHandle.Data(model, "model", "rnn_model_get_task_config");
        TaskModelConfig c = m is Seq2SeqTaskModel s2s ? Seq2SeqConfigs.FromEngine(s2s.Model.Config) : TaskConfigs.FromEngine(((TaskModel)m).Model.Config);
        StructSize.Write(outConfig, c, "out_config");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_evaluate_dataset")]
    public static Status EvaluateDataset(nint model, nint dataset, int batchSize, TaskMetrics* outMetrics) => ExportGuard.Run(() =>
    {
        object target = ModelHandle.Data(model, "model", "rnn_model_evaluate_dataset");
        if (target is Seq2SeqTaskModel s2s)
        {
            Seq2SeqData pairs = DatasetHandle.Pairs(dataset, "dataset").For(s2s, "dataset");
            if (outMetrics == null) throw new ArgumentNullException("out_metrics");
            StructSize.Write(outMetrics, Seq2SeqConfigs.Evaluate(Seq2SeqExports.Replica(s2s), pairs, beam: null, BatchSize(batchSize)), "out_metrics");
            return;
        }
        TaskModel m = (TaskModel)target;
        DatasetSession d = DatasetHandle.Sequences(dataset, "dataset");
        if (outMetrics == null) throw new ArgumentNullException("out_metrics");
        int batch = BatchSize(batchSize);
        TaskData data = d.For(m, "dataset", targets: true);
        TaskEvaluation evaluation = Replica(m).Evaluate(data, batch);
        StructSize.Write(outMetrics, TaskConfigs.Metrics(m.Model.Config.Kind, evaluation, data.Set.Count), "out_metrics");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_predict")]
    public static Status Predict(nint model, nint dataset, float* output, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            TaskModel m = ModelHandle.Task(model, "model", "rnn_model_predict");
            TaskData data = DatasetHandle.Sequences(dataset, "dataset").For(m, "dataset", targets: false);
            SequenceSet set = data.Set;
            // Rows in dataset order: a row per timestep (taggers, per-step regressors) or per sequence, [rows, outputs].
            long floats = (long)(m.Model.Config.HeadPerTimestep ? set.Positions : set.Count) * m.Encoding.Outputs;
            if (needed != null) *needed = (nuint)floats;
            if ((ulong)floats > capacity)
            {
                return ExportGuard.Fail(Status.BufferTooSmall, $"out holds {capacity} floats but the predictions of {set.Count} sequences need {floats}.");
            }
            if (output == null && floats > 0) throw new ArgumentNullException("out");
            TaskPredictions predictions = Replica(m).Predict(data);
            long at = 0;
            for (int i = 0; i < predictions.Count; i++)
            {
                ReadOnlySpan<float> rows = predictions.Of(i);
                rows.CopyTo(new Span<float>(output + at, rows.Length));
                at += rows.Length;
            }
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_predict_file")]
    public static Status PredictFile(nint model, nint dataset, byte* outputPath) => ExportGuard.Run(() =>
    {
        TaskModel m = ModelHandle.Task(model, "model", "rnn_model_predict_file");
        TaskData data = DatasetHandle.Sequences(dataset, "dataset").For(m, "dataset", targets: false);
        string path = Marshalling.String(outputPath, "output_path");
        data.WritePredictions(Replica(m).Predict(data), path);
    });

    /// <summary>Evaluation and prediction compute on their own buffers, as rnn_model_evaluate does for language models.</summary>
    private static TaskModel Replica(TaskModel model) => new(model.Task, model.Model.CreateInferenceReplica(), model.Encoding);

    private static int BatchSize(int batchSize) => batchSize switch
    {
        0 => TaskModel.DefaultBatchSize,
        < 0 => throw new ArgumentOutOfRangeException("batch_size", batchSize, "must be at least 1 (0: 32)"),
        _ => batchSize,
    };
}

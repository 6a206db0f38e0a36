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
    public static Status EvaluateDataset(nint model, nint dataset, int batchSize, TaskMetrics* outMetrics) =>
        Evaluate(model, dataset, batchSize, outMetrics, withConfusion: false, null, 0, null, null, "rnn_model_evaluate_dataset");

    /// <summary>Since 0.5.0: the evaluation with a classifier's confusion matrix (counts and picture) from the same predictions.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_evaluate_dataset_v2")]
    public static Status EvaluateDatasetV2(nint model, nint dataset, int batchSize, TaskMetrics* outMetrics, long* confusion, nuint capacity, nuint* needed, byte* confusionSvg) =>
        Evaluate(model, dataset, batchSize, outMetrics, withConfusion: true, confusion, capacity, needed, confusionSvg, "rnn_model_evaluate_dataset_v2");

    /// <summary>Evaluates; <paramref name="withConfusion"/> (the v2 export) also copies out the confusion matrix [C, C]
    /// (needed-size protocol, checked before evaluating) and writes its picture when <paramref name="confusionSvg"/> is given.</summary>
    private static Status Evaluate(nint model, nint dataset, int batchSize, TaskMetrics* outMetrics, bool withConfusion, long* confusion, nuint capacity, nuint* needed, byte* confusionSvg, string function)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            object target = ModelHandle.Data(model, "model", function);
            if (target is Seq2SeqTaskModel s2s)
            {
                // Scored by greedy decoding; a seq2seq model has no confusion matrix (*needed stays 0).
                Seq2SeqData pairs = DatasetHandle.Pairs(dataset, "dataset").For(s2s, "dataset");
                if (outMetrics == null) throw new ArgumentNullException("out_metrics");
                if (confusionSvg != null) throw new ArgumentException("a confusion matrix is a classifier's; model is a seq2seq model.", "confusion_svg");
                StructSize.Write(outMetrics, Seq2SeqConfigs.Evaluate(Seq2SeqExports.Replica(s2s), pairs, beam: null, BatchSize(batchSize)), "out_metrics");
                return Status.Ok;
            }
            TaskModel m = (TaskModel)target;
            DatasetSession d = DatasetHandle.Sequences(dataset, "dataset");
            if (outMetrics == null) throw new ArgumentNullException("out_metrics");
            int batch = BatchSize(batchSize);
            TaskData data = d.For(m, "dataset", targets: true);
            bool classifier = m.Model.Config.Kind == ModelKind.Classifier;
            string? picture = confusionSvg == null ? null : Marshalling.String(confusionSvg, "confusion_svg");
            if (picture is not null && !classifier)
            {
                throw new ArgumentException($"a confusion matrix is a classifier's; model is {ModelHandle.Name(m.Model.Config.Kind)}.", "confusion_svg");
            }
            long cells = classifier && withConfusion ? (long)m.Encoding.Outputs * m.Encoding.Outputs : 0;
            if (needed != null) *needed = (nuint)cells;
            if ((ulong)cells > capacity)
            {
                return ExportGuard.Fail(Status.BufferTooSmall, $"confusion holds {capacity} counts but the {m.Encoding.Outputs} x {m.Encoding.Outputs} matrix needs {cells}.");
            }
            if (confusion == null && cells > 0) throw new ArgumentNullException("confusion");
            TaskEvaluation evaluation = Replica(m).Evaluate(data, batch);
            if (picture is not null) evaluation.WriteConfusionPicture(picture);
            if (cells > 0)
            {
                long[,] counts = evaluation.Confusion!.ToArray();   // [gold, predicted]
                MemoryMarshal.CreateReadOnlySpan(ref counts[0, 0], counts.Length).CopyTo(new Span<long>(confusion, counts.Length));
            }
            StructSize.Write(outMetrics, TaskConfigs.Metrics(m.Model.Config.Kind, evaluation, data.Set.Count), "out_metrics");
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_model_predict")]
    public static Status Predict(nint model, nint dataset, float* output, nuint capacity, nuint* needed) =>
        PredictInto(model, dataset, 0, output, capacity, needed, null, "rnn_model_predict");

    /// <summary>Since 0.5.0: one prediction both copied out and (when a path is given) written in the data's format.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_predict_v2")]
    public static Status PredictV2(nint model, nint dataset, int batchSize, float* output, nuint capacity, nuint* needed, byte* outputPath) =>
        PredictInto(model, dataset, batchSize, output, capacity, needed, outputPath, "rnn_model_predict_v2");

    private static Status PredictInto(nint model, nint dataset, int batchSize, float* output, nuint capacity, nuint* needed, byte* outputPath, string function)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            TaskModel m = ModelHandle.Task(model, "model", function);
            TaskData data = DatasetHandle.Sequences(dataset, "dataset").For(m, "dataset", targets: false);
            int batch = BatchSize(batchSize);
            string? path = outputPath == null ? null : Marshalling.String(outputPath, "output_path");
            SequenceSet set = data.Set;
            // Rows in dataset order: a row per timestep (taggers, per-step regressors) or per sequence, [rows, outputs].
            long floats = (long)(m.Model.Config.HeadPerTimestep ? set.Positions : set.Count) * m.Encoding.Outputs;
            if (needed != null) *needed = (nuint)floats;
            if ((ulong)floats > capacity)
            {
                return ExportGuard.Fail(Status.BufferTooSmall, $"out holds {capacity} floats but the predictions of {set.Count} sequences need {floats}.");
            }
            if (output == null && floats > 0) throw new ArgumentNullException("out");
            TaskPredictions predictions = Replica(m).Predict(data, batch);
            if (path is not null) data.WritePredictions(predictions, path);
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

    /// <summary>Since 0.5.0: what a sequence model reads and predicts, so hosts need no dataset to learn it.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_get_task_info")]
    public static Status GetTaskInfo(nint model, TaskInfo* outInfo) => ExportGuard.Run(() =>
    {
        TaskModel m = ModelHandle.Task(model, "model", "rnn_model_get_task_info");
        TaskEncoding encoding = m.Encoding;
        StructSize.Write(outInfo, new TaskInfo
        {
            StructSize = (uint)sizeof(TaskInfo),
            Kind = (int)m.Model.Config.Kind,
            Target = (int)encoding.Target,
            Outputs = encoding.Outputs,
            PerTimestep = m.Model.Config.HeadPerTimestep ? 1 : 0,
            VocabSize = encoding.VocabularySize,
            FeatureSize = encoding.FeatureSize,
            Unit = encoding.Inputs is { } inputs ? (int)inputs.Unit : -1,
            Lowercase = encoding.Inputs?.Lowercase == true ? 1 : 0,
        }, "out_info");
    });

    /// <summary>Since 0.5.0: the name of a label of a tagger or classifier.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_model_label")]
    public static Status Label(nint model, int index, byte* buffer, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            TaskModel m = ModelHandle.Task(model, "model", "rnn_model_label");
            return LabelNames.CopyOut(m.Encoding.Labels, $"model ({ModelHandle.Name(m.Model.Config.Kind)})", index, buffer, capacity, needed, "rnn_model_label");
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

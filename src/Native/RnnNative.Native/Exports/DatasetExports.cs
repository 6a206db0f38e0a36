using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Tasks;

namespace RnnNative.Native.Exports;

/// <summary>rnn_dataset (since 0.4.0): whole sequences and their targets, from a file or from memory, encoded for a model.</summary>
internal static unsafe class DatasetExports
{
    /// <summary>The engine's parameters of <see cref="SequenceSet.FromTokens"/> and <see cref="SequenceSet.FromFeatures"/> as the C arguments.</summary>
    private static readonly (string Engine, string C)[] MemoryArguments =
        [("tokens", "ids"), ("Tokens", "ids"), ("features", "features"), ("featureSize", "feature_size"), ("lengths", "lengths"),
         ("Classes", "classes"), ("Target", "target"), ("set", "model")];

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_config_init_sized")]
    public static Status ConfigInit(DatasetConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, TaskConfigs.DatasetDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_read_file")]
    public static Status ReadFile(DatasetConfig* config, byte* path, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            object? target = model == 0 ? null : ModelHandle.Data(model, "model", "rnn_dataset_read_file");
            DatasetConfig c = config == null && target is not null ? TaskConfigs.DatasetDefaults() : StructSize.Read(config, TaskConfigs.DatasetDefaults(), "config");
            string file = Marshalling.String(path, "path");
            if (outDataset == null) throw new ArgumentNullException("out_dataset");
            TaskDataOptions options = TaskConfigs.ToEngine(c);
            if (target is Seq2SeqTaskModel || (target is null && c.Kind == (int)ModelKind.Seq2Seq))
            {
                Seq2SeqData pairs = Seq2SeqData.Read(file, (target as Seq2SeqTaskModel)?.Encoding, options);
                Marshalling.SetOut(outDataset, HandleKind.Dataset, new PairDatasetSession(pairs), "out_dataset");
                return;
            }
            TaskModel? m = (TaskModel?)target;
            bool requireTargets = c.RequireTargets != 0;
            TaskKind task = m?.Task ?? TaskConfigs.TaskOf(c);
            TaskData data = m is null ? TaskData.Read(task, file, options, encoding: null, requireTargets) : m.Read(file, options, requireTargets);
            Marshalling.SetOut(outDataset, HandleKind.Dataset, new DatasetSession(task, data, hasTargets: true), "out_dataset");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_tokens")]
    public static Status FromTokens(int* ids, nuint total, int* lengths, nuint count, int target, int* classes, float* values, int valueSize, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            TaskModel? m = model == 0 ? null : ModelHandle.Task(model, "model", "rnn_dataset_from_tokens");
            if (outDataset == null) throw new ArgumentNullException("out_dataset");
            ReadOnlySpan<int> lens = Lengths(lengths, count, total);
            ReadOnlySpan<int> tokens = Marshalling.Span(ids, total, "ids");
            (TargetKind kind, int[] targetClasses, float[] targetValues, bool hasTargets) = Targets(target, classes, values, valueSize, total, count);
            SequenceSet set;
            try
            {
                set = SequenceSet.FromTokens(tokens, lens, kind, targetClasses, targetValues, kind is TargetKind.SequenceValues or TargetKind.StepValues ? valueSize : 0);
            }
            catch (ArgumentException e)
            {
                throw Configs.Renamed(e, MemoryArguments);
            }
            Marshalling.SetOut(outDataset, HandleKind.Dataset, Session(set, m, hasTargets), "out_dataset");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_floats")]
    public static Status FromFloats(float* features, nuint total, int featureSize, int* lengths, nuint count, int target, int* classes, float* values, int valueSize, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            TaskModel? m = model == 0 ? null : ModelHandle.Task(model, "model", "rnn_dataset_from_floats");
            if (outDataset == null) throw new ArgumentNullException("out_dataset");
            if (featureSize < 1) throw new ArgumentOutOfRangeException("feature_size", featureSize, "must be at least 1");
            ReadOnlySpan<int> lens = Lengths(lengths, count, total);
            ReadOnlySpan<float> floats = Marshalling.Span(features, total * (nuint)featureSize, "features");
            RequireFinite(floats, "features");
            (TargetKind kind, int[] targetClasses, float[] targetValues, bool hasTargets) = Targets(target, classes, values, valueSize, total, count);
            SequenceSet set;
            try
            {
                set = SequenceSet.FromFeatures(floats, featureSize, lens, kind, targetClasses, targetValues, kind is TargetKind.SequenceValues or TargetKind.StepValues ? valueSize : 0);
            }
            catch (ArgumentException e)
            {
                throw Configs.Renamed(e, MemoryArguments);
            }
            Marshalling.SetOut(outDataset, HandleKind.Dataset, Session(set, m, hasTargets), "out_dataset");
        });
    }

    /// <summary>Since 0.5.0: tagged sentences from memory, read by the rules of a CoNLL file.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_sentences")]
    public static Status FromSentences(DatasetConfig* config, byte** tokens, nuint total, int* lengths, nuint count, byte** tags, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            (TaskModel? m, TaskDataOptions options) = TextArguments(config, model, outDataset, "rnn_dataset_from_sentences");
            string[] words = Marshalling.Strings(tokens, total, "tokens");
            string[]? wordTags = tags == null ? null : Marshalling.Strings(tags, total, "tags");
            ReadOnlySpan<int> lens = Marshalling.Span(lengths, count, "lengths");
            TaskData data = TaskData.FromSentences(words, lens, wordTags, options, m?.Encoding);
            Marshalling.SetOut(outDataset, HandleKind.Dataset, new DatasetSession(m?.Task ?? TaskKind.Tagging, data, hasTargets: true), "out_dataset");
        });
    }

    /// <summary>Since 0.5.0: labelled texts from memory, read by the rules of a classification file.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_from_texts")]
    public static Status FromTexts(DatasetConfig* config, byte** texts, nuint count, byte** labels, nint model, nint* outDataset)
    {
        if (outDataset != null) *outDataset = 0;
        return ExportGuard.Run(() =>
        {
            (TaskModel? m, TaskDataOptions options) = TextArguments(config, model, outDataset, "rnn_dataset_from_texts");
            string[] lines = Marshalling.Strings(texts, count, "texts");
            string[]? lineLabels = labels == null ? null : Marshalling.Strings(labels, count, "labels");
            TaskData data = TaskData.FromTexts(lines, lineLabels, options, m?.Encoding);
            Marshalling.SetOut(outDataset, HandleKind.Dataset, new DatasetSession(m?.Task ?? TaskKind.Classification, data, hasTargets: true), "out_dataset");
        });
    }

    /// <summary>The model text is encoded for (or null: training data) and the options of training data (config NULL: the defaults).</summary>
    private static (TaskModel? Model, TaskDataOptions Options) TextArguments(DatasetConfig* config, nint model, nint* outDataset, string function)
    {
        TaskModel? m = model == 0 ? null : ModelHandle.Task(model, "model", function);
        DatasetConfig c = config == null ? TaskConfigs.DatasetDefaults() : StructSize.Read(config, TaskConfigs.DatasetDefaults(), "config");
        if (outDataset == null) throw new ArgumentNullException("out_dataset");
        return (m, TaskConfigs.ToEngine(c));
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_destroy")]
    public static void Destroy(nint dataset) => ExportGuard.Run(() => HandleTable.Remove(dataset, HandleKind.Dataset, "dataset"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_size")]
    public static Status Size(nint dataset, long* outSequences) =>
        Marshalling.Get(dataset, HandleKind.Dataset, "dataset", outSequences, "out_sequences",
            (object d) => (long)(d is PairDatasetSession pairs ? pairs.Data.Set.Count : ((DatasetSession)d).Data.Set.Count));

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_get_info")]
    public static Status GetInfo(nint dataset, DatasetInfo* outInfo) => ExportGuard.Run(() =>
    {
        if (DatasetHandle.Any(dataset, "dataset") is PairDatasetSession pairs)
        {
            StructSize.Write(outInfo, Seq2SeqConfigs.Info(pairs.Data), "out_info");
            return;
        }
        DatasetSession d = DatasetHandle.Sequences(dataset, "dataset");
        SequenceSet set = d.Data.Set;
        TaskEncoding encoding = d.Data.Encoding;
        StructSize.Write(outInfo, new DatasetInfo
        {
            StructSize = (uint)sizeof(DatasetInfo),
            Kind = (int)d.Task.Model,
            Target = (int)set.Target,
            HasTargets = d.HasTargets ? 1 : 0,
            Sequences = set.Count,
            Timesteps = set.Positions,
            MaxLength = set.MaxLength,
            VocabSize = encoding.VocabularySize,
            FeatureSize = encoding.FeatureSize,
            Outputs = encoding.Outputs,
        }, "out_info");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_lengths")]
    public static Status LengthsExport(nint dataset, int* lengths, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            object d = DatasetHandle.Any(dataset, "dataset");
            int[] all;
            if (d is PairDatasetSession pairs)
            {
                all = Seq2SeqConfigs.SourceLengths(pairs.Data.Set);
            }
            else
            {
                SequenceSet set = ((DatasetSession)d).Data.Set;
                all = new int[set.Count];
                for (int i = 0; i < all.Length; i++)
                {
                    all[i] = set.Length(i);
                }
            }
            return Marshalling.CopyOut<int>(all, lengths, capacity, needed, "lengths");
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_dataset_label")]
    public static Status Label(nint dataset, int index, byte* buffer, nuint capacity, nuint* needed)
    {
        if (needed != null) *needed = 0;
        return ExportGuard.Run(() =>
        {
            if (DatasetHandle.Any(dataset, "dataset") is PairDatasetSession pairs)
            {
                throw new NotSupportedException($"rnn_dataset_label serves datasets with class targets; dataset ({pairs.Data.Source}) holds pairs of a seq2seq model (rnn_model_decode_target names target tokens).");
            }
            DatasetSession d = DatasetHandle.Sequences(dataset, "dataset");
            return LabelNames.CopyOut(d.Data.Encoding.Labels, $"dataset ({d.Data.Source})", index, buffer, capacity, needed, "rnn_dataset_label");
        });
    }

    /// <summary>Sequences from memory: training data (encoding fitted to them) without a model, else encoded for it.</summary>
    private static DatasetSession Session(SequenceSet set, TaskModel? model, bool hasTargets)
    {
        TaskData data;
        try
        {
            data = TaskData.FromSet(set, model?.Encoding ?? TaskData.FitArrays(set));
        }
        catch (ArgumentException e)
        {
            throw Configs.Renamed(e, MemoryArguments);
        }
        return new DatasetSession(model?.Task ?? TaskKind.Of(set.Target), data, hasTargets);
    }

    private static ReadOnlySpan<int> Lengths(int* lengths, nuint count, nuint total) => Marshalling.Lengths(lengths, count, total, "lengths", "total");

    /// <summary>
    /// The targets of <paramref name="target"/>: class ids (per timestep: <paramref name="total"/>, per sequence:
    /// <paramref name="count"/>) or as many rows of <paramref name="valueSize"/> values. With both arrays NULL there are
    /// none: placeholders fill the set (ignored step classes, class 0, zero values) and the dataset is only predicted.
    /// </summary>
    private static (TargetKind Kind, int[] Classes, float[] Values, bool HasTargets) Targets(int target, int* classes, float* values, int valueSize, nuint total, nuint count)
    {
        if (target is < (int)TargetKind.StepClasses or > (int)TargetKind.StepValues)
        {
            throw new ArgumentOutOfRangeException("target", target, "not an RNN_TARGET_* value");
        }
        TargetKind kind = (TargetKind)target;
        nuint rows = kind is TargetKind.StepClasses or TargetKind.StepValues ? total : count;
        if (TaskEncoding.IsValues(kind))
        {
            if (classes != null) throw new ArgumentException("must be NULL with value targets (they go in values).", "classes");
            if (valueSize < 1) throw new ArgumentOutOfRangeException("value_size", valueSize, "value targets need at least 1 value per target");
            nuint size = rows * (nuint)valueSize;
            if (values == null) return (kind, [], new float[(int)Math.Min(size, int.MaxValue)], false);
            ReadOnlySpan<float> given = Marshalling.Span(values, size, "values");
            RequireFinite(given, "values");
            return (kind, [], given.ToArray(), true);
        }
        if (values != null) throw new ArgumentException("must be NULL with class targets (they go in classes).", "values");
        if (valueSize != 0) throw new ArgumentOutOfRangeException("value_size", valueSize, "must be 0 with class targets");
        if (classes == null)
        {
            int[] placeholders = new int[(int)Math.Min(rows, int.MaxValue)];
            if (kind == TargetKind.StepClasses) placeholders.AsSpan().Fill(KernelSet.IgnoreTarget);
            return (kind, placeholders, [], false);
        }
        return (kind, Marshalling.Span(classes, rows, "classes").ToArray(), [], true);
    }

    private static void RequireFinite(ReadOnlySpan<float> values, string argument)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) throw new ArgumentException($"element {i} is {values[i]}; every element must be finite.", argument);
        }
    }
}

using System.Runtime.InteropServices;
using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Runs;
using RnnNative.Sizes;
using RnnNative.Text;

namespace RnnNative.Model;

/// <summary>A model read back from a file: weights, vocabulary, and the training state when the file has one.</summary>
public sealed record LoadedModel(LanguageModel Model, Vocabulary Vocabulary, TrainingOptions? Options, TrainingSnapshot? Training);

/// <summary>
/// Saves and loads a language model in the checkpoint container (<see cref="CheckpointWriter"/>):
/// <code>
/// model.json           blob    {"format": "rnnnative.language-model", "schema": 1 or 2, config...}
/// vocabulary           blob    Vocabulary.Write
/// embedding.weight     [V, E]  (not with one-hot input)
/// rnn.weight_ih_l{k}   ...     the stack's tensors under PyTorch's names, prefixed "rnn."
/// decoder.classes      blob    WordClasses.ToBlob (class-factored softmax only)
/// decoder.class_weight [K, H]  (class-factored softmax only)
/// decoder.class_bias   [K]     (class-factored softmax only)
/// decoder.weight       [V, H]  (class-factored: row r is token decoder.classes' Order[r], rows grouped by class)
/// decoder.bias         [V]
/// training.json        blob    options, step, data position, clocks, best loss, loss curves, the data's record (resumable files only)
/// training.optimizer.{i}, training.hidden, training.cell                                       (resumable files only)
/// </code>
/// A Jordan network (schema 4) has <c>rnn.weight_ih_l0</c>, <c>rnn.weight_yh_l0</c>, <c>rnn.bias_l0</c> and the decoder in
/// place of the stack's tensors, and its training.hidden holds the y it carries [1, B, V].
/// An int8 file (schema 5, 0.6.0; model.json "weights": "int8"; <see cref="SaveInt8"/>) is for inference only: it has no training
/// sections, and each tensor <see cref="Int8Weights"/> quantises is stored as
/// <code>
/// {name}.int8          blob    q [rows, columns] as bytes (int8), row-major as the float32 tensor
/// {name}.scale         [rows]  scale_r: the tensor's row r is scale_r · q[r]
/// </code>
/// (the other tensors float32 under their names), about a quarter of the float32 file. Loaded, it gives a model whose
/// float32 weights are those values (for the batched path and evaluation) and whose step is int8
/// (<see cref="LanguageModel.Int8Source"/>).
/// Loading checks every section against the config it declares and rejects anything else with a
/// <see cref="CheckpointFormatException"/> that says what is wrong.
/// </summary>
public static class ModelFile
{
    /// <summary>The format name written in every model file's config section; files with another are refused.</summary>
    public const string FormatName = "rnnnative.language-model";

    /// <summary>The newest version of the section layout above that this build reads (the container
    /// has its own version). Schema 2 added one-hot input (model.json "input": "one_hot", no
    /// embedding.weight); schema 3 (0.3.0) cells beyond Elman and LSTM (GRU); schema 4 (0.5.0) the Jordan network. Each model is written
    /// with the oldest schema that describes it, so older builds read every model they can run and
    /// reject the others with "update RnnNative" (not with a confusing "unknown cell"). Dropout and
    /// identity initialization need no new schema: older readers ignore their fields, and the weights
    /// mean the same. Schema 4 (0.5.0) also holds the class-factored softmax (model.json "softmax": "class", "classes": K,
    /// the decoder.classes blob and the class tensors), whose decoder rows an older reader would misread. Schema 5 (0.6.0):
    /// int8 files (<see cref="Int8Schema"/>), which an older reader would find without their float32 tensors.</summary>
    public const int SchemaVersion = 5;

    /// <summary>The schema of int8 files (or the model's own, when later).</summary>
    public const int Int8Schema = 5;

    /// <summary>The oldest schema that describes a model of <paramref name="config"/>: its cell's (<see cref="CellKind.FirstSchema"/>),
    /// 2 for one-hot input, 4 for the class-factored softmax.</summary>
    internal static int SchemaFor(LanguageModelConfig config) =>
        Math.Max(Math.Max(CellKind.Of(config.Cell).FirstSchema, config.Input == InputEncoding.OneHot ? 2 : 1), config.Softmax == SoftmaxKind.Class ? 4 : 1);

    /// <summary>Writes the model atomically: a crash or error never leaves a partial file at <paramref name="path"/>.
    /// A model loaded from an int8 file is saved with <see cref="SaveInt8"/> only (<see cref="NotSupportedException"/>).</summary>
    public static void Save(string path, LanguageModel model, Vocabulary vocabulary, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, vocabulary, options, training, int8: false).WriteFileAtomically(path);

    /// <summary>The file's bytes, for hosts that store models themselves.</summary>
    public static byte[] ToBytes(LanguageModel model, Vocabulary vocabulary, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, vocabulary, options, training, int8: false).ToArray();

    /// <summary>Writes an inference-only int8 file of the model atomically (see the class summary): about a quarter of the
    /// float32 file; loaded, it steps exactly as this model does with <see cref="WeightPrecision.Int8"/>. A Jordan network
    /// steps in float32 only and has none (<see cref="NotSupportedException"/>).</summary>
    public static void SaveInt8(string path, LanguageModel model, Vocabulary vocabulary) =>
        Build(model, vocabulary, null, null, int8: true).WriteFileAtomically(path);

    /// <summary>The bytes of <see cref="SaveInt8"/>'s file.</summary>
    public static byte[] ToInt8Bytes(LanguageModel model, Vocabulary vocabulary) =>
        Build(model, vocabulary, null, null, int8: true).ToArray();

    /// <summary>Loads a file; a <see cref="CheckpointFormatException"/> starts with <paramref name="path"/>.</summary>
    public static LoadedModel Load(string path, KernelSet? kernels = null)
    {
        try
        {
            return Load(CheckpointReader.ReadFile(path), kernels, path);
        }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Loads from memory (a mobile app's asset, a download).</summary>
    public static LoadedModel Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => Load(CheckpointReader.Read(bytes), kernels, null);

    private static CheckpointWriter Build(LanguageModel model, Vocabulary vocabulary, TrainingOptions? options, TrainingSnapshot? training, bool int8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!int8 && model.Int8Source is not null)
        {
            throw new NotSupportedException(model.Int8Refusal("be saved as a float32 file (save it as an int8 file)"));
        }
        if (vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model {model.Config.VocabularySize}.", nameof(vocabulary));
        }
        if ((options is null) != (training is null))
        {
            throw new ArgumentException("a resumable file needs both the training options and the training snapshot.", nameof(training));
        }
        Dictionary<string, Int8Rows>? quantized = int8 ? Int8Weights.Quantize(model) : null;
        CheckpointWriter writer = new();
        writer.AddBlob("model.json", ModelJson.WriteConfig(model.Config, int8));
        using (MemoryStream vocabularyBytes = new())
        {
            vocabulary.Write(vocabularyBytes);
            writer.AddBlob("vocabulary", vocabularyBytes.ToArray());
        }
        if (model.Classes is { } classes)
        {
            writer.AddBlob("decoder.classes", classes.ToBlob());
        }
        foreach ((string name, int[] shape, Memory<float> values) in model.NamedTensors())
        {
            if (quantized is not null && quantized.TryGetValue(name, out Int8Rows? rows))
            {
                writer.AddBlob($"{name}.int8", MemoryMarshal.AsBytes(rows.Values.AsSpan()));
                writer.AddTensor($"{name}.scale", [rows.Rows], rows.Scales);
                continue;
            }
            writer.AddTensor(name, shape, values.Span);
        }
        if (options is not null && training is not null)
        {
            AddTraining(writer, options, training);
            writer.AddTensor("training.hidden", [training.Hidden.Length], training.Hidden);
            writer.AddTensor("training.cell", [training.Cell.Length], training.Cell);
        }
        return writer;
    }

    /// <summary>Checks every section against the config before allocating anything of the config's
    /// size: a small forged file cannot make the loader allocate a large model. <paramref name="path"/>: the file's, for the
    /// refusals of a model loaded from an int8 file (null: loaded from memory).</summary>
    internal static LoadedModel Load(CheckpointReader reader, KernelSet? kernels, string? path)
    {
        LanguageModelConfig config = ModelJson.ReadConfig(Blob(reader, "model.json"));
        bool int8 = ModelJson.ReadInt8(Blob(reader, "model.json"));
        if (int8 && !config.Recurrent.Kind.IsStackCell)
        {
            throw new CheckpointFormatException("model.json says int8 weights for a Jordan network, which steps in float32 only.");
        }
        Vocabulary vocabulary;
        try
        {
            vocabulary = Vocabulary.FromBlob(Blob(reader, "vocabulary"));
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"the vocabulary section is invalid: {e.Message}");
        }
        if (vocabulary.Count != config.VocabularySize)
        {
            throw new CheckpointFormatException($"the vocabulary has {vocabulary.Count} tokens but model.json says {config.VocabularySize}.");
        }
        foreach ((string name, int[] shape) in config.TensorShapes())
        {
            if (int8 && Int8Weights.IsQuantized(name))
            {
                ExpectInt8(reader, name, shape);
                continue;
            }
            ExpectTensor(reader, name, shape);
        }
        WordClasses? classes = config.Softmax == SoftmaxKind.Class ? WordClasses.FromBlob(Blob(reader, "decoder.classes"), config.VocabularySize, config.ClassCount) : null;
        bool resumable = reader.HasSection("training.json");
        if (int8 && resumable)
        {
            throw new CheckpointFormatException("an int8 file is for inference only, but this one has a training.json section.");
        }
        (TrainingOptions options, TrainingSnapshot scalars) = resumable ? ModelJson.ReadTraining(Blob(reader, "training.json")) : default;
        int stateLength = 0;
        if (resumable)
        {
            try
            {
                stateLength = BufferLength.Of("batch_size", "the training state [L, B, H]", config.Layers, options.BatchSize, config.StateSize);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new CheckpointFormatException($"training.json's batch size {options.BatchSize} is impossibly large for {config.Layers} layers of {config.StateSize} state units.");
            }
            ExpectTensor(reader, "training.hidden", [stateLength]);
            ExpectTensor(reader, "training.cell", [config.Recurrent.Kind.HasCellState ? stateLength : 0]);
        }

        LanguageModel model = new(config, kernels);
        if (classes is not null) model.SetClasses(classes);   // before the weights: it moves rows
        foreach ((string name, int[] shape, Memory<float> values) in model.NamedTensors())
        {
            if (int8 && Int8Weights.IsQuantized(name))
            {
                Int8Rows rows = new(MemoryMarshal.Cast<byte, sbyte>(reader.GetBlob($"{name}.int8")).ToArray(), reader.GetTensor($"{name}.scale", out _), shape[1]);
                rows.Dequantize(values.Span);
                continue;
            }
            reader.ReadTensor(name, values.Span);
        }
        if (int8)
        {
            model.MarkInt8File(path ?? "the int8 model loaded from memory");
        }
        if (!resumable)
        {
            return new LoadedModel(model, vocabulary, null, null);
        }
        float[] hidden = ReadTensor(reader, "training.hidden", stateLength), cell = ReadTensor(reader, "training.cell", config.Recurrent.Kind.HasCellState ? stateLength : 0);
        TrainingSnapshot training = ReadTraining(reader, options, scalars, model.Blocks, hidden, cell);
        return new LoadedModel(model, vocabulary, options, training);
    }

    /// <summary>The sections every resumable file has: training.json and the optimizer's vectors training.optimizer.{i}.</summary>
    internal static void AddTraining(CheckpointWriter writer, TrainingOptions options, TrainingSnapshot training)
    {
        writer.AddBlob("training.json", ModelJson.WriteTraining(options, training));
        for (int i = 0; i < training.OptimizerState.Length; i++)
        {
            writer.AddTensor($"training.optimizer.{i}", [training.OptimizerState[i].Length], training.OptimizerState[i]);
        }
    }

    /// <summary>The snapshot of <paramref name="scalars"/> (read from training.json) with the optimizer's vectors of <paramref name="blocks"/>
    /// (each checked before it is allocated) and the carried state read by the caller.</summary>
    internal static TrainingSnapshot ReadTraining(CheckpointReader reader, TrainingOptions options, TrainingSnapshot scalars, IReadOnlyList<ParameterBlock> blocks, float[] hidden, float[] cell)
    {
        int stateVectors = options.Optimizer.Kind == OptimizerKind.Adam ? 2 : 1;
        float[][] optimizerState = new float[blocks.Count * stateVectors][];
        for (int i = 0; i < optimizerState.Length; i++)
        {
            optimizerState[i] = ReadTensor(reader, $"training.optimizer.{i}", blocks[i / stateVectors].Length);
        }
        return new()
        {
            Update = scalars.Update,
            Seed = scalars.Seed,
            Epoch = scalars.Epoch,
            Window = scalars.Window,
            TokensSeen = scalars.TokensSeen,
            ElapsedSeconds = scalars.ElapsedSeconds,
            BestValidationLoss = scalars.BestValidationLoss,
            Data = scalars.Data,
            TrainingCurve = scalars.TrainingCurve,
            ValidationCurve = scalars.ValidationCurve,
            OptimizerState = optimizerState,
            Hidden = hidden,
            Cell = cell,
        };
    }

    private static ReadOnlySpan<byte> Blob(CheckpointReader reader, string name) => Blob(reader, name, "an RnnNative language model");

    /// <summary>The blob <paramref name="name"/>; its absence means the file is not <paramref name="what"/>.</summary>
    internal static ReadOnlySpan<byte> Blob(CheckpointReader reader, string name, string what)
    {
        if (!reader.HasSection(name))
        {
            throw new CheckpointFormatException($"the file has no '{name}' section; it is not {what}.");
        }
        return reader.GetBlob(name);
    }

    /// <summary>Throws unless the file has tensor <paramref name="name"/> of exactly <paramref name="shape"/>
    /// (the reader has already checked that its payload is that large).</summary>
    internal static void ExpectTensor(CheckpointReader reader, string name, int[] shape)
    {
        if (!reader.HasSection(name))
        {
            throw new CheckpointFormatException($"tensor '{name}' is missing.");
        }
        CheckpointSection section = reader.GetSection(name);
        if (!section.Shape.SequenceEqual(shape))
        {
            throw new CheckpointFormatException($"tensor '{name}' has shape [{string.Join(", ", section.Shape)}] but the model needs [{string.Join(", ", shape)}].");
        }
    }

    /// <summary>Throws unless the file holds tensor <paramref name="name"/> of <paramref name="shape"/> [rows, columns] as int8:
    /// a blob {name}.int8 of rows * columns bytes and a tensor {name}.scale [rows].</summary>
    private static void ExpectInt8(CheckpointReader reader, string name, int[] shape)
    {
        string values = $"{name}.int8";
        if (!reader.HasSection(values))
        {
            throw new CheckpointFormatException($"the int8 values of tensor '{name}' ('{values}') are missing.");
        }
        CheckpointSection section = reader.GetSection(values);
        if (section.Kind != CheckpointSectionKind.Blob || section.Length != (long)shape[0] * shape[1])
        {
            throw new CheckpointFormatException($"'{values}' must be a blob of {(long)shape[0] * shape[1]} bytes (int8 [{shape[0]}, {shape[1]}]), not a {section.Kind.ToString().ToLowerInvariant()} of {section.Length}.");
        }
        ExpectTensor(reader, $"{name}.scale", [shape[0]]);
    }

    /// <summary>A vector tensor of <paramref name="length"/> elements, checked before it is allocated.</summary>
    internal static float[] ReadTensor(CheckpointReader reader, string name, int length)
    {
        ExpectTensor(reader, name, [length]);
        float[] values = new float[length];
        reader.ReadTensor(name, values);
        return values;
    }
}

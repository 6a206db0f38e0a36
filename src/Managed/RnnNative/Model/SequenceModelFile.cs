using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Runs;
using RnnNative.Text;

namespace RnnNative.Model;

/// <summary>A sequence model read back from a file: weights, input vocabulary (null with dense input), label set
/// (tag or class names; null for a regressor), and the training state when the file has one.</summary>
/// <param name="Model">The model with the file's weights.</param>
/// <param name="Inputs">The input vocabulary; null with dense input.</param>
/// <param name="Labels">The tags (tagger) or classes (classifier); null for a regressor.</param>
/// <param name="Options">The run's options (resumable files only).</param>
/// <param name="Training">The run's state besides the weights (resumable files only).</param>
public sealed record LoadedSequenceModel(SequenceModel Model, TokenVocabulary? Inputs, LabelSet? Labels, TrainingOptions? Options, TrainingSnapshot? Training);

/// <summary>
/// Saves and loads a tagger, classifier or regressor (<see cref="SequenceModel"/>) in the checkpoint container
/// (<see cref="CheckpointWriter"/>):
/// <code>
/// model.json           blob    {"format": "rnnnative.sequence-model", "schema": 1, "kind", config..., input unit} (SequenceModelJson)
/// inputs               blob    TokenVocabulary.Serialize                      (absent with dense input)
/// labels               blob    LabelSet.Serialize: tag or class names         (absent for a regressor)
/// embedding.weight     [V, E]  (embedding input only)
/// rnn.*                ...     the stack's tensors under PyTorch's names
/// decoder.weight       [C, D*H]
/// decoder.bias         [C]
/// training.json        blob    as a language model's (ModelFile): options, position, clocks, curves, the data's record   (resumable files only)
/// training.optimizer.{i}       the optimizer's vectors                                                                    (resumable files only)
/// </code>
/// Nothing is carried between batches of a whole-sequence task, so there is no training.hidden or training.cell.
/// Loading checks every section against the config it declares before allocating anything of the config's size, and
/// rejects anything else with a <see cref="CheckpointFormatException"/> that says what is wrong; a language model's
/// file is refused with a pointer to <see cref="ModelFile"/> (and <see cref="ModelFile.Load(string, KernelSet?)"/> refuses
/// this format likewise). <see cref="ModelFiles.KindOf(string)"/> tells the two apart without loading.
/// </summary>
public static class SequenceModelFile
{
    /// <summary>The format name written in every sequence-model file's model.json; files with another are refused.</summary>
    public const string FormatName = "rnnnative.sequence-model";

    /// <summary>The newest version of the section layout above that this build reads (schema 1: 0.3.0).</summary>
    public const int SchemaVersion = 1;

    private const string What = "an RnnNative sequence model";

    /// <summary>Writes the model atomically: a crash or error never leaves a partial file at <paramref name="path"/>.
    /// <paramref name="options"/> and <paramref name="training"/> together make the file resumable.</summary>
    /// <exception cref="ArgumentException">The vocabulary or label set does not fit the model, or only one of options and training is given.</exception>
    public static void Save(string path, SequenceModel model, TokenVocabulary? inputs, LabelSet? labels, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, inputs, labels, options, training).WriteFileAtomically(path);

    /// <summary>The file's bytes, for hosts that store models themselves.</summary>
    /// <exception cref="ArgumentException">As <see cref="Save"/>.</exception>
    public static byte[] ToBytes(SequenceModel model, TokenVocabulary? inputs, LabelSet? labels, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, inputs, labels, options, training).ToArray();

    /// <summary>Loads a file; a <see cref="CheckpointFormatException"/> starts with <paramref name="path"/>.</summary>
    public static LoadedSequenceModel Load(string path, KernelSet? kernels = null)
    {
        try
        {
            return Load(CheckpointReader.ReadFile(path), kernels);
        }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Loads from memory (a mobile app's asset, a download).</summary>
    public static LoadedSequenceModel Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => Load(CheckpointReader.Read(bytes), kernels);

    private static CheckpointWriter Build(SequenceModel model, TokenVocabulary? inputs, LabelSet? labels, TrainingOptions? options, TrainingSnapshot? training)
    {
        ArgumentNullException.ThrowIfNull(model);
        SequenceModelConfig config = model.Config;
        CheckInputs(config, inputs, ArgumentError);
        CheckLabels(config, labels, ArgumentError);
        if ((options is null) != (training is null))
        {
            throw new ArgumentException("a resumable file needs both the training options and the training snapshot.", nameof(training));
        }
        if (training is not null && (training.Hidden.Length != 0 || training.Cell.Length != 0))
        {
            throw new ArgumentException("the snapshot carries a hidden state; a whole-sequence task carries none.", nameof(training));
        }
        CheckpointWriter writer = new();
        writer.AddBlob("model.json", SequenceModelJson.WriteConfig(config, inputs));
        if (inputs is not null) writer.AddBlob("inputs", inputs.Serialize());
        if (labels is not null) writer.AddBlob("labels", labels.Serialize());
        foreach ((string name, int[] shape, Memory<float> values) in model.NamedTensors())
        {
            writer.AddTensor(name, shape, values.Span);
        }
        if (options is not null && training is not null)
        {
            ModelFile.AddTraining(writer, options, training);
        }
        return writer;
    }

    /// <summary>Checks every section against the config before allocating anything of the config's size: a small
    /// forged file cannot make the loader allocate a large model.</summary>
    internal static LoadedSequenceModel Load(CheckpointReader reader, KernelSet? kernels)
    {
        (SequenceModelConfig config, (TokenUnit Unit, bool Lowercase)? units) = SequenceModelJson.ReadConfig(ModelFile.Blob(reader, "model.json", What));
        TokenVocabulary? inputs = reader.HasSection("inputs")
            ? Read("inputs", () => TokenVocabulary.Deserialize(reader.GetBlob("inputs")))
            : null;
        LabelSet? labels = reader.HasSection("labels")
            ? Read("labels", () => LabelSet.Deserialize(reader.GetBlob("labels")))
            : null;
        CheckInputs(config, inputs, FormatError);
        CheckLabels(config, labels, FormatError);
        if (inputs is null && units is not null)
        {
            throw new CheckpointFormatException($"model.json says the inputs are {units.Value.Unit} but the input vocabulary ('inputs') of {config.VocabularySize} ids is missing.");
        }
        if (inputs is not null && (inputs.Unit, inputs.Lowercase) != units)
        {
            throw new CheckpointFormatException($"model.json says the inputs are {units?.Unit} (lowercase {units?.Lowercase}) but the 'inputs' section holds {inputs.Unit} (lowercase {inputs.Lowercase}).");
        }
        foreach ((string name, int[] shape) in config.TensorShapes())
        {
            ModelFile.ExpectTensor(reader, name, shape);
        }
        bool resumable = reader.HasSection("training.json");
        (TrainingOptions options, TrainingSnapshot scalars) = resumable ? ModelJson.ReadTraining(reader.GetBlob("training.json")) : default;

        SequenceModel model = new(config, kernels);
        foreach ((string name, int[] _, Memory<float> values) in model.NamedTensors())
        {
            reader.ReadTensor(name, values.Span);
        }
        TrainingSnapshot? training = resumable ? ModelFile.ReadTraining(reader, options, scalars, model.Blocks, hidden: [], cell: []) : null;
        return new LoadedSequenceModel(model, inputs, labels, resumable ? options : null, training);
    }

    /// <summary>A section decoded by <paramref name="read"/>, its <see cref="InvalidDataException"/> turned into a format error naming it.</summary>
    private static T Read<T>(string section, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"the '{section}' section is invalid: {e.Message}");
        }
    }

    /// <summary>Token input has a vocabulary of V ids, or none when its ids were given as numbers (arrays from a host);
    /// dense input has none.</summary>
    private static void CheckInputs(SequenceModelConfig config, TokenVocabulary? inputs, Func<string, string, Exception> error)
    {
        if (config.Input == InputEncoding.Dense)
        {
            if (inputs is not null) throw error("the model reads dense features and has no input vocabulary, but one was given ('inputs').", nameof(inputs));
            return;
        }
        if (inputs is not null && inputs.Count != config.VocabularySize)
        {
            throw error($"the input vocabulary ('inputs') has {inputs.Count} ids but the model reads {config.VocabularySize}.", nameof(inputs));
        }
    }

    /// <summary>A tagger and a classifier need a name for each of their C outputs; a regressor has none.</summary>
    private static void CheckLabels(SequenceModelConfig config, LabelSet? labels, Func<string, string, Exception> error)
    {
        string kind = SequenceModelJson.Phrase(config.Kind);
        if (config.Kind == ModelKind.Regressor)
        {
            if (labels is not null) throw error($"{kind} predicts values and has no label set, but one was given ('labels').", nameof(labels));
            return;
        }
        if (labels is null) throw error($"{kind} needs the names of its {config.Outputs} {(config.Kind == ModelKind.Tagger ? "tags" : "classes")}: the label set ('labels') is missing.", nameof(labels));
        if (labels.Count != config.Outputs)
        {
            throw error($"the label set ('labels') has {labels.Count} names but {kind} of {config.Outputs} outputs needs {config.Outputs}.", nameof(labels));
        }
    }

    private static Exception ArgumentError(string message, string paramName) => new ArgumentException(message, paramName);

    private static Exception FormatError(string message, string paramName) => new CheckpointFormatException(message);
}

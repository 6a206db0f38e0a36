using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Runs;

namespace RnnNative.Model;

/// <summary>An encoder-decoder read back from a file: weights, both vocabularies, and the training state when the file has one.</summary>
/// <param name="Model">The model with the file's weights.</param>
/// <param name="Source">The source vocabulary (the <see cref="Data.SpecialTokens"/> first), Vs ids.</param>
/// <param name="Target">The target vocabulary (the <see cref="Data.SpecialTokens"/> first), Vt ids.</param>
/// <param name="Options">The run's options (resumable files only).</param>
/// <param name="Training">The run's state besides the weights (resumable files only).</param>
public sealed record LoadedSeq2SeqModel(Seq2SeqModel Model, TokenVocabulary Source, TokenVocabulary Target, TrainingOptions? Options, TrainingSnapshot? Training);

/// <summary>
/// Saves and loads an encoder-decoder (<see cref="Seq2SeqModel"/>) in the checkpoint container (<see cref="CheckpointWriter"/>):
/// <code>
/// model.json                 blob    {"format": "rnnnative.seq2seq-model", "schema": 1, config...} (Seq2SeqModelJson)
/// source                     blob    TokenVocabulary.Serialize: unit, lowercasing, the tokens in id order (special tokens first)
/// target                     blob    the same for the target side
/// encoder.embedding.weight   [Vs, Es]
/// encoder.rnn.*              ...     the encoder stack's tensors under PyTorch's names (_reverse when bidirectional)
/// decoder.embedding.weight   [Vt, Et]
/// decoder.rnn.*              ...     the decoder stack's (input Et + C)
/// bridge.weight, bridge.bias [Ld*Hd, C], [Ld*Hd]   (with a bridge only)
/// output.weight, output.bias [Vt, Hd + C + Et], [Vt]
/// training.json              blob    as a language model's (ModelFile): options, position, clocks, curves    (resumable files only)
/// training.optimizer.{i}             the optimizer's vectors                                                 (resumable files only)
/// </code>
/// Pairs carry no state from one batch to the next, so there is no training.hidden or training.cell. Loading checks every
/// section against the config it declares before allocating anything of the config's size and rejects anything else with a
/// <see cref="CheckpointFormatException"/> of one line that says what is wrong; <see cref="ModelFile"/> and <see cref="SequenceModelFile"/>
/// refuse this format, and this loader theirs, likewise. <see cref="ModelFiles.KindOf(string)"/> tells them apart without loading.
/// </summary>
public static class Seq2SeqModelFile
{
    /// <summary>The format name written in every encoder-decoder file's model.json; files with another are refused.</summary>
    public const string FormatName = "rnnnative.seq2seq-model";

    /// <summary>The newest version of the section layout above that this build reads (schema 1: 0.5.0).</summary>
    public const int SchemaVersion = 1;

    private const string What = "an RnnNative sequence-to-sequence model";

    /// <summary>Writes the model atomically: a crash or error never leaves a partial file at <paramref name="path"/>.
    /// <paramref name="options"/> and <paramref name="training"/> together make the file resumable.</summary>
    /// <exception cref="ArgumentException">A vocabulary does not fit the model or lacks the special tokens, or only one of options and training is given.</exception>
    public static void Save(string path, Seq2SeqModel model, TokenVocabulary source, TokenVocabulary target, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, source, target, options, training).WriteFileAtomically(path);

    /// <summary>The file's bytes, for hosts that store models themselves.</summary>
    /// <exception cref="ArgumentException">As <see cref="Save"/>.</exception>
    public static byte[] ToBytes(Seq2SeqModel model, TokenVocabulary source, TokenVocabulary target, TrainingOptions? options = null, TrainingSnapshot? training = null) =>
        Build(model, source, target, options, training).ToArray();

    /// <summary>Loads a file; a <see cref="CheckpointFormatException"/> starts with <paramref name="path"/>.</summary>
    public static LoadedSeq2SeqModel Load(string path, KernelSet? kernels = null)
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
    public static LoadedSeq2SeqModel Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => Load(CheckpointReader.Read(bytes), kernels);

    private static CheckpointWriter Build(Seq2SeqModel model, TokenVocabulary source, TokenVocabulary target, TrainingOptions? options, TrainingSnapshot? training)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        CheckVocabulary("source", source, model.Config.SourceVocabularySize, ArgumentError);
        CheckVocabulary("target", target, model.Config.TargetVocabularySize, ArgumentError);
        if ((options is null) != (training is null))
        {
            throw new ArgumentException("a resumable file needs both the training options and the training snapshot.", nameof(training));
        }
        if (training is not null && (training.Hidden.Length != 0 || training.Cell.Length != 0))
        {
            throw new ArgumentException("the snapshot carries a hidden state; a sequence-to-sequence task carries none.", nameof(training));
        }
        CheckpointWriter writer = new();
        writer.AddBlob("model.json", Seq2SeqModelJson.WriteConfig(model.Config));
        writer.AddBlob("source", source.Serialize());
        writer.AddBlob("target", target.Serialize());
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
    private static LoadedSeq2SeqModel Load(CheckpointReader reader, KernelSet? kernels)
    {
        Seq2SeqConfig config = Seq2SeqModelJson.ReadConfig(ModelFile.Blob(reader, "model.json", What));
        TokenVocabulary source = ReadVocabulary(reader, "source"), target = ReadVocabulary(reader, "target");
        CheckVocabulary("source", source, config.SourceVocabularySize, FormatError);
        CheckVocabulary("target", target, config.TargetVocabularySize, FormatError);
        foreach ((string name, int[] shape) in config.TensorShapes())
        {
            ModelFile.ExpectTensor(reader, name, shape);
        }
        bool resumable = reader.HasSection("training.json");
        (TrainingOptions options, TrainingSnapshot scalars) = resumable ? ModelJson.ReadTraining(reader.GetBlob("training.json")) : default;

        Seq2SeqModel model = new(config, kernels);
        foreach ((string name, int[] _, Memory<float> values) in model.NamedTensors())
        {
            reader.ReadTensor(name, values.Span);
        }
        TrainingSnapshot? training = resumable ? ModelFile.ReadTraining(reader, options, scalars, model.Blocks, hidden: [], cell: []) : null;
        return new LoadedSeq2SeqModel(model, source, target, resumable ? options : null, training);
    }

    /// <summary>The vocabulary blob <paramref name="section"/>, its <see cref="InvalidDataException"/> turned into a format error naming it.</summary>
    private static TokenVocabulary ReadVocabulary(CheckpointReader reader, string section)
    {
        ReadOnlySpan<byte> blob = ModelFile.Blob(reader, section, What);
        try
        {
            return TokenVocabulary.Deserialize(blob);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"the '{section}' section is invalid: {e.Message}");
        }
    }

    /// <summary>A side's vocabulary begins with the special tokens and has exactly the ids its embedding (or output layer) has.</summary>
    private static void CheckVocabulary(string side, TokenVocabulary vocabulary, int size, Func<string, string, Exception> error)
    {
        if (!vocabulary.HasSpecialTokens)
        {
            throw error($"the {side} vocabulary ('{side}') does not begin with the special tokens (<pad>, <s>, </s>, <unk>) an encoder-decoder reads and writes.", side);
        }
        if (vocabulary.Count != size)
        {
            throw error($"the {side} vocabulary ('{side}') has {vocabulary.Count} ids but the model's {side} side has {size}.", side);
        }
    }

    private static Exception ArgumentError(string message, string paramName) => new ArgumentException(message, paramName);

    private static Exception FormatError(string message, string paramName) => new CheckpointFormatException(message);
}

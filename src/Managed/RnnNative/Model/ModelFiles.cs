using System.Text.Json;
using RnnNative.IO;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// What front doors ask of a model file before loading it: which kind of model it holds, so they choose
/// <see cref="ModelFile"/> (language models), <see cref="SequenceModelFile"/> (taggers, classifiers, regressors) or
/// <see cref="Seq2SeqModelFile"/> (encoder-decoders).
/// </summary>
public static class ModelFiles
{
    /// <summary>The kind of the model in the file at <paramref name="path"/>, read from its model.json ("format", and "kind" in a
    /// sequence-model file); a <see cref="CheckpointFormatException"/> starting with <paramref name="path"/> when it is none of the formats.</summary>
    public static ModelKind KindOf(string path)
    {
        try
        {
            return KindOf(CheckpointReader.ReadFile(path));
        }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>As <see cref="KindOf(string)"/>, for a file's bytes in memory.</summary>
    public static ModelKind KindOf(ReadOnlySpan<byte> bytes) => KindOf(CheckpointReader.Read(bytes));

    /// <summary>Reads the file at <paramref name="path"/> once and loads the model it holds, whichever its kind; a
    /// <see cref="CheckpointFormatException"/> starts with <paramref name="path"/>.</summary>
    public static LoadedModelFile Load(string path, KernelSet? kernels = null)
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

    /// <summary>As <see cref="Load(string, KernelSet?)"/>, for a file's bytes in memory.</summary>
    public static LoadedModelFile Load(ReadOnlySpan<byte> bytes, KernelSet? kernels = null) => Load(CheckpointReader.Read(bytes), kernels, null);

    private static LoadedModelFile Load(CheckpointReader reader, KernelSet? kernels, string? path) => KindOf(reader) == ModelKind.LanguageModel
        ? new LoadedModelFile(ModelFile.Load(reader, kernels, path), null)
        : new LoadedModelFile(null, SequenceModelFile.Load(reader, kernels));

    private static ModelKind KindOf(CheckpointReader reader) =>
        ModelJson.Read(ModelFile.Blob(reader, "model.json", "an RnnNative model"), "model.json", root => ModelJson.String(root, "format") switch
        {
            ModelFile.FormatName => ModelKind.LanguageModel,
            SequenceModelFile.FormatName => SequenceModelJson.ReadKind(root),
            Seq2SeqModelFile.FormatName => ModelKind.Seq2Seq,
            string format => throw new CheckpointFormatException($"model.json describes a '{format}', not an RnnNative model."),
        });
}

/// <summary>A model file loaded by <see cref="ModelFiles.Load(string, KernelSet?)"/>: one of the two is set, by the kind the file holds.</summary>
/// <param name="Language">A language model (char-rnn) with its vocabulary.</param>
/// <param name="Sequence">A tagger, classifier or regressor with its vocabulary and labels.</param>
public sealed record LoadedModelFile(LoadedModel? Language, LoadedSequenceModel? Sequence);

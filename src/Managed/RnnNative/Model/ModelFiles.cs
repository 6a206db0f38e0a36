using System.Text.Json;
using RnnNative.IO;

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

    private static ModelKind KindOf(CheckpointReader reader) =>
        ModelJson.Read(ModelFile.Blob(reader, "model.json", "an RnnNative model"), "model.json", root => ModelJson.String(root, "format") switch
        {
            ModelFile.FormatName => ModelKind.LanguageModel,
            SequenceModelFile.FormatName => SequenceModelJson.ReadKind(root),
            Seq2SeqModelFile.FormatName => ModelKind.Seq2Seq,
            string format => throw new CheckpointFormatException($"model.json describes a '{format}', not an RnnNative model."),
        });
}

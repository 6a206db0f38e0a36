using RnnNative.Cells;
using RnnNative.IO;

namespace RnnNative.Model;

/// <summary>
/// model.json of an encoder-decoder file (<see cref="Seq2SeqModelFile"/>): the format, the schema and every
/// <see cref="Seq2SeqConfig"/> field (defaults filled in). Written with <see cref="ModelJson"/>'s helpers: unknown fields are
/// ignored, missing or mistyped ones are errors.
/// </summary>
internal static class Seq2SeqModelJson
{
    /// <summary>The one line a loader of another kind of model gives for an encoder-decoder's file.</summary>
    public static string NotThisKind(string expected) =>
        $"the file is a sequence-to-sequence model (encoder-decoder), not {expected}: load it as a seq2seq model (Seq2SeqModelFile; rnn predict translates with it).";

    /// <summary>model.json of <paramref name="c"/> (a model's config, its defaults filled in).</summary>
    public static byte[] WriteConfig(Seq2SeqConfig c) => ModelJson.Write(json =>
    {
        json.WriteString("format", Seq2SeqModelFile.FormatName);
        json.WriteNumber("schema", Seq2SeqModelFile.SchemaVersion);
        json.WriteString("cell", CellKind.Of(c.Cell).Name);
        json.WriteNumber("source_vocabulary_size", c.SourceVocabularySize);
        json.WriteNumber("target_vocabulary_size", c.TargetVocabularySize);
        json.WriteNumber("hidden_size", c.HiddenSize);
        json.WriteNumber("layers", c.Layers);
        json.WriteNumber("embedding_size", c.EmbeddingSize);
        json.WriteNumber("target_embedding_size", c.TargetEmbeddingSize);
        json.WriteBoolean("bidirectional", c.Bidirectional);
        json.WriteNumber("decoder_hidden_size", c.DecoderHiddenSize);
        json.WriteNumber("decoder_layers", c.DecoderLayers);
        json.WriteString("activation", SequenceModelJson.Name(SequenceModelJson.Activations, c.Activation));
        json.WriteNumber("dropout", c.Dropout);
        json.WriteString("initialization", SequenceModelJson.Name(SequenceModelJson.Initializations, c.Initialization));
        json.WriteNumber("identity_scale", c.IdentityScale);
    });

    /// <summary>The config of model.json, validated, its defaults filled in.</summary>
    public static Seq2SeqConfig ReadConfig(ReadOnlySpan<byte> utf8) => ModelJson.Read(utf8, "model.json", root =>
    {
        string format = ModelJson.String(root, "format");
        if (format == ModelFile.FormatName)
        {
            throw new CheckpointFormatException("the file is a language model, not a sequence-to-sequence model: it samples and evaluates text as a language model.");
        }
        if (format == SequenceModelFile.FormatName)
        {
            throw new CheckpointFormatException($"the file is {SequenceModelJson.Phrase(SequenceModelJson.ReadKind(root))}, not a sequence-to-sequence model: load it as a sequence model.");
        }
        if (format != Seq2SeqModelFile.FormatName)
        {
            throw new CheckpointFormatException($"model.json describes a '{format}', not an RnnNative sequence-to-sequence model.");
        }
        int schema = ModelJson.Int(root, "schema");
        if (schema > Seq2SeqModelFile.SchemaVersion)
        {
            throw new CheckpointFormatException($"the model was written with schema {schema}; this RnnNative reads sequence-to-sequence models up to {Seq2SeqModelFile.SchemaVersion}: update RnnNative.");
        }
        Seq2SeqConfig config = new(
            ModelJson.Enum(root, "cell", [.. CellKind.All.Select(kind => (kind.Name, kind.Type))]),
            ModelJson.Int(root, "source_vocabulary_size"),
            ModelJson.Int(root, "target_vocabulary_size"),
            ModelJson.Int(root, "hidden_size"),
            ModelJson.Int(root, "layers"))
        {
            EmbeddingSize = ModelJson.Int(root, "embedding_size"),
            TargetEmbeddingSize = ModelJson.Int(root, "target_embedding_size"),
            Bidirectional = ModelJson.Bool(root, "bidirectional"),
            DecoderHiddenSize = ModelJson.Int(root, "decoder_hidden_size"),
            DecoderLayers = ModelJson.Int(root, "decoder_layers"),
            Activation = ModelJson.Enum(root, "activation", SequenceModelJson.Activations),
            Dropout = ModelJson.Float(root, "dropout"),
            Initialization = ModelJson.Enum(root, "initialization", SequenceModelJson.Initializations),
            IdentityScale = ModelJson.Float(root, "identity_scale"),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"model.json holds an invalid configuration: {e.Message}");
        }
        return config.WithDefaults();
    });
}

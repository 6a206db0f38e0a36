using System.Text.Json;
using RnnNative.Cells;
using RnnNative.Datasets;
using RnnNative.IO;

namespace RnnNative.Model;

/// <summary>
/// model.json of a sequence-model file (<see cref="SequenceModelFile"/>): the format, the schema, the kind, every
/// <see cref="SequenceModelConfig"/> field, and the input vocabulary's unit and lowercasing (also inside the
/// "inputs" blob; here so a reader of the JSON sees them). Written with <see cref="ModelJson"/>'s helpers: unknown
/// fields are ignored, missing or mistyped ones are errors.
/// </summary>
internal static class SequenceModelJson
{
    /// <summary>The names of the model kinds in model files, and the phrase messages use for each.</summary>
    private static readonly (string Name, ModelKind Kind, string Phrase)[] Kinds =
    [
        ("language_model", ModelKind.LanguageModel, "a language model"),
        ("tagger", ModelKind.Tagger, "a tagger"),
        ("classifier", ModelKind.Classifier, "a classifier"),
        ("regressor", ModelKind.Regressor, "a regressor"),
    ];

    private static readonly (string, InputEncoding)[] Inputs = [("embedding", InputEncoding.Embedding), ("one_hot", InputEncoding.OneHot), ("dense", InputEncoding.Dense)];
    /// <summary>The activations' names in model files (shared with <see cref="Seq2SeqModelJson"/>).</summary>
    internal static readonly (string, Activation)[] Activations = [("tanh", Activation.Tanh), ("relu", Activation.Relu)];

    /// <summary>The initializations' names in model files (shared with <see cref="Seq2SeqModelJson"/>).</summary>
    internal static readonly (string, RecurrentInitialization)[] Initializations = [("default", RecurrentInitialization.Default), ("identity", RecurrentInitialization.Identity)];
    private static readonly (string, SequencePooling)[] Poolings = [("last", SequencePooling.Last), ("mean", SequencePooling.Mean)];
    private static readonly (string, TokenUnit)[] Units = [("words", TokenUnit.Words), ("characters", TokenUnit.Characters)];

    /// <summary>"a tagger", "a language model": the kind as messages name it.</summary>
    public static string Phrase(ModelKind kind) => Kinds.First(k => k.Kind == kind).Phrase;

    /// <summary>The kind named by model.json's "kind" field of a sequence-model file.</summary>
    public static ModelKind ReadKind(JsonElement root) =>
        ModelJson.Enum(root, "kind", [.. Kinds.Where(k => k.Kind != ModelKind.LanguageModel).Select(k => (k.Name, k.Kind))]);

    /// <summary>model.json of <paramref name="c"/>; <paramref name="inputs"/> is the vocabulary written with it (null with dense input).</summary>
    public static byte[] WriteConfig(SequenceModelConfig c, TokenVocabulary? inputs) => ModelJson.Write(json =>
    {
        json.WriteString("format", SequenceModelFile.FormatName);
        json.WriteNumber("schema", SequenceModelFile.SchemaVersion);
        json.WriteString("kind", Kinds.First(k => k.Kind == c.Kind).Name);
        json.WriteString("cell", CellKind.Of(c.Cell).Name);
        json.WriteNumber("hidden_size", c.HiddenSize);
        json.WriteNumber("layers", c.Layers);
        json.WriteNumber("outputs", c.Outputs);
        json.WriteString("input", Name(Inputs, c.Input));
        json.WriteNumber("vocabulary_size", c.VocabularySize);
        json.WriteNumber("embedding_size", c.EmbeddingSize);
        json.WriteNumber("feature_size", c.FeatureSize);
        if (inputs is not null)
        {
            json.WriteString("input_unit", Name(Units, inputs.Unit));
            json.WriteBoolean("lowercase", inputs.Lowercase);
        }
        json.WriteString("activation", Name(Activations, c.Activation));
        json.WriteBoolean("bidirectional", c.Bidirectional);
        json.WriteNumber("dropout", c.Dropout);
        json.WriteString("initialization", Name(Initializations, c.Initialization));
        json.WriteNumber("identity_scale", c.IdentityScale);
        json.WriteString("pooling", Name(Poolings, c.Pooling));
        json.WriteBoolean("per_step", c.PerStep);
    });

    /// <summary>The config of model.json (validated), and the input unit and lowercasing it records (null with dense input).</summary>
    public static (SequenceModelConfig Config, (TokenUnit Unit, bool Lowercase)? Inputs) ReadConfig(ReadOnlySpan<byte> utf8) => ModelJson.Read(utf8, "model.json", root =>
    {
        string format = ModelJson.String(root, "format");
        if (format == ModelFile.FormatName)
        {
            throw new CheckpointFormatException("the file is a language model, not a tagger, classifier or regressor: it samples and evaluates text as a language model.");
        }
        if (format == Seq2SeqModelFile.FormatName)
        {
            throw new CheckpointFormatException(Seq2SeqModelJson.NotThisKind("a tagger, classifier or regressor"));
        }
        if (format != SequenceModelFile.FormatName)
        {
            throw new CheckpointFormatException($"model.json describes a '{format}', not an RnnNative sequence model.");
        }
        int schema = ModelJson.Int(root, "schema");
        if (schema > SequenceModelFile.SchemaVersion)
        {
            throw new CheckpointFormatException($"the model was written with schema {schema}; this RnnNative reads sequence models up to {SequenceModelFile.SchemaVersion}: update RnnNative.");
        }
        SequenceModelConfig config = new(
            ReadKind(root),
            ModelJson.Enum(root, "cell", [.. CellKind.All.Select(kind => (kind.Name, kind.Type))]),
            ModelJson.Int(root, "hidden_size"),
            ModelJson.Int(root, "layers"),
            ModelJson.Int(root, "outputs"))
        {
            Input = ModelJson.Enum(root, "input", Inputs),
            VocabularySize = ModelJson.Int(root, "vocabulary_size"),
            EmbeddingSize = ModelJson.Int(root, "embedding_size"),
            FeatureSize = ModelJson.Int(root, "feature_size"),
            Activation = ModelJson.Enum(root, "activation", Activations),
            Bidirectional = ModelJson.Bool(root, "bidirectional"),
            Dropout = ModelJson.Float(root, "dropout"),
            Initialization = ModelJson.Enum(root, "initialization", Initializations),
            IdentityScale = ModelJson.Float(root, "identity_scale"),
            Pooling = ModelJson.Enum(root, "pooling", Poolings),
            PerStep = ModelJson.Bool(root, "per_step"),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"model.json holds an invalid configuration: {e.Message}");
        }
        // Dense input, and token ids a host gave as numbers, have no vocabulary and so no unit.
        (TokenUnit, bool)? inputs = config.Input == InputEncoding.Dense || !root.TryGetProperty("input_unit", out _)
            ? null
            : (ModelJson.Enum(root, "input_unit", Units), ModelJson.Bool(root, "lowercase"));
        return (config, inputs);
    });

    /// <summary>The file's name of <paramref name="value"/> in the table <paramref name="names"/>.</summary>
    internal static string Name<T>((string Name, T Value)[] names, T value) where T : struct, Enum =>
        names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Name;
}

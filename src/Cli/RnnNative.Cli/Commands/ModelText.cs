using System.Globalization;
using RnnNative.Cells;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary>How the commands name a model's parts in their one-line summaries.</summary>
internal static class ModelText
{
    /// <summary>"LSTM 2x128" or "ELMAN 1x64 (relu)": the cell, the stack's shape, and the cell's nonlinearity when it has one.</summary>
    public static string Stack(CellType cell, Activation activation, int layers, int hidden) => string.Create(CultureInfo.InvariantCulture,
        $"{cell.ToString().ToUpperInvariant()} {layers}x{hidden}{(CellKind.Of(cell).HasActivation ? $" ({activation.ToString().ToLowerInvariant()})" : "")}");

    /// <summary>A whole-sequence model's <see cref="Stack(CellType, Activation, int, int)"/>.</summary>
    public static string Stack(SequenceModelConfig c) => Stack(c.Cell, c.Activation, c.Layers, c.HiddenSize);

    /// <summary>"embedding 64", or "one-hot input" (<c>--embedding 0</c>).</summary>
    public static string Input(LanguageModelConfig c) => Input(c.Input, c.EmbeddingSize, 0);

    /// <summary>"embedding 64", "one-hot input", or "2 features per timestep" (numeric inputs).</summary>
    public static string Input(SequenceModelConfig c) => Input(c.Input, c.EmbeddingSize, c.FeatureSize);

    /// <summary>The options a model has beyond its shape, each only when not the default (so models without
    /// them are described as before): ", bidirectional, dropout 0.3, init identity (scale 1)", and a language
    /// model's ", class softmax (173 classes)".</summary>
    public static string Options(LanguageModelConfig c) => Options(c.Bidirectional, c.Dropout, c.Initialization, c.IdentityScale)
        + (c.Softmax == SoftmaxKind.Class ? string.Create(CultureInfo.InvariantCulture, $", class softmax ({c.ClassCount} classes)") : "");

    /// <summary>As for a language model, plus a classifier's pooling when it is the mean.</summary>
    public static string Options(SequenceModelConfig c) => Options(c.Bidirectional, c.Dropout, c.Initialization, c.IdentityScale)
        + (c.Pooling == SequencePooling.Mean ? ", mean pooling" : "");

    private static string Input(InputEncoding input, int embedding, int features) => input switch
    {
        InputEncoding.OneHot => "one-hot input",
        InputEncoding.Dense => string.Create(CultureInfo.InvariantCulture, $"{features} features per timestep"),
        _ => string.Create(CultureInfo.InvariantCulture, $"embedding {embedding}"),
    };

    private static string Options(bool bidirectional, float dropout, RecurrentInitialization initialization, float identityScale) =>
        (bidirectional ? ", bidirectional" : "")
        + (dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {dropout}") : "")
        + (initialization == RecurrentInitialization.Identity ? string.Create(CultureInfo.InvariantCulture, $", init identity (scale {identityScale})") : "");
}

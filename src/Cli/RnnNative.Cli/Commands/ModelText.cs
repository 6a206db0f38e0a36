using System.Globalization;
using RnnNative.Cells;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary>How the commands name a model's parts in their one-line summaries.</summary>
internal static class ModelText
{
    /// <summary>"embedding 64", or "one-hot input" (<c>--embedding 0</c>).</summary>
    public static string Input(LanguageModelConfig c) =>
        c.Input == InputEncoding.OneHot ? "one-hot input" : string.Create(CultureInfo.InvariantCulture, $"embedding {c.EmbeddingSize}");

    /// <summary>The options a model has beyond its shape, each only when not the default (so models without
    /// them are described as before): ", bidirectional, dropout 0.3, init identity (scale 1)".</summary>
    public static string Options(LanguageModelConfig c) =>
        (c.Bidirectional ? ", bidirectional" : "")
        + (c.Dropout > 0 ? string.Create(CultureInfo.InvariantCulture, $", dropout {c.Dropout}") : "")
        + (c.Initialization == RecurrentInitialization.Identity ? string.Create(CultureInfo.InvariantCulture, $", init identity (scale {c.IdentityScale})") : "");
}

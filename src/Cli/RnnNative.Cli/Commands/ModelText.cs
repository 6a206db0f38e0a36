using System.Globalization;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary>How the commands name a model's parts in their one-line summaries.</summary>
internal static class ModelText
{
    /// <summary>"embedding 64", or "one-hot input" (<c>--embedding 0</c>).</summary>
    public static string Input(LanguageModelConfig c) =>
        c.Input == InputEncoding.OneHot ? "one-hot input" : string.Create(CultureInfo.InvariantCulture, $"embedding {c.EmbeddingSize}");
}

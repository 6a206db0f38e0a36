using System.Globalization;
using RnnNative.Text;

namespace RnnNative.Cli.Commands;

/// <summary>Loss in the units people compare: nats, perplexity, bits per token (per character for character and byte vocabularies).</summary>
internal static class Metrics
{
    public static string Describe(string what, double loss, double? best, Vocabulary vocabulary)
    {
        string unit = vocabulary.Kind switch { VocabularyKind.Word => "word", VocabularyKind.Byte => "byte", _ => "character" };
        string bestText = best is double b && double.IsFinite(b) && b < loss ? string.Format(CultureInfo.InvariantCulture, " (best {0:0.0000})", b) : "";
        return string.Format(CultureInfo.InvariantCulture, "{0} loss {1:0.0000} nats/{2}{3}, perplexity {4:0.###}, {5:0.0000} bits per {2}",
            what, loss, unit, bestText, Math.Exp(loss), loss / Math.Log(2));
    }
}

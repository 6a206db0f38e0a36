using System.Globalization;
using System.Text;

namespace RnnNative.Metrics;

/// <summary>
/// Precision, recall and F1 of one label (a chunk type of a tagger, a class of a classifier) from its
/// three counts: how many the gold data has, how many were predicted, how many predictions were correct.
/// </summary>
/// <remarks>
/// A ratio whose denominator is 0 is 0, as conlleval reports it and as scikit-learn's
/// <c>zero_division=0</c> does: precision of a label never predicted, recall of a label never in the gold
/// data, and F1 when both are 0.
/// </remarks>
/// <param name="Name">The chunk type ("PER") or class name; "overall" for the sum over all labels.</param>
/// <param name="Gold">Gold occurrences: chunks in the gold tags, examples of the class.</param>
/// <param name="Predicted">Predicted occurrences: chunks in the predicted tags, predictions of the class.</param>
/// <param name="Correct">Predictions that match a gold occurrence exactly.</param>
public sealed record LabelScore(string Name, long Gold, long Predicted, long Correct)
{
    /// <summary>Correct / Predicted: the share of predictions that are right.</summary>
    public double Precision => Ratio(Correct, Predicted);

    /// <summary>Correct / Gold: the share of gold occurrences found.</summary>
    public double Recall => Ratio(Correct, Gold);

    /// <summary>The harmonic mean of precision and recall, 2PR / (P + R).</summary>
    public double F1 => Precision + Recall > 0 ? 2 * Precision * Recall / (Precision + Recall) : 0;

    /// <summary>Whether the label occurs at all, in the gold data or in the predictions.</summary>
    public bool Occurs => Gold > 0 || Predicted > 0;

    /// <summary>"precision 0.5000  recall 1.0000  F1 0.6667  gold 1  predicted 2  correct 1" (invariant culture).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"precision {Precision:0.0000}  recall {Recall:0.0000}  F1 {F1:0.0000}  gold {Gold}  predicted {Predicted}  correct {Correct}");

    /// <summary>One line per score, the names padded to one width: the per-type or per-class table of the CLI.</summary>
    public static string Table(IEnumerable<LabelScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        List<LabelScore> rows = [.. scores];
        int width = rows.Select(s => s.Name.Length).DefaultIfEmpty(0).Max();
        StringBuilder table = new();
        foreach (LabelScore score in rows) table.Append(score.Name.PadLeft(width)).Append("  ").Append(score).Append('\n');
        return table.ToString();
    }

    private static double Ratio(long numerator, long denominator) => denominator > 0 ? (double)numerator / denominator : 0;
}

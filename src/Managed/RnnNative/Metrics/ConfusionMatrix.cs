using System.Globalization;
using System.Text;

namespace RnnNative.Metrics;

/// <summary>
/// Counts a classifier's results: how often each gold class was predicted as each class, [gold, predicted].
/// The diagonal holds the correct predictions; a row sums to the examples of its gold class, a column to
/// the predictions of its class. Its picture is <see cref="Reporting.ConfusionPlot"/> (Reporting knows no
/// metrics, so it takes <see cref="ToArray"/> and <see cref="Classes"/>). Not thread-safe.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly string[] _classes;
    private readonly long[] _counts;   // [C, C], row = gold class, column = predicted class

    /// <summary>An empty matrix over the classes named <paramref name="classes"/> (class id = index).</summary>
    /// <exception cref="ArgumentException">There are no classes.</exception>
    public ConfusionMatrix(IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count == 0) throw new ArgumentException("a confusion matrix needs at least one class", nameof(classes));
        _classes = [.. classes];
        _counts = new long[_classes.Length * _classes.Length];
    }

    /// <summary>The class names, by class id.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>The number of examples of gold class <paramref name="gold"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int gold, int predicted] => _counts[Cell(gold, predicted)];

    /// <summary>All examples counted.</summary>
    public long Total => _counts.Sum();

    /// <summary>The examples counted of gold class <paramref name="gold"/> (its row sum).</summary>
    public long GoldCount(int gold)
    {
        long sum = 0;
        for (int predicted = 0; predicted < _classes.Length; predicted++) sum += this[gold, predicted];
        return sum;
    }

    /// <summary>The predictions counted of class <paramref name="predicted"/> (its column sum).</summary>
    public long PredictedCount(int predicted)
    {
        long sum = 0;
        for (int gold = 0; gold < _classes.Length; gold++) sum += this[gold, predicted];
        return sum;
    }

    /// <summary>Counts one example.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A class id is not in [0, <see cref="Classes"/>.Count).</exception>
    public void Add(int gold, int predicted) => _counts[Cell(gold, predicted)]++;

    /// <summary>Counts one example per position: gold[i] predicted as predicted[i].</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class id is not in [0, <see cref="Classes"/>.Count).</exception>
    public void Add(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted)
    {
        if (gold.Length != predicted.Length) throw new ArgumentException($"{gold.Length} gold classes but {predicted.Length} predictions", nameof(predicted));
        for (int i = 0; i < gold.Length; i++) Add(gold[i], predicted[i]);
    }

    /// <summary>A copy of the counts as [gold, predicted].</summary>
    public long[,] ToArray()
    {
        long[,] counts = new long[_classes.Length, _classes.Length];
        for (int gold = 0; gold < _classes.Length; gold++)
        {
            for (int predicted = 0; predicted < _classes.Length; predicted++) counts[gold, predicted] = this[gold, predicted];
        }
        return counts;
    }

    /// <summary>Accuracy, per-class scores and macro F1 of everything counted so far.</summary>
    public ClassificationMetrics Result() => new(this);

    /// <summary>
    /// The matrix as plain text for the CLI: gold classes down, predicted classes across, counts right-aligned.
    /// <code>
    /// gold \ predicted  cat  dog
    ///              cat    5    1
    ///              dog    0    3
    /// </code>
    /// </summary>
    public string ToTable()
    {
        const string Corner = "gold \\ predicted";
        int nameWidth = Math.Max(Corner.Length, _classes.Max(c => c.Length));
        // Every count column is as wide as its class name or the largest count, whichever is wider.
        int countWidth = _counts.Max().ToString(CultureInfo.InvariantCulture).Length;
        int[] widths = [.. _classes.Select(c => Math.Max(c.Length, countWidth))];

        StringBuilder table = new();
        table.Append(Corner.PadLeft(nameWidth));
        for (int predicted = 0; predicted < _classes.Length; predicted++) table.Append("  ").Append(_classes[predicted].PadLeft(widths[predicted]));
        table.Append('\n');
        for (int gold = 0; gold < _classes.Length; gold++)
        {
            table.Append(_classes[gold].PadLeft(nameWidth));
            for (int predicted = 0; predicted < _classes.Length; predicted++)
            {
                table.Append("  ").Append(this[gold, predicted].ToString(CultureInfo.InvariantCulture).PadLeft(widths[predicted]));
            }
            table.Append('\n');
        }
        return table.ToString();
    }

    private int Cell(int gold, int predicted) => CheckedClass(gold, nameof(gold)) * _classes.Length + CheckedClass(predicted, nameof(predicted));

    private int CheckedClass(int id, string paramName) =>
        (uint)id < (uint)_classes.Length ? id : throw new ArgumentOutOfRangeException(paramName, id, $"a class id must be in [0, {_classes.Length})");
}

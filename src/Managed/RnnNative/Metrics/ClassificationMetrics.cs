using System.Globalization;

namespace RnnNative.Metrics;

/// <summary>
/// A classifier's metrics from its <see cref="ConfusionMatrix"/>: accuracy, precision/recall/F1 per class
/// and macro F1.
/// </summary>
/// <remarks>
/// Macro F1 is the unweighted mean of the per-class F1 over the classes that occur, in the gold data or in
/// the predictions: scikit-learn's <c>f1_score(gold, predicted, average="macro")</c>, which takes its
/// classes from the data. A class that occurs in neither (say a class of the training set that the
/// validation set lacks and nobody predicted) has no F1 to average and is left out, rather than counted
/// as 0 (scikit-learn with <c>labels=</c> all classes and <c>zero_division=0</c>) or 1
/// (<c>zero_division=1</c>). A class that occurs on one side only has F1 = 0 and counts.
/// With nothing counted, accuracy and macro F1 are 0.
/// </remarks>
public sealed class ClassificationMetrics
{
    /// <summary>The metrics of the examples counted in <paramref name="confusion"/> (a snapshot: later counts do not change them).</summary>
    public ClassificationMetrics(ConfusionMatrix confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        int classes = confusion.Classes.Count;
        Examples = confusion.Total;
        long correct = 0;
        for (int c = 0; c < classes; c++) correct += confusion[c, c];
        Accuracy = Examples > 0 ? (double)correct / Examples : 0;
        Classes = [.. Enumerable.Range(0, classes).Select(c => new LabelScore(confusion.Classes[c], confusion.GoldCount(c), confusion.PredictedCount(c), confusion[c, c]))];
        MacroF1 = Classes.Where(s => s.Occurs).Select(s => s.F1).DefaultIfEmpty(0).Average();
    }

    /// <summary>The examples counted.</summary>
    public long Examples { get; }

    /// <summary>The share of examples whose predicted class is the gold class.</summary>
    public double Accuracy { get; }

    /// <summary>One score per class, by class id: Gold is the class's support, Correct its diagonal count.</summary>
    public IReadOnlyList<LabelScore> Classes { get; }

    /// <summary>The mean F1 over the classes that occur (see the remarks).</summary>
    public double MacroF1 { get; }

    /// <summary>"accuracy 0.9123  macro F1 0.8011" (invariant culture).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"accuracy {Accuracy:0.0000}  macro F1 {MacroF1:0.0000}");
}

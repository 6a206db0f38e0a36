using System.Globalization;
using RnnNative.Metrics;

namespace RnnNative.Tasks;

/// <summary>A model's scores on a <see cref="TaskData"/>: its mean loss and the task's metrics (one of the three is set).</summary>
/// <param name="Loss">Mean loss per loss term: nats (taggers, classifiers) or squared error (regressors).</param>
/// <param name="Tagging">Token accuracy and chunk precision/recall/F1 (taggers).</param>
/// <param name="Confusion">The confusion matrix whose <see cref="ConfusionMatrix.Result"/> is the classification metrics (classifiers).</param>
/// <param name="Regression">MSE and MAE (regressors).</param>
public sealed record TaskEvaluation(double Loss, TaggingMetrics? Tagging, ConfusionMatrix? Confusion, RegressionMetrics? Regression)
{
    /// <summary>Accuracy, per-class scores and macro F1 (classifiers).</summary>
    public ClassificationMetrics? Classification => Confusion?.Result();

    /// <summary>Writes the picture of <see cref="Confusion"/> (an SVG heat map, <see cref="Reporting.ConfusionPlot"/>) to
    /// <paramref name="path"/>, atomically.</summary>
    /// <exception cref="InvalidOperationException">Not a classifier's evaluation: it has no confusion matrix.</exception>
    public void WriteConfusionPicture(string path, string title = "confusion matrix")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ConfusionMatrix confusion = Confusion ?? throw new InvalidOperationException("only a classifier's evaluation has a confusion matrix.");
        string svg = Reporting.ConfusionPlot.Svg(confusion.Classes, confusion.ToArray(), title);
        IO.AtomicFile.Write(path, stream =>
        {
            using StreamWriter writer = new(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(svg);
        });
    }

    /// <summary>One line: the loss and the task's headline metrics.</summary>
    public override string ToString()
    {
        object? metrics = (object?)Tagging ?? (object?)Classification ?? Regression;
        return string.Create(CultureInfo.InvariantCulture, $"loss {Loss:0.0000}  {metrics}");
    }
}

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

    /// <summary>One line: the loss and the task's headline metrics.</summary>
    public override string ToString()
    {
        object? metrics = (object?)Tagging ?? (object?)Classification ?? Regression;
        return string.Create(CultureInfo.InvariantCulture, $"loss {Loss:0.0000}  {metrics}");
    }
}

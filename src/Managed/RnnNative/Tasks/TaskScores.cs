using RnnNative.Datasets;
using RnnNative.Metrics;

namespace RnnNative.Tasks;

/// <summary>The metrics of each task, computed from a model's predictions and the data's gold targets (the <see cref="TaskKind"/>
/// table names which one a task reports).</summary>
internal static class TaskScores
{
    /// <summary>Token accuracy and chunk P/R/F1 of a tagger's predictions, per token of the file (<see cref="TaskData.TagSequences"/>).</summary>
    public static TaggingMetrics Tagging(TaskData data, TaskPredictions predictions)
    {
        (IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted) = data.TagSequences(predictions);
        TaggingCounter counter = new();
        for (int i = 0; i < gold.Count; i++)
        {
            counter.Add([.. gold[i]], [.. predicted[i]]);
        }
        return counter.Result();
    }

    /// <summary>The confusion matrix [gold, predicted] of a classifier's predictions.</summary>
    public static ConfusionMatrix Confusion(TaskData data, TaskPredictions predictions)
    {
        ConfusionMatrix confusion = new(predictions.Encoding.Labels!.Names);
        for (int i = 0; i < predictions.Count; i++)
        {
            confusion.Add(data.Set.Classes[i], predictions.Label(i));
        }
        return confusion;
    }

    /// <summary>MSE and MAE of a regressor's values against the data's targets.</summary>
    public static RegressionMetrics Regression(TaskData data, TaskPredictions predictions)
    {
        SequenceSet set = data.Set;
        RegressionErrors errors = new(set.ValueSize);
        for (int i = 0; i < predictions.Count; i++)
        {
            // Per step, example i's targets are its timesteps' rows from Offsets[i]; at the end, row i.
            int start = predictions.PerTimestep ? set.Offsets[i] * set.ValueSize : i * set.ValueSize;
            errors.Add(predictions.Of(i), set.Values.AsSpan(start, predictions.Of(i).Length));
        }
        return errors.Result();
    }
}

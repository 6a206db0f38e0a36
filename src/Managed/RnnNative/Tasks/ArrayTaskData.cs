using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Text;

namespace RnnNative.Tasks;

/// <summary>Sequences from NumPy arrays or from memory; predictions are written as a float32 .npy: [N, C]
/// probabilities or [N, O] values per sequence, [N, T, C] or [N, T, O] per timestep (T the longest, zeros past each
/// sequence's length).</summary>
internal sealed class ArrayTaskData : TaskData
{
    public ArrayTaskData(string source, SequenceSet set, TaskEncoding encoding)
        : base(source, set, encoding)
    {
    }

    /// <summary>Reads a .npz (inputs, targets, optional lengths) for <paramref name="task"/>, fitting when <paramref name="encoding"/> is null.</summary>
    public static ArrayTaskData ReadNpz(TaskKind task, string path, TaskEncoding? encoding)
    {
        SequenceSet set = NumpyDataset.ReadNpz(path, classTargets: !task.Targets.Any(TaskEncoding.IsValues));
        if (!task.Targets.Contains(set.Target))
        {
            throw new ArgumentException($"{path}: its targets are {TaskEncoding.Describe(set.Target, set.ValueSize)}, which {task.Name} does not predict ({task.Formats}).", nameof(path));
        }
        return new ArrayTaskData(path, set, encoding ?? Fit(set));
    }

    /// <summary>See <see cref="TaskData.FitArrays"/>.</summary>
    public static TaskEncoding Fit(SequenceSet set)
    {
        int vocabulary = set.FeatureSize == 0 ? Math.Max(2, set.Tokens.DefaultIfEmpty(0).Max() + 1) : 0;
        if (TaskEncoding.IsValues(set.Target))
        {
            return new TaskEncoding(vocabulary, set.FeatureSize, set.Target, set.ValueSize);
        }
        int classes = Math.Max(2, set.Classes.DefaultIfEmpty(0).Max() + 1);
        LabelSet labels = LabelSet.FromNames(Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new TaskEncoding(vocabulary, set.FeatureSize, set.Target, classes) { Labels = labels };
    }

    private protected override string PredictionExtension => ".npy";

    public override void WritePredictions(TaskPredictions predictions, string path)
    {
        CheckPredictions(predictions);
        int n = Set.Count, width = predictions.Width, timesteps = predictions.PerTimestep ? Set.MaxLength : 1;
        float[] data = new float[(long)n * timesteps * width <= int.MaxValue ? n * timesteps * width : throw new ArgumentException($"{n} x {timesteps} x {width} predictions do not fit one .npy array.")];
        for (int i = 0; i < n; i++)
        {
            predictions.Of(i).CopyTo(data.AsSpan(i * timesteps * width));
        }
        int[] shape = predictions.PerTimestep ? [n, timesteps, width] : [n, width];
        AtomicFile.Write(path, stream => NpyFormat.Write(stream, data, shape));
    }
}

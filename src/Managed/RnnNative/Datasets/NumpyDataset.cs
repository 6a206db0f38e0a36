using System.IO.Compression;
using RnnNative.Data;

namespace RnnNative.Datasets;

/// <summary>
/// Numeric sequences from NumPy arrays: inputs [N, T, F] (or [N, T], F = 1), optional lengths [N] (each in
/// 1..T; without them every sequence has T timesteps) and targets. Class targets (integers ≥ 0): [N] one
/// class per sequence, [N, T] one per timestep. Value targets: [N] or [N, O] per sequence, [N, T, O] per
/// timestep. Timesteps past a sequence's length are padding and are dropped (their targets too).
/// In a .npz (numpy.savez / savez_compressed) the arrays are the members "inputs", "targets" and "lengths".
/// </summary>
public static class NumpyDataset
{
    /// <summary>Reads the .npz at <paramref name="path"/> (members inputs, targets, optional lengths).</summary>
    /// <param name="classTargets">Targets are class ids (classifier, tagger) rather than values (regressor).</param>
    /// <exception cref="DatasetFormatException">A member is missing or malformed, or the shapes disagree.</exception>
    public static SequenceSet ReadNpz(string path, bool classTargets)
    {
        Dictionary<string, NpyArray> arrays = [];
        using (ZipArchive zip = ZipFile.OpenRead(path))
        {
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                string name = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                if (name is "inputs" or "targets" or "lengths")
                {
                    using Stream stream = entry.Open();
                    arrays[name] = NpyFormat.Read(stream, path, name);
                }
            }
        }
        NpyArray Member(string name) => arrays.TryGetValue(name, out NpyArray? array) ? array
            : throw new DatasetFormatException(path, 0, $"has no array \"{name}\" (save with np.savez(path, inputs=..., targets=..., lengths=...))");
        return FromArrays(path, Member("inputs"), Member("targets"), arrays.GetValueOrDefault("lengths"), classTargets);
    }

    /// <summary>Reads inputs, targets and optional lengths from separate .npy files.</summary>
    public static SequenceSet ReadNpy(string inputsPath, string targetsPath, string? lengthsPath, bool classTargets) =>
        FromArrays(inputsPath, NpyFormat.Read(inputsPath), NpyFormat.Read(targetsPath), lengthsPath == null ? null : NpyFormat.Read(lengthsPath), classTargets);

    /// <summary>The set of padded arrays as the class summary describes; <paramref name="file"/> names them in errors.</summary>
    public static SequenceSet FromArrays(string file, NpyArray inputs, NpyArray targets, NpyArray? lengths, bool classTargets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Shape.Length is not (2 or 3) || inputs.Shape[0] < 1 || inputs.Shape[1] < 1)
        {
            throw Error(file, inputs, "must be [N, T, F] or [N, T] with N, T ≥ 1");
        }
        int n = inputs.Shape[0], timesteps = inputs.Shape[1], f = inputs.Shape.Length == 3 ? inputs.Shape[2] : 1;
        if (f < 1) throw Error(file, inputs, "has F = 0 features");
        int[] sequenceLengths = Lengths(file, lengths, n, timesteps);
        TargetKind kind = Kind(file, targets, n, timesteps, classTargets);
        bool perStep = kind is TargetKind.StepClasses or TargetKind.StepValues;
        int o = kind switch
        {
            TargetKind.SequenceValues => targets.Shape.Length == 1 ? 1 : targets.Shape[1],
            TargetKind.StepValues => targets.Shape[2],
            _ => 1,
        };
        // Compact the padded [N, T, ·] arrays to the first length_i timesteps of each sequence.
        List<float> features = [], values = [];
        List<int> classes = [];
        for (int i = 0; i < n; i++)
        {
            features.AddRange(inputs.Data.AsSpan(i * timesteps * f, sequenceLengths[i] * f));
            int start = perStep ? i * timesteps * o : i * o, count = perStep ? sequenceLengths[i] * o : o;
            for (int k = start; k < start + count; k++)
            {
                if (classTargets) classes.Add(ClassId(file, targets, k));
                else values.Add(targets.Data[k]);
            }
        }
        return SequenceSet.FromFeatures(features.ToArray(), f, sequenceLengths, kind, classes.ToArray(), values.ToArray(), classTargets ? 0 : o);
    }

    /// <summary>Writes predictions (e.g. [N, O] or [N, T, O] values, [N, C] probabilities) to a '&lt;f4' .npy file.</summary>
    public static void WritePredictions(string path, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        using FileStream stream = File.Create(path);
        NpyFormat.Write(stream, data, shape);
    }

    private static int[] Lengths(string file, NpyArray? lengths, int n, int timesteps)
    {
        if (lengths == null) return Enumerable.Repeat(timesteps, n).ToArray();
        if (lengths.Shape.Length != 1 || lengths.Shape[0] != n) throw Error(file, lengths, $"must be [N] = ({n},)");
        int[] result = new int[n];
        for (int i = 0; i < n; i++)
        {
            float length = lengths.Data[i];
            if (length != MathF.Floor(length) || length < 1 || length > timesteps) throw Error(file, lengths, $"has {length} at [{i}]; lengths are integers in 1..T = {timesteps}");
            result[i] = (int)length;
        }
        return result;
    }

    private static TargetKind Kind(string file, NpyArray targets, int n, int timesteps, bool classTargets)
    {
        int[] shape = targets.Shape;
        if (shape.Length == 0 || shape[0] != n) throw Error(file, targets, $"must start with N = {n} (the inputs' first dimension)");
        return (classTargets, shape.Length) switch
        {
            (true, 1) => TargetKind.SequenceClass,
            (true, 2) when shape[1] == timesteps => TargetKind.StepClasses,
            (false, 1 or 2) when shape[^1] >= 1 => TargetKind.SequenceValues,
            (false, 3) when shape[1] == timesteps && shape[2] >= 1 => TargetKind.StepValues,
            _ => throw Error(file, targets, classTargets
                ? $"class targets must be [N] or [N, T] = ({n}, {timesteps})"
                : $"value targets must be [N], [N, O] or [N, T, O] with T = {timesteps}"),
        };
    }

    private static int ClassId(string file, NpyArray targets, int flat)
    {
        float value = targets.Data[flat];
        return value == MathF.Floor(value) && value >= 0
            ? (int)value
            : throw Error(file, targets, $"has {value} at {targets.IndexText(flat)}; class targets are integers ≥ 0");
    }

    private static DatasetFormatException Error(string file, NpyArray array, string problem) =>
        new(file, 0, $"array \"{array.Name}\" of shape {array.ShapeText} {problem}");
}

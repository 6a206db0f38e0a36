using RnnNative.Kernels;

namespace RnnNative.Data;

/// <summary>
/// B whole sequences of different lengths padded to the longest, T, and laid out time-major as the
/// recurrent stack reads them: row <c>t*B + b</c> is timestep t of sequence b. Padding (t ≥ Lengths[b])
/// holds token 0, zero features, <see cref="KernelSet.IgnoreTarget"/> step targets and zero values:
/// a model gives it no loss and no gradient. Inputs are token ids (<see cref="FeatureSize"/> 0) or
/// F floats per timestep; the targets are those of <see cref="Target"/>, the other target arrays empty.
/// </summary>
public sealed class SequenceBatch
{
    /// <summary>An all-padding batch of <paramref name="batch"/> sequences of <paramref name="timesteps"/> timesteps (lengths to be set by the filler).</summary>
    /// <param name="featureSize">F: floats per timestep; 0 for token inputs.</param>
    /// <param name="valueSize">O: values per target for <see cref="TargetKind.SequenceValues"/> and <see cref="TargetKind.StepValues"/>; 0 otherwise.</param>
    public SequenceBatch(int timesteps, int batch, int featureSize, TargetKind target, int valueSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegative(valueSize);
        bool values = target is TargetKind.SequenceValues or TargetKind.StepValues;
        if (values != valueSize > 0)
        {
            throw new ArgumentException($"a {target} target needs {(values ? "a positive" : "no")} value size, got {valueSize}.", nameof(valueSize));
        }
        int rows = timesteps * batch;
        Timesteps = timesteps;
        Batch = batch;
        FeatureSize = featureSize;
        Target = target;
        ValueSize = valueSize;
        Lengths = new int[batch];
        Examples = new int[batch];
        Tokens = featureSize == 0 ? new int[rows] : [];
        Features = featureSize > 0 ? new float[rows * featureSize] : [];
        StepTargets = target == TargetKind.StepClasses ? new int[rows] : [];
        StepTargets.AsSpan().Fill(KernelSet.IgnoreTarget);
        Targets = target == TargetKind.SequenceClass ? new int[batch] : [];
        Values = target switch
        {
            TargetKind.SequenceValues => new float[batch * valueSize],
            TargetKind.StepValues => new float[rows * valueSize],
            _ => [],
        };
    }

    /// <summary>T: the longest sequence's timesteps.</summary>
    public int Timesteps { get; }

    /// <summary>B: the sequences.</summary>
    public int Batch { get; }

    /// <summary>F: floats per timestep of <see cref="Features"/>; 0 when the inputs are <see cref="Tokens"/>.</summary>
    public int FeatureSize { get; }

    /// <summary>Which of the target arrays holds the targets.</summary>
    public TargetKind Target { get; }

    /// <summary>O: values per target (value targets only).</summary>
    public int ValueSize { get; }

    /// <summary>[B]: each sequence's timesteps, in [1, T].</summary>
    public int[] Lengths { get; }

    /// <summary>[B]: each sequence's index in the set it came from (predictions are written back in the set's order).</summary>
    public int[] Examples { get; }

    /// <summary>[T*B] token ids, 0 at padding; empty for feature inputs.</summary>
    public int[] Tokens { get; }

    /// <summary>[T*B*F] features, 0 at padding; empty for token inputs.</summary>
    public float[] Features { get; }

    /// <summary>[T*B] class per timestep, <see cref="KernelSet.IgnoreTarget"/> at padding (<see cref="TargetKind.StepClasses"/>).</summary>
    public int[] StepTargets { get; }

    /// <summary>[B] class per sequence (<see cref="TargetKind.SequenceClass"/>).</summary>
    public int[] Targets { get; }

    /// <summary>[B*O] (<see cref="TargetKind.SequenceValues"/>) or [T*B*O] time-major, 0 at padding (<see cref="TargetKind.StepValues"/>).</summary>
    public float[] Values { get; }

    /// <summary>Timesteps that are not padding: Σ Lengths.</summary>
    public int Positions
    {
        get
        {
            int sum = 0;
            foreach (int length in Lengths) sum += length;
            return sum;
        }
    }
}

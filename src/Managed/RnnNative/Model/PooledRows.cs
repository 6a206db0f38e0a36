using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The rows a model's loss side reads from a sequence output [T*B, W] (row t*B + b; W = D*H of a stack, or the O
/// logits of a Jordan network): the output itself when the model predicts at every timestep, else one row per
/// sequence pooled by <see cref="OutputPooling"/> ([B, W]), and the gradient back over the timesteps.
/// One per model instance (it owns scratch buffers); a replica gets its own.
/// </summary>
internal sealed class PooledRows(KernelSet kernels, SequencePooling? pooling, int width, int directions)
{
    private float[] _pooled = [];    // [B, W]
    private float[] _dOutput = [];   // [T*B, W]: a pooled row's gradient spread back over the timesteps

    /// <summary>The rows for <paramref name="config"/>'s model over outputs of <paramref name="width"/> features in
    /// <paramref name="directions"/> directions of equal width.</summary>
    public PooledRows(SequenceModelConfig config, KernelSet kernels, int width, int directions)
        : this(kernels, config.HeadPerTimestep ? null : config.Pooling, width, directions)
    {
    }

    /// <summary><paramref name="output"/> [T*B, W] itself, or its pooled rows [B, W] (computed here).</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> output, SequenceBatch batch)
    {
        if (pooling is not SequencePooling pool)
        {
            return output;
        }
        Span<float> pooled = Grow(ref _pooled, batch.Batch * width);
        OutputPooling.Forward(kernels, pool, output, batch.Lengths, width / directions, directions, pooled);
        return pooled;
    }

    /// <summary>dLoss/dOutput [T*B, W] from <paramref name="dRows"/>, the gradient of the rows <see cref="Forward"/> gave:
    /// dRows itself, or a pooled row's gradient spread over the timesteps it read (0 at every other row, padding included).</summary>
    public ReadOnlySpan<float> Backward(ReadOnlySpan<float> dRows, SequenceBatch batch)
    {
        if (pooling is not SequencePooling pool)
        {
            return dRows;
        }
        Span<float> dOutput = Grow(ref _dOutput, batch.Timesteps * batch.Batch * width);
        OutputPooling.Backward(kernels, pool, dRows, batch.Lengths, width / directions, directions, dOutput);
        return dOutput;
    }

    /// <summary>Pooling rows for a replica: the same pooling, its own buffers.</summary>
    public PooledRows CreateReplica() => new(kernels, pooling, width, directions);

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}

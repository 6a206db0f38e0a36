using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A classifier's (or an end regressor's) one vector per sequence from the stack's outputs [T*B, D*H]
/// (row t*B + b; columns [d*H, (d+1)*H) are direction d's), and its gradient back over the timesteps:
/// <code>
/// Last: pooled[b] = [out[len_b - 1, b, forward]; out[0, b, backward]]     [B, D*H]   (each direction's final state, PyTorch's h_n)
/// Mean: pooled[b] = (1/len_b) Σ_{t &lt; len_b} out[t, b]                     [B, D*H]
/// backward: dOut[t, b] = the share of dPooled[b] that timestep t received, 0 at every other row (padding included)
/// </code>
/// </summary>
internal static class OutputPooling
{
    /// <summary>Writes <paramref name="pooled"/> [B, D*H] from <paramref name="output"/> [T*B, D*H].</summary>
    public static void Forward(KernelSet kernels, SequencePooling pooling, ReadOnlySpan<float> output, ReadOnlySpan<int> lengths, int hidden, int directions, Span<float> pooled)
    {
        int batch = lengths.Length, width = hidden * directions;
        if (pooling == SequencePooling.Mean) pooled.Clear();
        for (int b = 0; b < batch; b++)
        {
            Span<float> pooled_b = pooled.Slice(b * width, width);
            if (pooling == SequencePooling.Mean)
            {
                float share = 1f / lengths[b];
                for (int t = 0; t < lengths[b]; t++)
                {
                    kernels.Axpy(share, output.Slice((t * batch + b) * width, width), pooled_b);
                }
                continue;
            }
            for (int d = 0; d < directions; d++)
            {
                output.Slice((LastTimestep(d, lengths[b]) * batch + b) * width + d * hidden, hidden).CopyTo(pooled_b.Slice(d * hidden, hidden));
            }
        }
    }

    /// <summary>Writes <paramref name="dOutput"/> [T*B, D*H] from <paramref name="dPooled"/> [B, D*H].</summary>
    public static void Backward(KernelSet kernels, SequencePooling pooling, ReadOnlySpan<float> dPooled, ReadOnlySpan<int> lengths, int hidden, int directions, Span<float> dOutput)
    {
        int batch = lengths.Length, width = hidden * directions;
        dOutput.Clear();
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> dPooled_b = dPooled.Slice(b * width, width);
            if (pooling == SequencePooling.Mean)
            {
                float share = 1f / lengths[b];
                for (int t = 0; t < lengths[b]; t++)
                {
                    kernels.Axpy(share, dPooled_b, dOutput.Slice((t * batch + b) * width, width));
                }
                continue;
            }
            for (int d = 0; d < directions; d++)
            {
                dPooled_b.Slice(d * hidden, hidden).CopyTo(dOutput.Slice((LastTimestep(d, lengths[b]) * batch + b) * width + d * hidden, hidden));
            }
        }
    }

    /// <summary>The timestep at which direction <paramref name="direction"/> has read the whole sequence: the forward one's last, the backward one's first.</summary>
    private static int LastTimestep(int direction, int length) => direction == 0 ? length - 1 : 0;
}

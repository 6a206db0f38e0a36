namespace RnnNative.Kernels;

public abstract partial class KernelSet
{
    /// <summary>
    /// Inverted dropout over <paramref name="x"/> [n]: writes <c>mask[k] = keep ? 1/(1-p) : 0</c>, where
    /// element k is kept when the counter-based draw of (<paramref name="key"/>, <paramref name="firstIndex"/> + k)
    /// is at least p·2^32, and <c>y = x ⊙ mask</c>. A buffer cut into pieces at any points gives the mask of the
    /// whole, and every path gives the same bits. <paramref name="probability"/> p in [0, 1). In place allowed (y may be x).
    /// </summary>
    public abstract void DropoutForward(ulong key, long firstIndex, float probability, ReadOnlySpan<float> x, Span<float> mask, Span<float> y);

    /// <summary>The gradient of <see cref="DropoutForward"/>: <c>dx = dy ⊙ mask</c>. In place allowed (dx may be dy).</summary>
    public abstract void DropoutBackward(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx);
}

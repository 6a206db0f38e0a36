using RnnNative.Kernels.Regularization;

namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void DropoutForward(ulong key, long firstIndex, float probability, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
        => InvertedDropout.Forward<TVec, TSimd>(key, firstIndex, probability, x, mask, y);

    public override void DropoutBackward(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
        => InvertedDropout.Backward<TVec, TSimd>(mask, dy, dx);
}

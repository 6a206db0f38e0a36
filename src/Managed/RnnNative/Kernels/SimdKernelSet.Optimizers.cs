namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void SgdUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float learningRate, float momentum, bool nesterov, float weightDecay) => throw new NotImplementedException();

    public override void AdagradUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> sumSquares, float learningRate, float epsilon, float weightDecay) => throw new NotImplementedException();

    public override void RmspropUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> meanSquare, float learningRate, float alpha, float epsilon, float weightDecay) => throw new NotImplementedException();

    public override void AdamUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float learningRate, float beta1, float beta2, float epsilon, float bias1, float bias2, float weightDecay, bool decoupledWeightDecay) => throw new NotImplementedException();
}

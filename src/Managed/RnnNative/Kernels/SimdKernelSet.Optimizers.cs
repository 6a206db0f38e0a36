using RnnNative.Kernels.Elementwise;

namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void SgdUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float learningRate, float momentum, bool nesterov, float weightDecay)
        => ParameterUpdateDriver.Run<TVec, TSimd, SgdUpdate>(weights, gradients, velocity, new SgdUpdate(learningRate, momentum, nesterov, weightDecay));

    public override void AdagradUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> sumSquares, float learningRate, float epsilon, float weightDecay)
        => ParameterUpdateDriver.Run<TVec, TSimd, AdagradUpdate>(weights, gradients, sumSquares, new AdagradUpdate(learningRate, epsilon, weightDecay));

    public override void RmspropUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> meanSquare, float learningRate, float alpha, float epsilon, float weightDecay)
        => ParameterUpdateDriver.Run<TVec, TSimd, RmspropUpdate>(weights, gradients, meanSquare, new RmspropUpdate(learningRate, alpha, epsilon, weightDecay));

    public override void AdamUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float learningRate, float beta1, float beta2, float epsilon, float bias1, float bias2, float weightDecay, bool decoupledWeightDecay)
        => ParameterUpdateDriver.Run<TVec, TSimd, AdamUpdate>(weights, gradients, m, v, new AdamUpdate(learningRate, beta1, beta2, epsilon, bias1, bias2, weightDecay, decoupledWeightDecay));
}

namespace RnnNative.Kernels;

/// <summary>Fused parameter updates, one pass over memory each; formulas follow PyTorch's
/// <c>torch.optim</c> so results can be compared with it.</summary>
public abstract partial class KernelSet
{
    /// <summary>
    /// SGD with momentum (PyTorch, dampening 0): <c>g' = g + weightDecay·w;
    /// velocity = momentum·velocity + g'; w -= lr·(nesterov ? g' + momentum·velocity : velocity)</c>.
    /// With momentum 0 this is plain SGD (velocity is still written).
    /// </summary>
    public abstract void SgdUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float learningRate, float momentum, bool nesterov, float weightDecay);

    /// <summary>Adagrad (PyTorch): <c>g' = g + weightDecay·w; sumSquares += g'²; w -= lr·g' / (sqrt(sumSquares) + epsilon)</c>.</summary>
    public abstract void AdagradUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> sumSquares, float learningRate, float epsilon, float weightDecay);

    /// <summary>RMSprop (PyTorch, not centered): <c>g' = g + weightDecay·w; meanSquare = alpha·meanSquare + (1-alpha)·g'²;
    /// w -= lr·g' / (sqrt(meanSquare) + epsilon)</c>.</summary>
    public abstract void RmspropUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> meanSquare, float learningRate, float alpha, float epsilon, float weightDecay);

    /// <summary>
    /// Adam / AdamW (PyTorch), step t ≥ 1 with <c>bias1 = 1 - beta1^t</c>, <c>bias2 = 1 - beta2^t</c> given by the caller:
    /// <code>
    /// decoupled (AdamW): w *= 1 - lr·weightDecay, g' = g;   otherwise g' = g + weightDecay·w
    /// m = beta1·m + (1-beta1)·g';   v = beta2·v + (1-beta2)·g'²
    /// w -= (lr / bias1) · m / (sqrt(v) / sqrt(bias2) + epsilon)
    /// </code>
    /// </summary>
    public abstract void AdamUpdate(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float learningRate, float beta1, float beta2, float epsilon, float bias1, float bias2, float weightDecay, bool decoupledWeightDecay);
}

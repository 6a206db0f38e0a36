using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

// One operator per torch.optim update rule (formulas in KernelSet.Optimizers.cs), run by
// ParameterUpdateDriver. Branches on bool fields are loop-invariant and perfectly predicted.

/// <summary>SGD, dampening 0: <c>g' = g + wd·w; v = momentum·v + g'; w -= lr·(nesterov ? g' + momentum·v : v)</c>.</summary>
internal readonly struct SgdUpdate(float learningRate, float momentum, bool nesterov, float weightDecay) : IParameterUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec velocity)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec g = TSimd.MultiplyAdd(TSimd.Broadcast(weightDecay), weight, gradient);
        velocity = TSimd.MultiplyAdd(TSimd.Broadcast(momentum), velocity, g);
        TVec step = nesterov ? TSimd.MultiplyAdd(TSimd.Broadcast(momentum), velocity, g) : velocity;
        weight = TSimd.MultiplyAdd(TSimd.Broadcast(-learningRate), step, weight);
    }
}

/// <summary>Adagrad: <c>g' = g + wd·w; s += g'²; w -= lr·g' / (sqrt(s) + eps)</c>.</summary>
internal readonly struct AdagradUpdate(float learningRate, float epsilon, float weightDecay) : IParameterUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec sumSquares)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec g = TSimd.MultiplyAdd(TSimd.Broadcast(weightDecay), weight, gradient);
        sumSquares = TSimd.MultiplyAdd(g, g, sumSquares);
        TVec denominator = TSimd.Add(TSimd.Sqrt(sumSquares), TSimd.Broadcast(epsilon));
        weight = TSimd.MultiplyAdd(TSimd.Broadcast(-learningRate), TSimd.Divide(g, denominator), weight);
    }
}

/// <summary>RMSprop, not centered: <c>g' = g + wd·w; ms = alpha·ms + (1-alpha)·g'²; w -= lr·g' / (sqrt(ms) + eps)</c>.</summary>
internal readonly struct RmspropUpdate(float learningRate, float alpha, float epsilon, float weightDecay) : IParameterUpdate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec meanSquare)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec g = TSimd.MultiplyAdd(TSimd.Broadcast(weightDecay), weight, gradient);
        meanSquare = TSimd.MultiplyAdd(TSimd.Broadcast(1f - alpha), TSimd.Multiply(g, g), TSimd.Multiply(TSimd.Broadcast(alpha), meanSquare));
        TVec denominator = TSimd.Add(TSimd.Sqrt(meanSquare), TSimd.Broadcast(epsilon));
        weight = TSimd.MultiplyAdd(TSimd.Broadcast(-learningRate), TSimd.Divide(g, denominator), weight);
    }
}

/// <summary>
/// Adam / AdamW: decoupled: <c>w *= 1 - lr·wd, g' = g</c>, otherwise <c>g' = g + wd·w</c>;
/// <c>m = β1·m + (1-β1)·g'; v = β2·v + (1-β2)·g'²; w -= (lr/bias1)·m / (sqrt(v)/sqrt(bias2) + eps)</c>.
/// </summary>
internal readonly struct AdamUpdate(float learningRate, float beta1, float beta2, float epsilon, float bias1, float bias2, float weightDecay, bool decoupledWeightDecay) : IParameterUpdate2
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Invoke<TVec, TSimd>(ref TVec weight, TVec gradient, ref TVec m, ref TVec v)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec g = gradient;
        if (decoupledWeightDecay)
        {
            weight = TSimd.Multiply(weight, TSimd.Broadcast(1f - learningRate * weightDecay));
        }
        else
        {
            g = TSimd.MultiplyAdd(TSimd.Broadcast(weightDecay), weight, gradient);
        }
        m = TSimd.MultiplyAdd(TSimd.Broadcast(1f - beta1), g, TSimd.Multiply(TSimd.Broadcast(beta1), m));
        v = TSimd.MultiplyAdd(TSimd.Broadcast(1f - beta2), TSimd.Multiply(g, g), TSimd.Multiply(TSimd.Broadcast(beta2), v));
        TVec denominator = TSimd.Add(TSimd.Divide(TSimd.Sqrt(v), TSimd.Broadcast(MathF.Sqrt(bias2))), TSimd.Broadcast(epsilon));
        weight = TSimd.MultiplyAdd(TSimd.Broadcast(-learningRate / bias1), TSimd.Divide(m, denominator), weight);
    }
}

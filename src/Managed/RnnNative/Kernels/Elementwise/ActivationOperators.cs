using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary><c>y = σ(x)</c>; accuracy in <see cref="VectorMath.Sigmoid{TVec, TSimd}"/>.</summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => VectorMath.Sigmoid<TVec, TSimd>(x);
}

/// <summary><c>y = tanh(x)</c>; accuracy in <see cref="VectorMath.Tanh{TVec, TSimd}"/>.</summary>
internal readonly struct TanhOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => VectorMath.Tanh<TVec, TSimd>(x);
}

/// <summary><c>y = max(x, 0)</c>; x is the second operand so a NaN propagates (x86 max returns it)
/// instead of being hidden as 0.</summary>
internal readonly struct ReluOperator : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Max(TSimd.Zero, x);
}

/// <summary><c>dx = dy · (1 - y²)</c> with a = y = tanh(x), b = dy.</summary>
internal readonly struct TanhBackwardOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec y, TVec dy)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Multiply(dy, TSimd.Subtract(TSimd.Broadcast(1f), TSimd.Multiply(y, y)));
}

/// <summary><c>dx = y &gt; 0 ? dy : 0</c> with a = y = relu(x), b = dy.</summary>
internal readonly struct ReluBackwardOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec y, TVec dy)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Select(TSimd.GreaterThan(y, TSimd.Zero), dy, TSimd.Zero);
}

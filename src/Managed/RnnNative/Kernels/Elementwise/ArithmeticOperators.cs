using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary><c>y = a + b</c>.</summary>
internal readonly struct AddOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec a, TVec b)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Add(a, b);
}

/// <summary><c>y = a ⊙ b</c>.</summary>
internal readonly struct MultiplyOperator : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec a, TVec b)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Multiply(a, b);
}

/// <summary><c>y = alpha·x + y</c> with a = x, b = y (fused on FMA paths).</summary>
internal readonly struct AxpyOperator(float alpha) : IBinaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x, TVec y)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.MultiplyAdd(TSimd.Broadcast(alpha), x, y);
}

/// <summary><c>y = alpha·x</c>.</summary>
internal readonly struct ScaleOperator(float alpha) : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Multiply(TSimd.Broadcast(alpha), x);
}

/// <summary><c>y = min(max(x, min), max)</c>.</summary>
internal readonly struct ClampOperator(float min, float max) : IUnaryOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Min(TSimd.Broadcast(max), TSimd.Max(TSimd.Broadcast(min), x));
}

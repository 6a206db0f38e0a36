using System.Runtime.CompilerServices;

namespace RnnNative.Kernels.Simd;

/// <summary>One lane: the scalar reference path, and the tails of every vector loop.</summary>
internal readonly struct ScalarSimd : ISimd<float>
{
    public static int Count => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref readonly float source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadBFloat16Pairs(ref readonly ushort source, out float first, out float second)
    {
        uint pair = Unsafe.ReadUnaligned<uint>(in Unsafe.As<ushort, byte>(ref Unsafe.AsRef(in source)));
        first = BitConverter.UInt32BitsToSingle(pair << 16);
        second = BitConverter.UInt32BitsToSingle(pair & 0xFFFF0000u);
    }

    /// <summary>Four int multiply-adds: the reference the vector paths are tested against.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotInt8Quads(float sums, ref readonly sbyte weights, int quad)
    {
        int sum = BitConverter.SingleToInt32Bits(sums);
        for (int i = 0; i < 4; i++) sum += Unsafe.Add(ref Unsafe.AsRef(in weights), i) * (sbyte)(quad >> (8 * i));
        return BitConverter.Int32BitsToSingle(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Int32ToSingle(float sums) => BitConverter.SingleToInt32Bits(sums);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride) =>
        destination = rows > 0 ? source : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float left, float right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float left, float right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float left, float right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sqrt(float value) => MathF.Sqrt(value);

    // Unfused on purpose: the scalar path is the portable reference, and a software FMA on
    // hardware without one would be slow.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float left, float right) => left < right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float left, float right) => left > right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float value) => MathF.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float value) => MathF.Round(value, MidpointRounding.ToEven);

    public static unsafe void StoreSBytes(float integral, sbyte* destination) => *destination = (sbyte)integral;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Pow2(float n) => BitConverter.Int32BitsToSingle(((int)n + 127) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GreaterThan(float left, float right) => left > right ? BitConverter.Int32BitsToSingle(-1) : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float whenTrue, float whenFalse) => BitConverter.SingleToInt32Bits(mask) != 0 ? whenTrue : whenFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float CopySign(float magnitude, float sign) => MathF.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(float value) => value;
}

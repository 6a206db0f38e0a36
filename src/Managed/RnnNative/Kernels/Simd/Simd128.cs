using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector128<float>;

namespace RnnNative.Kernels.Simd;

/// <summary>128-bit registers through the portable <see cref="Vector128"/> API; the ISA behind it is
/// whatever this build was compiled for (see <see cref="KernelPaths"/>).</summary>
internal readonly struct Simd128 : ISimd<Vec>
{
    public static int Count => Vec.Count;

    public static Vec Zero => Vec.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Load(ref readonly float source) => Vector128.LoadUnsafe(in source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadBFloat16Pairs(ref readonly ushort source, out Vec first, out Vec second)
    {
        Vector128<uint> pairs = Vector128.LoadUnsafe(in Unsafe.As<ushort, uint>(ref Unsafe.AsRef(in source)));
        first = Vector128.ShiftLeft(pairs, 16).AsSingle();
        second = (pairs & Vector128.Create(0xFFFF0000u)).AsSingle();
    }

    /// <summary>
    /// ARM64 with the dot-product extension: sdot multiplies signed by signed bytes, one instruction.
    /// ARM64 without it: widening multiplies to int16, then two pairwise widening adds. x64: the sign trick
    /// of <see cref="Simd256.DotInt8Quads"/> (AVX-VNNI's 128-bit vpdpbusd, or SSSE3 pmaddubsw + pmaddwd).
    /// Anything else: lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec DotInt8Quads(Vec sums, ref readonly sbyte weights, int quad)
    {
        Vector128<sbyte> w = Vector128.LoadUnsafe(in weights), x = Vector128.Create(quad).AsSByte();
        if (Dp.IsSupported)
        {
            return Dp.DotProduct(sums.AsInt32(), w, x).AsSingle();
        }
        if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<short> low = AdvSimd.MultiplyWideningLower(w.GetLower(), x.GetLower()), high = AdvSimd.MultiplyWideningUpper(w, x);
            Vector128<int> quads = AdvSimd.Arm64.AddPairwise(AdvSimd.AddPairwiseWidening(low), AdvSimd.AddPairwiseWidening(high));
            return (sums.AsInt32() + quads).AsSingle();
        }
        if (Ssse3.IsSupported)
        {
            Vector128<byte> magnitude = Ssse3.Abs(x);
            Vector128<sbyte> signed = Ssse3.Sign(w, x);
            if (AvxVnni.IsSupported)
            {
                return AvxVnni.MultiplyWideningAndAdd(sums.AsInt32(), magnitude, signed).AsSingle();
            }
            Vector128<short> pairs = Ssse3.MultiplyAddAdjacent(magnitude, signed);
            return (sums.AsInt32() + Sse2.MultiplyAddAdjacent(pairs, Vector128<short>.One)).AsSingle();
        }
        return Int8Quads.ElementByElement(sums, in weights, quad);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Int32ToSingle(Vec sums) => Vector128.ConvertToSingle(sums.AsInt32());

    /// <summary>4 x 4: interleave row pairs, then pair up their 64-bit halves (SSE: unpack and
    /// movlhps/movhlps; NEON: zip1/zip2 on 32- then 64-bit lanes).</summary>
    public static void TransposeBlock(ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride)
    {
        Vec r0 = BlockTranspose.Row<Vec, Simd128>(in source, sourceStride, rows, 0), r1 = BlockTranspose.Row<Vec, Simd128>(in source, sourceStride, rows, 1);
        Vec r2 = BlockTranspose.Row<Vec, Simd128>(in source, sourceStride, rows, 2), r3 = BlockTranspose.Row<Vec, Simd128>(in source, sourceStride, rows, 3);
        Vec c0, c1, c2, c3;
        if (Sse.IsSupported)
        {
            Vec t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1), t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
            c0 = Sse.MoveLowToHigh(t0, t2);
            c1 = Sse.MoveHighToLow(t2, t0);
            c2 = Sse.MoveLowToHigh(t1, t3);
            c3 = Sse.MoveHighToLow(t3, t1);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<double> t0 = AdvSimd.Arm64.ZipLow(r0, r1).AsDouble(), t1 = AdvSimd.Arm64.ZipHigh(r0, r1).AsDouble();
            Vector128<double> t2 = AdvSimd.Arm64.ZipLow(r2, r3).AsDouble(), t3 = AdvSimd.Arm64.ZipHigh(r2, r3).AsDouble();
            c0 = AdvSimd.Arm64.ZipLow(t0, t2).AsSingle();
            c1 = AdvSimd.Arm64.ZipHigh(t0, t2).AsSingle();
            c2 = AdvSimd.Arm64.ZipLow(t1, t3).AsSingle();
            c3 = AdvSimd.Arm64.ZipHigh(t1, t3).AsSingle();
        }
        else
        {
            BlockTranspose.ElementByElement(Vec.Count, in source, sourceStride, rows, ref destination, destinationStride);
            return;
        }
        c0.StoreUnsafe(ref destination);
        c1.StoreUnsafe(ref destination, (nuint)destinationStride);
        c2.StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        c3.StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vec value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Add(Vec left, Vec right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Subtract(Vec left, Vec right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Multiply(Vec left, Vec right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Divide(Vec left, Vec right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Sqrt(Vec value) => Vector128.Sqrt(value);

    // Fused where the build targets FMA hardware (FMA3, AVX-512, NEON); mul+add otherwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec MultiplyAdd(Vec a, Vec b, Vec c) => Vector128.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Min(Vec left, Vec right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Max(Vec left, Vec right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Abs(Vec value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Round(Vec value) => Vector128.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreSBytes(Vec integral, sbyte* destination)
    {
        Vector128<int> ints = Vector128.ConvertToInt32(integral);
        Vector128<short> shorts = Vector128.Narrow(ints, ints);
        Vector128<sbyte> bytes = Vector128.Narrow(shorts, shorts);
        *(int*)destination = bytes.AsInt32().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Pow2(Vec n) => Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec GreaterThan(Vec left, Vec right) => Vector128.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Select(Vec mask, Vec whenTrue, Vec whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec CopySign(Vec magnitude, Vec sign) => Vector128.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vec value) => MathF.Max(MathF.Max(value[0], value[1]), MathF.Max(value[2], value[3]));
}

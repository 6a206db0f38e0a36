using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector512<float>;

namespace RnnNative.Kernels.Simd;

/// <summary>512-bit registers through the portable <see cref="Vector512"/> API; the ISA behind it is
/// whatever this build was compiled for (see <see cref="KernelPaths"/>).</summary>
internal readonly struct Simd512 : ISimd<Vec>
{
    public static int Count => Vec.Count;

    public static Vec Zero => Vec.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Load(ref readonly float source) => Vector512.LoadUnsafe(in source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadBFloat16Pairs(ref readonly ushort source, out Vec first, out Vec second)
    {
        Vector512<uint> pairs = Vector512.LoadUnsafe(in Unsafe.As<ushort, uint>(ref Unsafe.AsRef(in source)));
        first = Vector512.ShiftLeft(pairs, 16).AsSingle();
        second = (pairs & Vector512.Create(0xFFFF0000u)).AsSingle();
    }

    /// <summary>
    /// Sign trick as <see cref="Simd256.DotInt8Quads"/>: x · w = |x| · (w · sign x). AVX-512 has no vpsignb,
    /// so w is negated where x &lt; 0 (where x = 0, |x| = 0 cancels w); pmaddubsw sums product pairs in int16
    /// (at most 32258: never saturates), pmaddwd with ones sums the pairs. .NET 10 exposes no 512-bit
    /// vpdpbusd (AvxVnni.V512 comes later); without AVX-512 BW the two halves go through the 256-bit path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec DotInt8Quads(Vec sums, ref readonly sbyte weights, int quad)
    {
        if (!Avx512BW.IsSupported)
        {
            Vector256<float> lower = Simd256.DotInt8Quads(sums.GetLower(), in weights, quad);
            Vector256<float> upper = Simd256.DotInt8Quads(sums.GetUpper(), in Unsafe.Add(ref Unsafe.AsRef(in weights), 32), quad);
            return Vector512.Create(lower, upper);
        }
        Vector512<sbyte> w = Vector512.LoadUnsafe(in weights), x = Vector512.Create(quad).AsSByte();
        Vector512<byte> magnitude = Avx512BW.Abs(x);
        Vector512<sbyte> signed = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<sbyte>.Zero), -w, w);
        Vector512<short> pairs = Avx512BW.MultiplyAddAdjacent(magnitude, signed);
        return (sums.AsInt32() + Avx512BW.MultiplyAddAdjacent(pairs, Vector512<short>.One)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Int32ToSingle(Vec sums) => Vector512.ConvertToSingle(sums.AsInt32());

    /// <summary>16 x 16 (AVX-512): within each group of four rows, interleave row pairs and combine
    /// 64-bit pairs inside the 128-bit lanes (unpcklps/unpckhps, shufps); then two rounds of 128-bit
    /// lane exchanges (vshuff32x4) between the four groups.</summary>
    public static void TransposeBlock(ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride)
    {
        if (!Avx512F.IsSupported)
        {
            BlockTranspose.ElementByElement(Vec.Count, in source, sourceStride, rows, ref destination, destinationStride);
            return;
        }
        // Lane L of group g's register s holds column s + 4L of rows 4g..4g+3.
        FourRows(in source, sourceStride, rows, 0, out Vec a0, out Vec a1, out Vec a2, out Vec a3);
        FourRows(in source, sourceStride, rows, 4, out Vec b0, out Vec b1, out Vec b2, out Vec b3);
        FourRows(in source, sourceStride, rows, 8, out Vec c0, out Vec c1, out Vec c2, out Vec c3);
        FourRows(in source, sourceStride, rows, 12, out Vec d0, out Vec d1, out Vec d2, out Vec d3);
        FourColumns(a0, b0, c0, d0, ref destination, 0, destinationStride);
        FourColumns(a1, b1, c1, d1, ref destination, 1, destinationStride);
        FourColumns(a2, b2, c2, d2, ref destination, 2, destinationStride);
        FourColumns(a3, b3, c3, d3, ref destination, 3, destinationStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourRows(ref readonly float source, nint stride, int rows, int first, out Vec s0, out Vec s1, out Vec s2, out Vec s3)
    {
        Vec r0 = BlockTranspose.Row<Vec, Simd512>(in source, stride, rows, first), r1 = BlockTranspose.Row<Vec, Simd512>(in source, stride, rows, first + 1);
        Vec r2 = BlockTranspose.Row<Vec, Simd512>(in source, stride, rows, first + 2), r3 = BlockTranspose.Row<Vec, Simd512>(in source, stride, rows, first + 3);
        Vec t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1), t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        s0 = Avx512F.Shuffle(t0, t2, 0x44);
        s1 = Avx512F.Shuffle(t0, t2, 0xEE);
        s2 = Avx512F.Shuffle(t1, t3, 0x44);
        s3 = Avx512F.Shuffle(t1, t3, 0xEE);
    }

    /// <summary>Columns s, s + 4, s + 8 and s + 12 from register s of the four row groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourColumns(Vec a, Vec b, Vec c, Vec d, ref float destination, int s, nint stride)
    {
        Vec ab0 = Avx512F.Shuffle4x128(a, b, 0x88), ab1 = Avx512F.Shuffle4x128(a, b, 0xDD);
        Vec cd0 = Avx512F.Shuffle4x128(c, d, 0x88), cd1 = Avx512F.Shuffle4x128(c, d, 0xDD);
        Avx512F.Shuffle4x128(ab0, cd0, 0x88).StoreUnsafe(ref destination, (nuint)(s * stride));
        Avx512F.Shuffle4x128(ab1, cd1, 0x88).StoreUnsafe(ref destination, (nuint)((s + 4) * stride));
        Avx512F.Shuffle4x128(ab0, cd0, 0xDD).StoreUnsafe(ref destination, (nuint)((s + 8) * stride));
        Avx512F.Shuffle4x128(ab1, cd1, 0xDD).StoreUnsafe(ref destination, (nuint)((s + 12) * stride));
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
    public static Vec Sqrt(Vec value) => Vector512.Sqrt(value);

    // Fused where the build targets FMA hardware (FMA3, AVX-512, NEON); mul+add otherwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec MultiplyAdd(Vec a, Vec b, Vec c) => Vector512.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Min(Vec left, Vec right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Max(Vec left, Vec right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Abs(Vec value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Round(Vec value) => Vector512.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreSBytes(Vec integral, sbyte* destination)
    {
        Vector512<int> ints = Vector512.ConvertToInt32(integral);
        Vector512<short> shorts = Vector512.Narrow(ints, ints);
        Vector512<sbyte> bytes = Vector512.Narrow(shorts, shorts);
        bytes.GetLower().GetLower().Store(destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Pow2(Vec n) => Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec GreaterThan(Vec left, Vec right) => Vector512.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Select(Vec mask, Vec whenTrue, Vec whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec CopySign(Vec magnitude, Vec sign) => Vector512.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vec value) => Simd256.MaxAcross(Vector256.Max(value.GetLower(), value.GetUpper()));
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vec = System.Runtime.Intrinsics.Vector256<float>;

namespace RnnNative.Kernels.Simd;

/// <summary>256-bit registers through the portable <see cref="Vector256"/> API; the ISA behind it is
/// whatever this build was compiled for (see <see cref="KernelPaths"/>).</summary>
internal readonly struct Simd256 : ISimd<Vec>
{
    public static int Count => Vec.Count;

    public static Vec Zero => Vec.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Load(ref readonly float source) => Vector256.LoadUnsafe(in source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadBFloat16Pairs(ref readonly ushort source, out Vec first, out Vec second)
    {
        Vector256<uint> pairs = Vector256.LoadUnsafe(in Unsafe.As<ushort, uint>(ref Unsafe.AsRef(in source)));
        first = Vector256.ShiftLeft(pairs, 16).AsSingle();
        second = (pairs & Vector256.Create(0xFFFF0000u)).AsSingle();
    }

    /// <summary>
    /// Sign trick (vpdpbusd and pmaddubsw multiply unsigned by signed bytes): x · w = |x| · (w · sign x),
    /// |x| ≤ 127 as the unsigned operand and vpsignb moving x's sign onto w (zero where x is zero).
    /// AVX-VNNI: one vpdpbusd adds the four products per int32 lane. AVX2: pmaddubsw sums product pairs
    /// in int16 (at most 2 · 127 · 127 = 32258 &lt; 2^15: never saturates), pmaddwd with ones sums the pairs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec DotInt8Quads(Vec sums, ref readonly sbyte weights, int quad)
    {
        if (!Avx2.IsSupported)
        {
            return Int8Quads.ElementByElement(sums, in weights, quad);
        }
        Vector256<sbyte> w = Vector256.LoadUnsafe(in weights), x = Vector256.Create(quad).AsSByte();
        Vector256<byte> magnitude = Avx2.Abs(x);
        Vector256<sbyte> signed = Avx2.Sign(w, x);
        if (AvxVnni.IsSupported)
        {
            return AvxVnni.MultiplyWideningAndAdd(sums.AsInt32(), magnitude, signed).AsSingle();
        }
        Vector256<short> pairs = Avx2.MultiplyAddAdjacent(magnitude, signed);
        return (sums.AsInt32() + Avx2.MultiplyAddAdjacent(pairs, Vector256<short>.One)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Int32ToSingle(Vec sums) => Vector256.ConvertToSingle(sums.AsInt32());

    /// <summary>8 x 8 (AVX): interleave row pairs, combine 64-bit pairs within 128-bit lanes
    /// (shufps), then exchange the lanes (vperm2f128).</summary>
    public static void TransposeBlock(ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride)
    {
        if (!Avx.IsSupported)
        {
            BlockTranspose.ElementByElement(Vec.Count, in source, sourceStride, rows, ref destination, destinationStride);
            return;
        }
        Vec r0 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 0), r1 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 1);
        Vec r2 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 2), r3 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 3);
        Vec r4 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 4), r5 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 5);
        Vec r6 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 6), r7 = BlockTranspose.Row<Vec, Simd256>(in source, sourceStride, rows, 7);
        // Lane L of u(s) (rows 0-3) and w(s) (rows 4-7) holds column s + 4L.
        Vec t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vec t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vec u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vec w0 = Avx.Shuffle(t4, t6, 0x44), w1 = Avx.Shuffle(t4, t6, 0xEE), w2 = Avx.Shuffle(t5, t7, 0x44), w3 = Avx.Shuffle(t5, t7, 0xEE);
        Store(Avx.Permute2x128(u0, w0, 0x20), ref destination, 0, destinationStride);
        Store(Avx.Permute2x128(u1, w1, 0x20), ref destination, 1, destinationStride);
        Store(Avx.Permute2x128(u2, w2, 0x20), ref destination, 2, destinationStride);
        Store(Avx.Permute2x128(u3, w3, 0x20), ref destination, 3, destinationStride);
        Store(Avx.Permute2x128(u0, w0, 0x31), ref destination, 4, destinationStride);
        Store(Avx.Permute2x128(u1, w1, 0x31), ref destination, 5, destinationStride);
        Store(Avx.Permute2x128(u2, w2, 0x31), ref destination, 6, destinationStride);
        Store(Avx.Permute2x128(u3, w3, 0x31), ref destination, 7, destinationStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vec column, ref float destination, int index, nint stride) => column.StoreUnsafe(ref destination, (nuint)(index * stride));

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
    public static Vec Sqrt(Vec value) => Vector256.Sqrt(value);

    // Fused where the build targets FMA hardware (FMA3, AVX-512, NEON); mul+add otherwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec MultiplyAdd(Vec a, Vec b, Vec c) => Vector256.MultiplyAddEstimate(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Min(Vec left, Vec right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Max(Vec left, Vec right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Abs(Vec value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Round(Vec value) => Vector256.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreSBytes(Vec integral, sbyte* destination)
    {
        Vector256<int> ints = Vector256.ConvertToInt32(integral);
        Vector256<short> shorts = Vector256.Narrow(ints, ints);
        Vector256<sbyte> bytes = Vector256.Narrow(shorts, shorts);
        *(long*)destination = bytes.AsInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Pow2(Vec n) => Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec GreaterThan(Vec left, Vec right) => Vector256.GreaterThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec Select(Vec mask, Vec whenTrue, Vec whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vec CopySign(Vec magnitude, Vec sign) => Vector256.CopySign(magnitude, sign);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vec value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vec value) => Simd128.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));
}

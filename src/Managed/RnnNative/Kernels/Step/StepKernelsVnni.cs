using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The single-token int8 steps of <see cref="StepKernelsInt8{TVec, TSimd}"/> (LSTM, GRU, one gate) on x86 with AVX-VNNI: x offset to
/// unsigned bytes, one vpdpbusd per 8 rows x 4 columns (<see cref="VnniQuads"/>; exact in int32, so the same bits). A
/// panel of 16 rows is summed in one pass over its columns, both 8-row halves of every gate at once:
/// <code>
/// for each column quad j:   u = broadcast x_u[j..j+4]
///     sums[g][half] += vpdpbusd(u, A[g][half, quad j])      G gates x 2 halves: 8 independent chains for an LSTM
/// </code>
/// four chains (one per gate, a register each) left a step waiting on the adds' latency; eight keep both vpdpbusd pipes
/// and the loads busy. The cells then run on the path's own width (<typeparamref name="TVec"/>), as the other int8 kernels.
/// Callers check <see cref="Serves"/> and pass x_u.
/// </summary>
internal static unsafe class StepKernelsVnni<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    private const int Lanes = VnniQuads.Lanes;

    /// <summary>True when this machine has AVX-VNNI and <paramref name="a"/> is int8 in panels of this
    /// path's width, a multiple of the 16 rows of a pass.</summary>
    public static bool Serves(StepMatrix a) => VnniQuads.Serves(a, TSimd.Count, 2 * Lanes);

    /// <summary>−offset: the start of a block's sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Start(int* offset) => -Vector256.Load(offset);

    /// <summary>init + (s_r · s_x) · Σ for a block's W rows from its int32 sums in memory, as the single-token step dequantises.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Dequantize(int* sums, float* scales, TVec xScale, float* init) =>
        StepKernelsInt8<TVec, TSimd>.Dequantize(TSimd.Load(in *(float*)sums), scales, xScale, init);

    /// <summary>LSTM as <see cref="StepKernelsInt8{TVec, TSimd}.Lstm"/>, x given as x_u.</summary>
    public static void Lstm<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = a.Width, k = a.Columns;
        nint block = 4 * w;
        int[] offsetSums = a.OffsetSums(0);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums)), sums = stackalloc int[4 * w];
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * 4 * w;
            int* offset = offsets + (nint)p * 5 * w;
            for (int h = 0; h < w; h += 2 * Lanes)
            {
                int b = h + Lanes;
                Vector256<int> ia = Start(offset + h), ib = Start(offset + b), fa = Start(offset + w + h), fb = Start(offset + w + b);
                Vector256<int> ga = Start(offset + 2 * w + h), gb = Start(offset + 2 * w + b), oa = Start(offset + 3 * w + h), ob = Start(offset + 3 * w + b);
                sbyte* e = panel + 4 * h;
                for (int j = 0; j < k; j += 4, e += 4 * block)
                {
                    Vector256<byte> u = VnniQuads.Broadcast(x, j);
                    ia = VnniQuads.Dot(ia, u, e);
                    ib = VnniQuads.Dot(ib, u, e + 4 * Lanes);
                    fa = VnniQuads.Dot(fa, u, e + block);
                    fb = VnniQuads.Dot(fb, u, e + block + 4 * Lanes);
                    ga = VnniQuads.Dot(ga, u, e + 2 * block);
                    gb = VnniQuads.Dot(gb, u, e + 2 * block + 4 * Lanes);
                    oa = VnniQuads.Dot(oa, u, e + 3 * block);
                    ob = VnniQuads.Dot(ob, u, e + 3 * block + 4 * Lanes);
                }
                ia.Store(sums + h); ib.Store(sums + b); fa.Store(sums + w + h); fb.Store(sums + w + b);
                ga.Store(sums + 2 * w + h); gb.Store(sums + 2 * w + b); oa.Store(sums + 3 * w + h); ob.Store(sums + 3 * w + b);
            }
            float* start = init + (nint)p * 4 * w, scales = a.RowScales + (nint)p * 4 * w;
            sink.Lstm(Dequantize(sums, scales, sx, start), Dequantize(sums + w, scales + w, sx, start + w),
                Dequantize(sums + 2 * w, scales + 2 * w, sx, start + 2 * w), Dequantize(sums + 3 * w, scales + 3 * w, sx, start + 3 * w), p);
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>GRU as <see cref="StepKernelsInt8{TVec, TSimd}.Gru"/>: n's sums split at h's first column into nx (waiting in
    /// memory from there) and nh, each from its own offset.</summary>
    public static void Gru<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = a.Width, k = a.Columns, hiddenColumn = a.Inputs - a.Units;
        nint block = 4 * w;
        // [r, z, nh, nx] as the batched kernel keeps them.
        int[] offsetSums = a.OffsetSums(hiddenColumn);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums)), sums = stackalloc int[4 * w];
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * 3 * w;
            int* offset = offsets + (nint)p * 4 * w;
            for (int h = 0; h < w; h += 2 * Lanes)
            {
                int b = h + Lanes;
                Vector256<int> ra = Start(offset + h), rb = Start(offset + b), za = Start(offset + w + h), zb = Start(offset + w + b);
                Vector256<int> na = Start(offset + 3 * w + h), nb = Start(offset + 3 * w + b);
                sbyte* e = panel + 4 * h;
                // n sums the input section into nx, then the h section into nh from its own offset.
                SumGru(ref ra, ref rb, ref za, ref zb, ref na, ref nb, x, 0, hiddenColumn, ref e, block);
                na.Store(sums + 3 * w + h);
                nb.Store(sums + 3 * w + b);
                na = Vector256.Load(offset + 3 * w + h) - Vector256.Load(offset + 2 * w + h);
                nb = Vector256.Load(offset + 3 * w + b) - Vector256.Load(offset + 2 * w + b);
                SumGru(ref ra, ref rb, ref za, ref zb, ref na, ref nb, x, hiddenColumn, k, ref e, block);
                ra.Store(sums + h); rb.Store(sums + b); za.Store(sums + w + h); zb.Store(sums + w + b);
                na.Store(sums + 2 * w + h); nb.Store(sums + 2 * w + b);
            }
            float* start = init + (nint)p * 4 * w, scales = a.RowScales + (nint)p * 3 * w;
            sink.Gru(Dequantize(sums, scales, sx, start), Dequantize(sums + w, scales + w, sx, start + w),
                Dequantize(sums + 3 * w, scales + 2 * w, sx, start + 2 * w), Dequantize(sums + 2 * w, scales + 2 * w, sx, start + 3 * w), p);
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>One gate as <see cref="StepKernelsInt8{TVec, TSimd}.Dense"/> (a decoder), x given as x_u. One gate leaves a
    /// chain per 8-row half, each vpdpbusd waiting on the last: four column quads a pass go into sums of their own (eight
    /// chains) added at the end, the same integers in another order.</summary>
    public static void Dense<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = a.Width, k = a.Columns, wholePasses = k / 16 * 16;
        nint block = 4 * w;   // bytes of one column quad: W rows x 4 columns
        int[] offsetSums = a.OffsetSums(0);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums)), sums = stackalloc int[w];
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * w;
            int* offset = offsets + (nint)p * 2 * w;
            for (int h = 0; h < w; h += 2 * Lanes)
            {
                int b = h + Lanes;
                Vector256<int> a0 = Start(offset + h), b0 = Start(offset + b), a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
                sbyte* e = panel + 4 * h;
                int j = 0;
                for (; j < wholePasses; j += 16, e += 4 * block)
                {
                    VnniQuads.DotBlock(ref a0, ref b0, VnniQuads.Broadcast(x, j), e);
                    VnniQuads.DotBlock(ref a1, ref b1, VnniQuads.Broadcast(x, j + 4), e + block);
                    VnniQuads.DotBlock(ref a2, ref b2, VnniQuads.Broadcast(x, j + 8), e + 2 * block);
                    VnniQuads.DotBlock(ref a3, ref b3, VnniQuads.Broadcast(x, j + 12), e + 3 * block);
                }
                for (; j < k; j += 4, e += block)
                {
                    VnniQuads.DotBlock(ref a0, ref b0, VnniQuads.Broadcast(x, j), e);
                }
                (a0 + a1 + (a2 + a3)).Store(sums + h);
                (b0 + b1 + (b2 + b3)).Store(sums + b);
            }
            sink.Dense(Dequantize(sums, a.RowScales + (nint)p * w, sx, init + (nint)p * w), p);
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>Adds columns [from, to) of a GRU panel's r, z and n rows (both halves) to their sums; <paramref name="e"/> moves past them.
    /// A loop per section: a branch inside one loop for n's switch left too few of the 16 VEX registers, and the loop
    /// re-read its bounds from the stack (GRU 2x256 int8, 1 thread: 6% of a token).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumGru(ref Vector256<int> ra, ref Vector256<int> rb, ref Vector256<int> za, ref Vector256<int> zb,
        ref Vector256<int> na, ref Vector256<int> nb, sbyte* x, int from, int to, ref sbyte* e, nint block)
    {
        Vector256<int> r0 = ra, r1 = rb, z0 = za, z1 = zb, n0 = na, n1 = nb;
        sbyte* p = e;
        for (int j = from; j < to; j += 4, p += 3 * block)
        {
            Vector256<byte> u = VnniQuads.Broadcast(x, j);
            r0 = VnniQuads.Dot(r0, u, p);
            r1 = VnniQuads.Dot(r1, u, p + 4 * Lanes);
            z0 = VnniQuads.Dot(z0, u, p + block);
            z1 = VnniQuads.Dot(z1, u, p + block + 4 * Lanes);
            n0 = VnniQuads.Dot(n0, u, p + 2 * block);
            n1 = VnniQuads.Dot(n1, u, p + 2 * block + 4 * Lanes);
        }
        ra = r0; rb = r1; za = z0; zb = z1; na = n0; nb = n1; e = p;
    }
}

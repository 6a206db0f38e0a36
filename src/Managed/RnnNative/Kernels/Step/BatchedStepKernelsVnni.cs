using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The batched int8 steps of <see cref="BatchedStepKernelsInt8{TVec, TSimd}"/> on x86 with AVX-VNNI: one vpdpbusd per
/// 8 rows x 4 columns x stream, each stream's x offset to unsigned bytes (<see cref="VnniQuads"/>; exact in int32: each
/// stream gets the bits of its single-token int8 step). A pass sums 8 rows (a half of an AVX-512 panel) of
/// every gate for a pair of streams, 2·G accumulators and the pair's two broadcasts of x_u within the 16 registers VEX
/// encodes, each weight register feeding both streams (a GRU's pass takes both halves: 12 accumulators):
/// <code>
/// for each panel p, chunk of columns, pair of streams, 8-row half h:
///     for each column quad j of the chunk:   u_s = broadcast x_u,s[j..j+4]
///         sums[g][s] += vpdpbusd(u_s, A[g][half h, quad j])      for the G gates and 2 streams
/// </code>
/// The chunk (all gates, all of W) fits the L1 cache, as in <see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/>, so
/// every pair after the first reads it from there; the sums wait in <see cref="StepStreams.Sums"/> (int32 bits, [B, 4, W])
/// between chunks; the cells read them back once per panel, W lanes a register (<typeparamref name="TVec"/>, the kernel
/// path's width: the bits of the single-token step's cells). Callers check <see cref="Serves"/> (<see cref="ServesGru"/>) and pass x_u in <see cref="StepStreams.QuantizedX"/>.
/// </summary>
internal static unsafe class BatchedStepKernelsVnni<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    private const int Lanes = VnniQuads.Lanes;

    /// <summary>Bytes of a panel's chunk: half of a 48 KiB L1 data cache, as the float kernels keep.</summary>
    private const int ChunkBytes = 24 * 1024;

    /// <summary>True when this machine has AVX-VNNI and <paramref name="a"/> is int8 in panels of this path's width, whole
    /// passes of <see cref="Lstm"/> and <see cref="Dense"/> rows (8).</summary>
    public static bool Serves(StepMatrix a) => VnniQuads.Serves(a, TSimd.Count, Lanes);

    /// <summary>As <see cref="Serves"/> for <see cref="Gru"/>, whose pass takes 16 rows.</summary>
    public static bool ServesGru(StepMatrix a) => VnniQuads.Serves(a, TSimd.Count, 2 * Lanes);

    /// <summary>Columns per chunk: whole quads.</summary>
    private static int ChunkColumns(StepMatrix a) => Math.Max(4, ChunkBytes / (a.Gates * a.Width) / 4 * 4);

    /// <summary>A stream's sums at the start of a chunk: −offset for the first, else where the last chunk left them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Resume(bool firstChunk, int* offset, int* sums) =>
        firstChunk ? -Vector256.Load(offset) : Vector256.Load(sums);

    /// <summary>init + (s_r · s_x) · Σ for a block's W rows from its int32 sums in memory, as the single-token step dequantises.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Dequantize(int* sums, float* scales, float xScale, float* init) =>
        StepKernelsInt8<TVec, TSimd>.Dequantize(TSimd.Load(in *(float*)sums), scales, TSimd.Broadcast(xScale), init);

    /// <summary>LSTM as <see cref="BatchedStepKernelsInt8{TVec, TSimd}.Lstm"/>.</summary>
    public static void Lstm(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = a.Width, k = a.Columns, chunk = ChunkColumns(a);
        nint block = 4 * w;   // bytes of one gate's quad: W rows x 4 columns
        int[] offsetSums = a.OffsetSums(0);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums));
        for (int p = first; p < first + count; p++)
        {
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * 4 * w;
            int* offset = offsets + (nint)p * 5 * w;
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += 2)
                {
                    sbyte* x0 = streams.QuantizedXAt(s), x1 = streams.QuantizedXAt(s + 1);
                    int* sums0 = (int*)streams.Sums + (nint)s * 4 * w, sums1 = sums0 + 4 * w;
                    for (int h = 0; h < w; h += Lanes)
                    {
                        Vector256<int> i0 = Resume(c0 == 0, offset + h, sums0 + h), i1 = Resume(c0 == 0, offset + h, sums1 + h);
                        Vector256<int> f0 = Resume(c0 == 0, offset + w + h, sums0 + w + h), f1 = Resume(c0 == 0, offset + w + h, sums1 + w + h);
                        Vector256<int> g0 = Resume(c0 == 0, offset + 2 * w + h, sums0 + 2 * w + h), g1 = Resume(c0 == 0, offset + 2 * w + h, sums1 + 2 * w + h);
                        Vector256<int> o0 = Resume(c0 == 0, offset + 3 * w + h, sums0 + 3 * w + h), o1 = Resume(c0 == 0, offset + 3 * w + h, sums1 + 3 * w + h);
                        sbyte* e = panel + (nint)c0 * 4 * w + 4 * h;
                        for (int j = c0; j < c1; j += 4, e += 4 * block)
                        {
                            Vector256<byte> u0 = VnniQuads.Broadcast(x0, j), u1 = VnniQuads.Broadcast(x1, j);
                            i0 = VnniQuads.Dot(i0, u0, e);
                            i1 = VnniQuads.Dot(i1, u1, e);
                            f0 = VnniQuads.Dot(f0, u0, e + block);
                            f1 = VnniQuads.Dot(f1, u1, e + block);
                            g0 = VnniQuads.Dot(g0, u0, e + 2 * block);
                            g1 = VnniQuads.Dot(g1, u1, e + 2 * block);
                            o0 = VnniQuads.Dot(o0, u0, e + 3 * block);
                            o1 = VnniQuads.Dot(o1, u1, e + 3 * block);
                        }
                        Store(i0, f0, g0, o0, sums0 + h, w);
                        Store(i1, f1, g1, o1, sums1 + h, w);
                    }
                    if (c1 == k)
                    {
                        FinishLstm(a, streams, s, p, sums0);
                        FinishLstm(a, streams, s + 1, p, sums1);
                    }
                }
            }
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>GRU as <see cref="BatchedStepKernelsInt8{TVec, TSimd}.Gru"/>: n's sums split at h's first column (a quad
    /// boundary) into nx and nh, each with its own offset (<see cref="StepMatrix.OffsetSums"/> of that section); nx waits in
    /// memory from there. Three gates leave room for both halves of 16 rows per pass (12 accumulators: enough independent
    /// chains to keep both vpdpbusd pipes busy, where one half's 6 were not).</summary>
    public static void Gru(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = a.Width, k = a.Columns, chunk = ChunkColumns(a), hiddenColumn = a.Inputs - a.Units;
        nint block = 4 * w;
        int[] offsetSums = a.OffsetSums(hiddenColumn);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums));
        for (int p = first; p < first + count; p++)
        {
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * 3 * w;
            // Blocks r, z, n (all columns), n before the h section.
            int* offset = offsets + (nint)p * 4 * w;
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += 2)
                {
                    sbyte* x0 = streams.QuantizedXAt(s), x1 = streams.QuantizedXAt(s + 1);
                    int* sums0 = (int*)streams.Sums + (nint)s * 4 * w, sums1 = sums0 + 4 * w;
                    for (int h = 0; h < w; h += 2 * Lanes)
                    {
                        // Stream 0 or 1, half a (rows h..h+7) or b (h+8..h+15).
                        int b = h + Lanes;
                        Vector256<int> r0a = Resume(c0 == 0, offset + h, sums0 + h), r0b = Resume(c0 == 0, offset + b, sums0 + b);
                        Vector256<int> r1a = Resume(c0 == 0, offset + h, sums1 + h), r1b = Resume(c0 == 0, offset + b, sums1 + b);
                        Vector256<int> z0a = Resume(c0 == 0, offset + w + h, sums0 + w + h), z0b = Resume(c0 == 0, offset + w + b, sums0 + w + b);
                        Vector256<int> z1a = Resume(c0 == 0, offset + w + h, sums1 + w + h), z1b = Resume(c0 == 0, offset + w + b, sums1 + w + b);
                        Vector256<int> n0a = Resume(c0 == 0, offset + 3 * w + h, sums0 + 2 * w + h), n0b = Resume(c0 == 0, offset + 3 * w + b, sums0 + 2 * w + b);
                        Vector256<int> n1a = Resume(c0 == 0, offset + 3 * w + h, sums1 + 2 * w + h), n1b = Resume(c0 == 0, offset + 3 * w + b, sums1 + 2 * w + b);
                        sbyte* e = panel + (nint)c0 * 3 * w + 4 * h;
                        for (int j = c0; j < c1; j += 4, e += 3 * block)
                        {
                            // n sums the section being read (a predictable branch per quad).
                            if (j == hiddenColumn)
                            {
                                Store(n0a, n0b, n1a, n1b, sums0 + 3 * w + h, sums0 + 3 * w + b, sums1 + 3 * w + h, sums1 + 3 * w + b);
                                Vector256<int> hiddenA = Vector256.Load(offset + 3 * w + h) - Vector256.Load(offset + 2 * w + h);
                                Vector256<int> hiddenB = Vector256.Load(offset + 3 * w + b) - Vector256.Load(offset + 2 * w + b);
                                (n0a, n0b, n1a, n1b) = (hiddenA, hiddenB, hiddenA, hiddenB);
                            }
                            Vector256<byte> u0 = VnniQuads.Broadcast(x0, j), u1 = VnniQuads.Broadcast(x1, j);
                            r0a = VnniQuads.Dot(r0a, u0, e);
                            r1a = VnniQuads.Dot(r1a, u1, e);
                            r0b = VnniQuads.Dot(r0b, u0, e + 4 * Lanes);
                            r1b = VnniQuads.Dot(r1b, u1, e + 4 * Lanes);
                            z0a = VnniQuads.Dot(z0a, u0, e + block);
                            z1a = VnniQuads.Dot(z1a, u1, e + block);
                            z0b = VnniQuads.Dot(z0b, u0, e + block + 4 * Lanes);
                            z1b = VnniQuads.Dot(z1b, u1, e + block + 4 * Lanes);
                            n0a = VnniQuads.Dot(n0a, u0, e + 2 * block);
                            n1a = VnniQuads.Dot(n1a, u1, e + 2 * block);
                            n0b = VnniQuads.Dot(n0b, u0, e + 2 * block + 4 * Lanes);
                            n1b = VnniQuads.Dot(n1b, u1, e + 2 * block + 4 * Lanes);
                        }
                        Store(r0a, r0b, r1a, r1b, sums0 + h, sums0 + b, sums1 + h, sums1 + b);
                        Store(z0a, z0b, z1a, z1b, sums0 + w + h, sums0 + w + b, sums1 + w + h, sums1 + w + b);
                        Store(n0a, n0b, n1a, n1b, sums0 + 2 * w + h, sums0 + 2 * w + b, sums1 + 2 * w + h, sums1 + 2 * w + b);
                    }
                    if (c1 == k)
                    {
                        FinishGru(a, streams, s, p, sums0);
                        FinishGru(a, streams, s + 1, p, sums1);
                    }
                }
            }
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>One gate as <see cref="BatchedStepKernelsInt8{TVec, TSimd}.Dense"/>: four streams a pass (one gate leaves
    /// few accumulators per stream).</summary>
    public static void Dense(StepMatrix a, in StepStreams streams, StepActivation activation, int first, int count)
    {
        int w = a.Width, k = a.Columns, chunk = ChunkColumns(a);
        nint block = 4 * w;
        int[] offsetSums = a.OffsetSums(0);   // pinned, kept alive below while offsets points into it
        int* offsets = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(offsetSums));
        for (int p = first; p < first + count; p++)
        {
            sbyte* panel = (sbyte*)a.Data + (nint)p * k * w;
            int* offset = offsets + (nint)p * 2 * w;
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
                {
                    sbyte* x0 = streams.QuantizedXAt(s), x1 = streams.QuantizedXAt(s + 1), x2 = streams.QuantizedXAt(s + 2), x3 = streams.QuantizedXAt(s + 3);
                    int* sums0 = (int*)streams.Sums + (nint)s * 4 * w, sums1 = sums0 + 4 * w, sums2 = sums1 + 4 * w, sums3 = sums2 + 4 * w;
                    for (int h = 0; h < w; h += Lanes)
                    {
                        Vector256<int> y0 = Resume(c0 == 0, offset + h, sums0 + h), y1 = Resume(c0 == 0, offset + h, sums1 + h);
                        Vector256<int> y2 = Resume(c0 == 0, offset + h, sums2 + h), y3 = Resume(c0 == 0, offset + h, sums3 + h);
                        sbyte* e = panel + (nint)c0 * w + 4 * h;
                        for (int j = c0; j < c1; j += 4, e += block)
                        {
                            y0 = VnniQuads.Dot(y0, VnniQuads.Broadcast(x0, j), e);
                            y1 = VnniQuads.Dot(y1, VnniQuads.Broadcast(x1, j), e);
                            y2 = VnniQuads.Dot(y2, VnniQuads.Broadcast(x2, j), e);
                            y3 = VnniQuads.Dot(y3, VnniQuads.Broadcast(x3, j), e);
                        }
                        Store(y0, y1, y2, y3, sums0 + h, 4 * w);
                    }
                    if (c1 == k)
                    {
                        FinishDense(a, streams, activation, s, p, sums0);
                    }
                }
            }
        }
        GC.KeepAlive(offsetSums);
    }

    /// <summary>Stores four registers <paramref name="stride"/> ints apart from <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> s0, Vector256<int> s1, Vector256<int> s2, Vector256<int> s3, int* at, nint stride) =>
        Store(s0, s1, s2, s3, at, at + stride, at + 2 * stride, at + 3 * stride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> s0, Vector256<int> s1, Vector256<int> s2, Vector256<int> s3, int* at0, int* at1, int* at2, int* at3)
    {
        s0.Store(at0);
        s1.Store(at1);
        s2.Store(at2);
        s3.Store(at3);
    }

    // The loops store their sums before the cells read them back: an accumulator live across a call (no vector register
    // survives one on SysV) was spilled at every update inside the loop by the ahead-of-time code.

    /// <summary>A stream's cells of panel <paramref name="p"/> from its sums ([gates, W] int32 at <paramref name="sums"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishLstm(StepMatrix a, in StepStreams streams, int s, int p, int* sums)
    {
        int w = a.Width;
        nint start = (nint)p * 4 * w, unit = (nint)p * w;
        float* scales = a.RowScales + start, init = streams.InitAt(s, start);
        float xScale = streams.XScales[s];
        StepCells<TVec, TSimd>.Lstm(Dequantize(sums, scales, xScale, init), Dequantize(sums + w, scales + w, xScale, init + w),
            Dequantize(sums + 2 * w, scales + 2 * w, xScale, init + 2 * w), Dequantize(sums + 3 * w, scales + 3 * w, xScale, init + 3 * w),
            streams.StateAt(streams.Cell, s, unit), streams.StateAt(streams.Hidden, s, unit));
    }

    /// <summary>As <see cref="FinishLstm"/>: sums [r, z, nh, nx].</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishGru(StepMatrix a, in StepStreams streams, int s, int p, int* sums)
    {
        int w = a.Width;
        nint unit = (nint)p * w;
        float* scales = a.RowScales + (nint)p * 3 * w, init = streams.InitAt(s, (nint)p * 4 * w);
        float xScale = streams.XScales[s];
        StepCells<TVec, TSimd>.Gru(Dequantize(sums, scales, xScale, init), Dequantize(sums + w, scales + w, xScale, init + w),
            Dequantize(sums + 3 * w, scales + 2 * w, xScale, init + 2 * w), Dequantize(sums + 2 * w, scales + 2 * w, xScale, init + 3 * w),
            streams.StateAt(streams.HiddenPrev, s, unit), streams.StateAt(streams.Hidden, s, unit));
    }

    /// <summary>Four streams' outputs of panel <paramref name="p"/> from their sums (streams 4·W ints apart from <paramref name="sums"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FinishDense(StepMatrix a, in StepStreams streams, StepActivation activation, int s, int p, int* sums)
    {
        nint at = (nint)p * a.Width, stride = 4 * a.Width;
        float* scales = a.RowScales + at;
        for (int n = 0; n < StepStreams.StreamGroup; n++)
        {
            StepCells<TVec, TSimd>.Dense(Dequantize(sums + n * stride, scales, streams.XScales[s + n], streams.InitAt(s + n, at)), activation, streams.StateAt(streams.Hidden, s + n, at));
        }
    }
}

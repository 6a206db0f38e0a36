using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The single-token steps of <see cref="StepKernels{TVec, TSimd, TFormat}"/> over an int8 <see cref="StepMatrix"/>:
/// the same panels, cells and contracts, with the sums in integers. With A_r ≈ s_r · q_r (per row) and
/// x ≈ s_x · x_q (per call, <see cref="Int8Quantization"/>):
/// <code>
/// init_r + A_r · x  ≈  init_r + (s_r · s_x) · Σ_k q_rk · x_qk          Σ exact in int32 (|Σ| ≤ K · 127², K &lt; 2^17)
/// </code>
/// Per column quad the kernel broadcasts 4 bytes of x_q and adds one register of G·W lanes' 4 products
/// per gate (<see cref="ISimd{TVec}.DotInt8Quads"/>: vpdpbusd, sdot, or a widening fallback); the sum is scaled to float
/// once per panel. Results are the same bits on every path of one width (integer sums), and differ from
/// float32 by the quantisation of A and x: per term at most |x|·s_r/2 + |A|·s_x/2 + s_r·s_x/4.
/// </summary>
internal static unsafe class StepKernelsInt8<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    /// <summary>init + (s_r · s_x) · Σ for one gate block of a panel: <paramref name="scales"/> and <paramref name="init"/> at the block's W rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Dequantize(TVec sums, float* scales, TVec xScale, float* init) =>
        TSimd.MultiplyAdd(TSimd.Int32ToSingle(sums), TSimd.Multiply(TSimd.Load(in scales[0]), xScale), TSimd.Load(in init[0]));

    /// <summary>LSTM as <see cref="StepKernels{TVec, TSimd, TFormat}.Lstm"/>, x given quantised (<paramref name="x"/> [stored columns], scale <paramref name="xScale"/>).</summary>
    public static void Lstm<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w;
        sbyte* data = (sbyte*)a.Data;
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            TVec i = TSimd.Zero, f = TSimd.Zero, g = TSimd.Zero, o = TSimd.Zero;
            sbyte* e = data + (nint)p * k * 4 * w;
            for (int j = 0; j < k; j += 4, e += 4 * block)
            {
                int quad = *(int*)(x + j);
                i = TSimd.DotInt8Quads(i, in e[0], quad);
                f = TSimd.DotInt8Quads(f, in e[block], quad);
                g = TSimd.DotInt8Quads(g, in e[2 * block], quad);
                o = TSimd.DotInt8Quads(o, in e[3 * block], quad);
            }
            float* start = init + (nint)p * 4 * w, scales = a.RowScales + (nint)p * 4 * w;
            sink.Lstm(Dequantize(i, scales, sx, start), Dequantize(f, scales + w, sx, start + w),
                Dequantize(g, scales + 2 * w, sx, start + 2 * w), Dequantize(o, scales + 3 * w, sx, start + 3 * w), p);
        }
    }

    /// <summary>GRU as <see cref="StepKernels{TVec, TSimd, TFormat}.Gru"/>: n's integer sums split at h's first
    /// column (a quad boundary, <see cref="StepMatrix.SectionMultiple"/>) into nx and nh.</summary>
    public static void Gru<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w, hiddenColumn = a.Inputs - a.Units;
        sbyte* data = (sbyte*)a.Data;
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            float* start = init + (nint)p * 4 * w, scales = a.RowScales + (nint)p * 3 * w;
            TVec r = TSimd.Zero, z = TSimd.Zero, nSums = TSimd.Zero, nx = TSimd.Load(in start[2 * w]);
            sbyte* e = data + (nint)p * k * 3 * w;
            for (int j = 0; j < k; j += 4, e += 3 * block)
            {
                if (j == hiddenColumn)
                {
                    nx = Dequantize(nSums, scales + 2 * w, sx, start + 2 * w);
                    nSums = TSimd.Zero;
                }
                int quad = *(int*)(x + j);
                r = TSimd.DotInt8Quads(r, in e[0], quad);
                z = TSimd.DotInt8Quads(z, in e[block], quad);
                nSums = TSimd.DotInt8Quads(nSums, in e[2 * block], quad);
            }
            sink.Gru(Dequantize(r, scales, sx, start), Dequantize(z, scales + w, sx, start + w), nx,
                Dequantize(nSums, scales + 2 * w, sx, start + 3 * w), p);
        }
    }

    /// <summary>One gate as <see cref="StepKernels{TVec, TSimd, TFormat}.Dense"/>.</summary>
    public static void Dense<TSink>(StepMatrix a, float* init, sbyte* x, float xScale, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w;
        sbyte* data = (sbyte*)a.Data;
        TVec sx = TSimd.Broadcast(xScale);
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            TVec sums = TSimd.Zero;
            sbyte* e = data + (nint)p * k * w;
            for (int j = 0; j < k; j += 4, e += block)
            {
                sums = TSimd.DotInt8Quads(sums, in e[0], *(int*)(x + j));
            }
            sink.Dense(Dequantize(sums, a.RowScales + (nint)p * w, sx, init + (nint)p * w), p);
        }
    }
}

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The batched steps of <see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/> over an int8 <see cref="StepMatrix"/>, with the
/// sums of <see cref="StepKernelsInt8{TVec, TSimd}"/>: each stream's x quantised with its own scale
/// (<see cref="StepStreams.QuantizedX"/>, <see cref="StepStreams.XScales"/>), then per column quad and gate one register of
/// weights dotted with the quads of the four streams of a group:
/// <code>
/// init_s + (s_r · s_x,s) · Σ_k q_rk · x_q,s,k       Σ exact in int32, one per stream and gate
/// </code>
/// Integer sums are exact, so each stream's results are the bits of its single-token int8 step.
/// </summary>
internal static unsafe class BatchedStepKernelsInt8<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    /// <summary>The group's integer sums of one gate block as floats: init_s + (s_r · s_x,s) · Σ for each stream s, with
    /// <paramref name="scales"/> the block's W row scales and <paramref name="offset"/> the block's place in the init rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static StreamSums<TVec> Dequantize(in StreamSums<TVec> sums, float* scales, in StepStreams streams, int first, nint offset) => new()
    {
        S0 = StepKernelsInt8<TVec, TSimd>.Dequantize(sums.S0, scales, TSimd.Broadcast(streams.XScales[first]), streams.InitAt(first, offset)),
        S1 = StepKernelsInt8<TVec, TSimd>.Dequantize(sums.S1, scales, TSimd.Broadcast(streams.XScales[first + 1]), streams.InitAt(first + 1, offset)),
        S2 = StepKernelsInt8<TVec, TSimd>.Dequantize(sums.S2, scales, TSimd.Broadcast(streams.XScales[first + 2]), streams.InitAt(first + 2, offset)),
        S3 = StepKernelsInt8<TVec, TSimd>.Dequantize(sums.S3, scales, TSimd.Broadcast(streams.XScales[first + 3]), streams.InitAt(first + 3, offset)),
    };

    /// <summary>LSTM as <see cref="BatchedStepKernels{TVec, TSimd, TFormat}.Lstm"/>.</summary>
    public static void Lstm(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w;
        sbyte* data = (sbyte*)a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            float* scales = a.RowScales + start;
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> i = default, f = default, g = default, o = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * 4 * w;
                for (int j = 0; j < k; j += 4, e += 4 * block)
                {
                    i = i.DotInt8Quads<TSimd>(in e[0], x, stride, j);
                    f = f.DotInt8Quads<TSimd>(in e[block], x, stride, j);
                    g = g.DotInt8Quads<TSimd>(in e[2 * block], x, stride, j);
                    o = o.DotInt8Quads<TSimd>(in e[3 * block], x, stride, j);
                }
                StepCells<TVec, TSimd>.Lstm(Dequantize(i, scales, streams, s, start), Dequantize(f, scales + w, streams, s, start + w),
                    Dequantize(g, scales + 2 * w, streams, s, start + 2 * w), Dequantize(o, scales + 3 * w, streams, s, start + 3 * w), streams, s, (nint)p * w);
            }
        }
    }

    /// <summary>GRU as <see cref="BatchedStepKernels{TVec, TSimd, TFormat}.Gru"/>: n's integer sums split at h's first column
    /// (a quad boundary) into nx and nh.</summary>
    public static void Gru(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w, hiddenColumn = a.Inputs - a.Units;
        sbyte* data = (sbyte*)a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            float* scales = a.RowScales + (nint)p * 3 * w;
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> r = default, z = default, n = default, nx = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * 3 * w;
                for (int j = 0; j < k; j += 4, e += 3 * block)
                {
                    if (j == hiddenColumn)
                    {
                        nx = Dequantize(n, scales + 2 * w, streams, s, start + 2 * w);
                        n = default;
                    }
                    r = r.DotInt8Quads<TSimd>(in e[0], x, stride, j);
                    z = z.DotInt8Quads<TSimd>(in e[block], x, stride, j);
                    n = n.DotInt8Quads<TSimd>(in e[2 * block], x, stride, j);
                }
                StepCells<TVec, TSimd>.Gru(Dequantize(r, scales, streams, s, start), Dequantize(z, scales + w, streams, s, start + w), nx,
                    Dequantize(n, scales + 2 * w, streams, s, start + 3 * w), streams, s, (nint)p * w);
            }
        }
    }

    /// <summary>One gate as <see cref="BatchedStepKernels{TVec, TSimd, TFormat}.Dense"/>.</summary>
    public static void Dense(StepMatrix a, in StepStreams streams, StepActivation activation, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, block = 4 * w;
        sbyte* data = (sbyte*)a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> sums = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * w;
                for (int j = 0; j < k; j += 4, e += block)
                {
                    sums = sums.DotInt8Quads<TSimd>(in e[0], x, stride, j);
                }
                StepCells<TVec, TSimd>.Dense(Dequantize(sums, a.RowScales + (nint)p * w, streams, s, (nint)p * w), activation, streams, s, (nint)p * w);
            }
        }
    }
}

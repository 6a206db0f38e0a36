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
                // The sums as plain locals through the loop (StreamSums.Of says why).
                TVec i0 = default, i1 = default, i2 = default, i3 = default, f0 = default, f1 = default, f2 = default, f3 = default;
                TVec g0 = default, g1 = default, g2 = default, g3 = default, o0 = default, o1 = default, o2 = default, o3 = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * 4 * w;
                for (int j = 0; j < k; j += 4, e += 4 * block)
                {
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[0], x, stride, j, ref i0, ref i1, ref i2, ref i3);
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[block], x, stride, j, ref f0, ref f1, ref f2, ref f3);
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[2 * block], x, stride, j, ref g0, ref g1, ref g2, ref g3);
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[3 * block], x, stride, j, ref o0, ref o1, ref o2, ref o3);
                }
                StreamSums<TVec> i = StreamSums<TVec>.Of(i0, i1, i2, i3), f = StreamSums<TVec>.Of(f0, f1, f2, f3);
                StreamSums<TVec> g = StreamSums<TVec>.Of(g0, g1, g2, g3), o = StreamSums<TVec>.Of(o0, o1, o2, o3);
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
                StreamSums<TVec> nx = default;
                // The sums as plain locals through the loop (StreamSums.Of says why).
                TVec r0 = default, r1 = default, r2 = default, r3 = default, z0 = default, z1 = default, z2 = default, z3 = default;
                TVec n0 = default, n1 = default, n2 = default, n3 = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * 3 * w;
                for (int j = 0; j < k; j += 4, e += 3 * block)
                {
                    if (j == hiddenColumn)
                    {
                        nx = Dequantize(StreamSums<TVec>.Of(n0, n1, n2, n3), scales + 2 * w, streams, s, start + 2 * w);
                        (n0, n1, n2, n3) = (default, default, default, default);
                    }
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[0], x, stride, j, ref r0, ref r1, ref r2, ref r3);
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[block], x, stride, j, ref z0, ref z1, ref z2, ref z3);
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[2 * block], x, stride, j, ref n0, ref n1, ref n2, ref n3);
                }
                StreamSums<TVec> r = StreamSums<TVec>.Of(r0, r1, r2, r3), z = StreamSums<TVec>.Of(z0, z1, z2, z3), n = StreamSums<TVec>.Of(n0, n1, n2, n3);
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
                // The sums as plain locals through the loop (StreamSums.Of says why).
                TVec s0 = default, s1 = default, s2 = default, s3 = default;
                sbyte* x = streams.QuantizedXAt(s), e = data + (nint)p * k * w;
                for (int j = 0; j < k; j += 4, e += block)
                {
                    StreamSums<TVec>.DotInt8Quads<TSimd>(in e[0], x, stride, j, ref s0, ref s1, ref s2, ref s3);
                }
                StreamSums<TVec> sums = StreamSums<TVec>.Of(s0, s1, s2, s3);
                StepCells<TVec, TSimd>.Dense(Dequantize(sums, a.RowScales + (nint)p * w, streams, s, (nint)p * w), activation, streams, s, (nint)p * w);
            }
        }
    }
}

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The single-token steps of <see cref="StepKernels{TVec, TSimd, TFormat}"/> for B streams at once (batched sampling,
/// serving): the same panels, cells and contracts, each stream with its own x, starting sums and state
/// (<see cref="StepStreams"/>). Each panel is read in chunks of columns that fit the L2 cache (one chunk for the panels of
/// most models), and the streams pass over a chunk in groups of <see cref="StepStreams.StreamGroup"/>:
/// <code>
/// for each panel p, chunk of columns, group of 4 streams:
///     for each column pair j, j+1 of the chunk and gate g:   load A[g] columns j, j+1 once (2 registers)
///         sums[g][s] += A[g][:, j] · x_s[j] + A[g][:, j+1] · x_s[j+1]      for the 4 streams s of the group
/// </code>
/// so each weight register feeds four streams' FMAs (G·4 registers of sums: 16 for an LSTM), the panel is read from
/// memory once per step and from L2 by every group after the first; the sums wait in <see cref="StepStreams.Sums"/>
/// between chunks. Threads split panels, as for one stream.
/// </summary>
/// <remarks>
/// One chain of sums per stream and gate (four streams give enough independent FMAs); results differ from the
/// single-token kernels (two chains) and from GEMM by summation order only, and are the same bits for any
/// <see cref="StepStreams.Count"/>, thread count and chunk size. Aliasing as the single-token kernels: x, hPrev and h rows must not overlap.
/// </remarks>
internal static unsafe class BatchedStepKernels<TVec, TSimd, TFormat>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
    where TFormat : struct, IWeightFormat
{
    /// <summary>Columns per chunk: a multiple of 4 (the loops read pairs or quads, sections start on quads).</summary>
    private static int ChunkColumns(StepMatrix a) =>
        Math.Max(4, BatchedStepChunk.Bytes / (a.Gates * a.Width * (a.Precision == WeightPrecision.BFloat16 ? 2 : 4)) / 4 * 4);

    /// <summary>A group's sums of one block at the start of a chunk: the init rows at <paramref name="init"/> for the first
    /// chunk, else where the last chunk left them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static StreamSums<TVec> Resume(in StepStreams streams, int first, nint init, float* sums, bool firstChunk) =>
        firstChunk ? StreamSums<TVec>.Start<TSimd>(streams, first, init) : StreamSums<TVec>.Load<TSimd>(sums);

    /// <summary>LSTM as <see cref="StepKernels{TVec, TSimd, TFormat}.Lstm"/> for every stream: init [panels, 4, W] per stream.</summary>
    public static void Lstm(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, chunk = ChunkColumns(a);
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
                {
                    float* sums = streams.SumsAt(s, 0, 4, w);
                    StreamSums<TVec> i = Resume(streams, s, start, sums, c0 == 0), f = Resume(streams, s, start + w, sums + 4 * w, c0 == 0);
                    StreamSums<TVec> g = Resume(streams, s, start + 2 * w, sums + 8 * w, c0 == 0), o = Resume(streams, s, start + 3 * w, sums + 12 * w, c0 == 0);
                    float* x = streams.XAt(s);
                    nint e = ((nint)p * k + c0) * 4 * w;
                    // The sums as plain locals through the loop (StreamSums.Of says why).
                    TVec i0 = i.S0, i1 = i.S1, i2 = i.S2, i3 = i.S3, f0 = f.S0, f1 = f.S1, f2 = f.S2, f3 = f.S3;
                    TVec g0 = g.S0, g1 = g.S1, g2 = g.S2, g3 = g.S3, o0 = o.S0, o1 = o.S1, o2 = o.S2, o3 = o.S3;
                    for (int j = c0; j < c1; j += 2, e += 8 * w)
                    {
                        StreamSums<TVec> x0 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j), x1 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 4, out TVec a0, out TVec a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref i0, ref i1, ref i2, ref i3);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 4, out a0, out a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref f0, ref f1, ref f2, ref f3);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 4, out a0, out a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref g0, ref g1, ref g2, ref g3);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 3, 4, out a0, out a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref o0, ref o1, ref o2, ref o3);
                    }
                    (i, f, g, o) = (StreamSums<TVec>.Of(i0, i1, i2, i3), StreamSums<TVec>.Of(f0, f1, f2, f3), StreamSums<TVec>.Of(g0, g1, g2, g3), StreamSums<TVec>.Of(o0, o1, o2, o3));
                    if (c1 < k)
                    {
                        i.Store<TSimd>(sums);
                        f.Store<TSimd>(sums + 4 * w);
                        g.Store<TSimd>(sums + 8 * w);
                        o.Store<TSimd>(sums + 12 * w);
                    }
                    else
                    {
                        StepCells<TVec, TSimd>.Lstm(i, f, g, o, streams, s, (nint)p * w);
                    }
                }
            }
        }
    }

    /// <summary>GRU as <see cref="StepKernels{TVec, TSimd, TFormat}.Gru"/> for every stream: n's sums go by column section
    /// (input columns into nx, h columns into nh), init [panels, 4, W] per stream is [r, z, n_x, n_h].</summary>
    public static void Gru(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, hiddenColumn = a.Inputs - a.Units, chunk = ChunkColumns(a);
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
                {
                    float* sums = streams.SumsAt(s, 0, 4, w);
                    StreamSums<TVec> r = Resume(streams, s, start, sums, c0 == 0), z = Resume(streams, s, start + w, sums + 4 * w, c0 == 0);
                    StreamSums<TVec> n = Resume(streams, s, start + 2 * w, sums + 8 * w, c0 == 0);
                    float* x = streams.XAt(s);
                    nint e = ((nint)p * k + c0) * 3 * w;
                    // The sums as plain locals through the loop (StreamSums.Of says why).
                    TVec r0 = r.S0, r1 = r.S1, r2 = r.S2, r3 = r.S3, z0 = z.S0, z1 = z.S1, z2 = z.S2, z3 = z.S3;
                    TVec n0 = n.S0, n1 = n.S1, n2 = n.S2, n3 = n.S3;
                    StreamSums<TVec> nx = c0 == 0 ? default : StreamSums<TVec>.Load<TSimd>(sums + 12 * w);
                    TVec nx0 = nx.S0, nx1 = nx.S1, nx2 = nx.S2, nx3 = nx.S3;
                    for (int j = c0; j < c1; j += 2, e += 6 * w)
                    {
                        // n sums the section being read (a predictable branch per column pair).
                        if (j == hiddenColumn)
                        {
                            (nx0, nx1, nx2, nx3) = (n0, n1, n2, n3);
                            StreamSums<TVec> nh = StreamSums<TVec>.Start<TSimd>(streams, s, start + 3 * w);
                            (n0, n1, n2, n3) = (nh.S0, nh.S1, nh.S2, nh.S3);
                        }
                        StreamSums<TVec> x0 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j), x1 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 3, out TVec a0, out TVec a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref r0, ref r1, ref r2, ref r3);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 3, out a0, out a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref z0, ref z1, ref z2, ref z3);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 3, out a0, out a1);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, x0, x1, ref n0, ref n1, ref n2, ref n3);
                    }
                    (r, z, n) = (StreamSums<TVec>.Of(r0, r1, r2, r3), StreamSums<TVec>.Of(z0, z1, z2, z3), StreamSums<TVec>.Of(n0, n1, n2, n3));
                    nx = StreamSums<TVec>.Of(nx0, nx1, nx2, nx3);
                    if (c1 < k)
                    {
                        r.Store<TSimd>(sums);
                        z.Store<TSimd>(sums + 4 * w);
                        n.Store<TSimd>(sums + 8 * w);
                        nx.Store<TSimd>(sums + 12 * w);
                    }
                    else
                    {
                        StepCells<TVec, TSimd>.Gru(r, z, nx, n, streams, s, (nint)p * w);
                    }
                }
            }
        }
    }

    /// <summary>One gate as <see cref="StepKernels{TVec, TSimd, TFormat}.Dense"/> for every stream (y: the streams' hidden rows);
    /// two sets of sums over alternate column pairs, so the four streams' chains hide the FMA latency.</summary>
    public static void Dense(StepMatrix a, in StepStreams streams, StepActivation activation, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, chunk = ChunkColumns(a);
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            for (int c0 = 0; c0 < k; c0 += chunk)
            {
                int c1 = Math.Min(k, c0 + chunk);
                for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
                {
                    float* sums = streams.SumsAt(s, 0, 2, w);
                    StreamSums<TVec> even = Resume(streams, s, (nint)p * w, sums, c0 == 0);
                    StreamSums<TVec> odd = c0 == 0 ? default : StreamSums<TVec>.Load<TSimd>(sums + 4 * w);
                    float* x = streams.XAt(s);
                    nint e = ((nint)p * k + c0) * w;
                    // The sums as plain locals through the loop (StreamSums.Of says why).
                    TVec e0 = even.S0, e1 = even.S1, e2 = even.S2, e3 = even.S3, o0 = odd.S0, o1 = odd.S1, o2 = odd.S2, o3 = odd.S3;
                    for (int j = c0; j < c1; j += 4, e += 4 * w)
                    {
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 1, out TVec a0, out TVec a1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e + 2 * w, 0, 1, out TVec a2, out TVec a3);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a0, a1, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j), StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1),
                            ref e0, ref e1, ref e2, ref e3);
                        StreamSums<TVec>.MultiplyAdd<TSimd>(a2, a3, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 2), StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 3),
                            ref o0, ref o1, ref o2, ref o3);
                    }
                    (even, odd) = (StreamSums<TVec>.Of(e0, e1, e2, e3), StreamSums<TVec>.Of(o0, o1, o2, o3));
                    if (c1 < k)
                    {
                        even.Store<TSimd>(sums);
                        odd.Store<TSimd>(sums + 4 * w);
                    }
                    else
                    {
                        StepCells<TVec, TSimd>.Dense(even.Add<TSimd>(odd), activation, streams, s, (nint)p * w);
                    }
                }
            }
        }
    }
}

/// <summary>
/// The bytes of a panel's chunk in <see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/>: a quarter of a 1 MiB L2 (Zen 4
/// and 5; half of Zen 3's), so a chunk stays there while every group of streams reads it. L1-sized chunks (24 KiB) made
/// each group store and reload its sums at every chunk's end and ran 6-13% slower on 64 and 8 streams of the 2x512 LSTM
/// and GRU (float32, bfloat16; Zen 5, 2 threads): a 2x512 layer is one chunk now. The int8 kernels keep their own.
/// </summary>
internal static class BatchedStepChunk
{
    public const int DefaultBytes = 256 * 1024;

    /// <summary>Tests make it small to run the chunk boundaries with small models; any size gives the same bits.</summary>
    internal static int Bytes = DefaultBytes;
}

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The single-token steps of <see cref="StepKernels{TVec, TSimd, TFormat}"/> for B streams at once (batched sampling,
/// serving): the same panels, cells and contracts, each stream with its own x, starting sums and state
/// (<see cref="StepStreams"/>). Each panel is read in chunks of columns that fit the L1 cache, and the streams pass over
/// a chunk in groups of <see cref="StepStreams.StreamGroup"/>:
/// <code>
/// for each panel p, chunk of columns, group of 4 streams:
///     for each column pair j, j+1 of the chunk and gate g:   load A[g] columns j, j+1 once (2 registers)
///         sums[g][s] += A[g][:, j] · x_s[j] + A[g][:, j+1] · x_s[j+1]      for the 4 streams s of the group
/// </code>
/// so each weight register feeds four streams' FMAs (G·4 registers of sums: 16 for an LSTM), the panel is read from
/// memory once per step and from L1 by every group after the first; the sums wait in <see cref="StepStreams.Sums"/>
/// between chunks. Threads split panels, as for one stream.
/// </summary>
/// <remarks>
/// One chain of sums per stream and gate (four streams give enough independent FMAs); results differ from the
/// single-token kernels (two chains) and from GEMM by summation order only, and are the same bits for any
/// <see cref="StepStreams.Count"/> and thread count. Aliasing as the single-token kernels: x, hPrev and h rows must not overlap.
/// </remarks>
internal static unsafe class BatchedStepKernels<TVec, TSimd, TFormat>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
    where TFormat : struct, IWeightFormat
{
    /// <summary>Bytes of a panel's chunk: half of a 48 KiB L1 data cache (Zen 5; 32 KiB cores keep most of it), the
    /// rest for the x rows and the sums.</summary>
    private const int ChunkBytes = 24 * 1024;

    /// <summary>Columns per chunk: a multiple of 4 (the loops read pairs or quads, sections start on quads).</summary>
    private static int ChunkColumns(StepMatrix a) =>
        Math.Max(4, ChunkBytes / (a.Gates * a.Width * (a.Precision == WeightPrecision.BFloat16 ? 2 : 4)) / 4 * 4);

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
                    for (int j = c0; j < c1; j += 2, e += 8 * w)
                    {
                        StreamSums<TVec> x0 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j), x1 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 4, out TVec a0, out TVec a1);
                        i.MultiplyAdd<TSimd>(a0, x0);
                        i.MultiplyAdd<TSimd>(a1, x1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 4, out a0, out a1);
                        f.MultiplyAdd<TSimd>(a0, x0);
                        f.MultiplyAdd<TSimd>(a1, x1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 4, out a0, out a1);
                        g.MultiplyAdd<TSimd>(a0, x0);
                        g.MultiplyAdd<TSimd>(a1, x1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 3, 4, out a0, out a1);
                        o.MultiplyAdd<TSimd>(a0, x0);
                        o.MultiplyAdd<TSimd>(a1, x1);
                    }
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
                    StreamSums<TVec> nx = c0 == 0 ? default : StreamSums<TVec>.Load<TSimd>(sums + 12 * w);
                    float* x = streams.XAt(s);
                    nint e = ((nint)p * k + c0) * 3 * w;
                    for (int j = c0; j < c1; j += 2, e += 6 * w)
                    {
                        // n sums the section being read (a predictable branch per column pair).
                        if (j == hiddenColumn)
                        {
                            nx = n;
                            n = StreamSums<TVec>.Start<TSimd>(streams, s, start + 3 * w);
                        }
                        StreamSums<TVec> x0 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j), x1 = StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 3, out TVec a0, out TVec a1);
                        r.MultiplyAdd<TSimd>(a0, x0);
                        r.MultiplyAdd<TSimd>(a1, x1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 3, out a0, out a1);
                        z.MultiplyAdd<TSimd>(a0, x0);
                        z.MultiplyAdd<TSimd>(a1, x1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 3, out a0, out a1);
                        n.MultiplyAdd<TSimd>(a0, x0);
                        n.MultiplyAdd<TSimd>(a1, x1);
                    }
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
                    for (int j = c0; j < c1; j += 4, e += 4 * w)
                    {
                        TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 1, out TVec a0, out TVec a1);
                        TFormat.LoadColumns<TVec, TSimd>(data, e + 2 * w, 0, 1, out TVec a2, out TVec a3);
                        even.MultiplyAdd<TSimd>(a0, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j));
                        odd.MultiplyAdd<TSimd>(a2, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 2));
                        even.MultiplyAdd<TSimd>(a1, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1));
                        odd.MultiplyAdd<TSimd>(a3, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 3));
                    }
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

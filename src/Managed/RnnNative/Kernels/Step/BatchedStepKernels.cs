using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The single-token steps of <see cref="StepKernels{TVec, TSimd, TFormat}"/> for B streams at once (batched sampling,
/// serving): the same panels, cells and contracts, each stream with its own x, starting sums and state
/// (<see cref="StepStreams"/>). For every panel the streams pass over it in groups of <see cref="StepStreams.StreamGroup"/>:
/// <code>
/// for each column pair j, j+1 and gate g:   load A[g] columns j, j+1 once (2 registers)
///     sums[g][s] += A[g][:, j] · x_s[j] + A[g][:, j+1] · x_s[j+1]      for the 4 streams s of the group
/// </code>
/// so each weight register feeds four streams' FMAs (G·4 registers of sums: 16 for an LSTM), and the panel
/// (G·W·K' weights: 256 KiB for an LSTM panel of 1024 float32 columns) is read from memory once per step and
/// from the core's L2 cache by the later groups. Threads split panels, as for one stream.
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
    /// <summary>LSTM as <see cref="StepKernels{TVec, TSimd, TFormat}.Lstm"/> for every stream: init [panels, 4, W] per stream.</summary>
    public static void Lstm(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns;
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> i = StreamSums<TVec>.Start<TSimd>(streams, s, start), f = StreamSums<TVec>.Start<TSimd>(streams, s, start + w);
                StreamSums<TVec> g = StreamSums<TVec>.Start<TSimd>(streams, s, start + 2 * w), o = StreamSums<TVec>.Start<TSimd>(streams, s, start + 3 * w);
                float* x = streams.XAt(s);
                nint e = (nint)p * k * 4 * w;
                for (int j = 0; j < k; j += 2, e += 8 * w)
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
                StepCells<TVec, TSimd>.Lstm(i, f, g, o, streams, s, (nint)p * w);
            }
        }
    }

    /// <summary>GRU as <see cref="StepKernels{TVec, TSimd, TFormat}.Gru"/> for every stream: n's sums go by column section
    /// (input columns into nx, h columns into nh), init [panels, 4, W] per stream is [r, z, n_x, n_h].</summary>
    public static void Gru(StepMatrix a, in StepStreams streams, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns, hiddenColumn = a.Inputs - a.Units;
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            nint start = (nint)p * 4 * w;
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> r = StreamSums<TVec>.Start<TSimd>(streams, s, start), z = StreamSums<TVec>.Start<TSimd>(streams, s, start + w);
                StreamSums<TVec> n = StreamSums<TVec>.Start<TSimd>(streams, s, start + 2 * w), nx = default;
                float* x = streams.XAt(s);
                nint e = (nint)p * k * 3 * w;
                for (int j = 0; j < k; j += 2, e += 6 * w)
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
                StepCells<TVec, TSimd>.Gru(r, z, nx, n, streams, s, (nint)p * w);
            }
        }
    }

    /// <summary>One gate as <see cref="StepKernels{TVec, TSimd, TFormat}.Dense"/> for every stream (y: the streams' hidden rows);
    /// two sets of sums over alternate column pairs, so the four streams' chains hide the FMA latency.</summary>
    public static void Dense(StepMatrix a, in StepStreams streams, StepActivation activation, int first, int count)
    {
        int w = TSimd.Count, k = a.Columns;
        void* data = a.Data;
        nint stride = streams.XStride;
        for (int p = first; p < first + count; p++)
        {
            for (int s = 0; s < streams.Count; s += StepStreams.StreamGroup)
            {
                StreamSums<TVec> even = StreamSums<TVec>.Start<TSimd>(streams, s, (nint)p * w), odd = default;
                float* x = streams.XAt(s);
                nint e = (nint)p * k * w;
                for (int j = 0; j < k; j += 4, e += 4 * w)
                {
                    TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 1, out TVec a0, out TVec a1);
                    TFormat.LoadColumns<TVec, TSimd>(data, e + 2 * w, 0, 1, out TVec a2, out TVec a3);
                    even.MultiplyAdd<TSimd>(a0, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j));
                    odd.MultiplyAdd<TSimd>(a2, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 2));
                    even.MultiplyAdd<TSimd>(a1, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 1));
                    odd.MultiplyAdd<TSimd>(a3, StreamSums<TVec>.Broadcast<TSimd>(x, stride, j + 3));
                }
                StepCells<TVec, TSimd>.Dense(even.Add<TSimd>(odd), activation, streams, s, (nint)p * w);
            }
        }
    }
}

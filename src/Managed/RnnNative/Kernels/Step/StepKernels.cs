using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// Single-token steps over the panels of a <see cref="StepMatrix"/>, written once for every register
/// width and weight format. Each panel's sums start from <c>init</c> (biases, or a token's row of input
/// projections, in panel order) and add <c>A · x</c> column by column; the sink (<see cref="IStepSink{TVec}"/>) then
/// takes them from the registers: the cell's pointwise step, so gates never go to memory, or a store of the sums.
/// Panels [first, first + count) only, so threads split a layer by panels and each writes its own units; in
/// descending order when <c>backward</c> (<see cref="PanelOrder"/>).
/// </summary>
/// <remarks>
/// x has <see cref="StepMatrix.Columns"/> elements (zeros past K), so the loops have no remainder.
/// Sums run in two (LSTM and GRU: a register per gate each) or four (one gate) interleaved chains over the columns,
/// enough independent FMAs to hide their latency, and are added at the end: results differ from the
/// batched path (GEMM) by summation order only. The cells finish in <see cref="StepCells{TVec, TSimd}"/> (<see cref="CellSink{TVec, TSimd}"/>).
/// </remarks>
internal static unsafe class StepKernels<TVec, TSimd, TFormat>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
    where TFormat : struct, IWeightFormat
{
    /// <summary>
    /// LSTM: gates = init + A · x for the panels' units into the sink; the cell's:
    /// <c>c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)</c>, <c>h = σ(o) ⊙ tanh(c)</c>, c updated in place and h written
    /// (both [padded units]; x must not alias them).
    /// </summary>
    public static void Lstm<TSink>(StepMatrix a, float* init, float* x, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns;
        void* data = a.Data;
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            float* start = init + (nint)p * 4 * w;
            TVec i0 = TSimd.Load(in start[0]), f0 = TSimd.Load(in start[w]), g0 = TSimd.Load(in start[2 * w]), o0 = TSimd.Load(in start[3 * w]);
            TVec i1 = TSimd.Zero, f1 = TSimd.Zero, g1 = TSimd.Zero, o1 = TSimd.Zero;
            nint e = (nint)p * k * 4 * w;
            for (int j = 0; j < k; j += 2, e += 8 * w)
            {
                TVec x0 = TSimd.Broadcast(x[j]), x1 = TSimd.Broadcast(x[j + 1]);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 4, out TVec a0, out TVec a1);
                i0 = TSimd.MultiplyAdd(a0, x0, i0);
                i1 = TSimd.MultiplyAdd(a1, x1, i1);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 4, out a0, out a1);
                f0 = TSimd.MultiplyAdd(a0, x0, f0);
                f1 = TSimd.MultiplyAdd(a1, x1, f1);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 4, out a0, out a1);
                g0 = TSimd.MultiplyAdd(a0, x0, g0);
                g1 = TSimd.MultiplyAdd(a1, x1, g1);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 3, 4, out a0, out a1);
                o0 = TSimd.MultiplyAdd(a0, x0, o0);
                o1 = TSimd.MultiplyAdd(a1, x1, o1);
            }
            sink.Lstm(TSimd.Add(i0, i1), TSimd.Add(f0, f1), TSimd.Add(g0, g1), TSimd.Add(o0, o1), p);
        }
    }

    /// <summary>
    /// GRU: A's rows are PyTorch's [r, z, n] (3 gates) over x = [input; h]. A's last U columns are
    /// h's (W_hh), the columns before them the input section (W_ih padded with zero columns to a
    /// multiple of <see cref="StepMatrix.SectionMultiple"/>, or none for a layer fed from a token table,
    /// whose input side comes in init). r gates only n's recurrent part, so n's sums go by section:
    /// input columns into nx, h columns into nh; <paramref name="init"/> has the four blocks
    /// [r, z, n_x, n_h] per panel.
    /// <code>
    /// r = σ(init_r + A_r·x),  z = σ(init_z + A_z·x)
    /// nx = init_nx + A_n·x[input],  nh = init_nh + A_n·x[h],  n = tanh(nx + r ⊙ nh)
    /// h = (1 - z) ⊙ n + z ⊙ hPrev
    /// </code>
    /// The cell's sink reads hPrev and writes h (both [padded units]);
    /// h must not alias x or hPrev, as other panels may still read them.
    /// </summary>
    public static void Gru<TSink>(StepMatrix a, float* init, float* x, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns, hiddenColumn = a.Inputs - a.Units;
        void* data = a.Data;
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            float* start = init + (nint)p * 4 * w;
            TVec r0 = TSimd.Load(in start[0]), z0 = TSimd.Load(in start[w]), n0 = TSimd.Load(in start[2 * w]);
            TVec r1 = TSimd.Zero, z1 = TSimd.Zero, n1 = TSimd.Zero, nx = TSimd.Zero;
            nint e = (nint)p * k * 3 * w;
            for (int j = 0; j < k; j += 2, e += 6 * w)
            {
                // n0, n1 sum the section being read; a predictable branch per column pair, cheaper to
                // read than a second copy of the loop.
                if (j == hiddenColumn)
                {
                    nx = TSimd.Add(n0, n1);
                    n0 = TSimd.Load(in start[3 * w]);
                    n1 = TSimd.Zero;
                }
                TVec x0 = TSimd.Broadcast(x[j]), x1 = TSimd.Broadcast(x[j + 1]);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 3, out TVec a0, out TVec a1);
                r0 = TSimd.MultiplyAdd(a0, x0, r0);
                r1 = TSimd.MultiplyAdd(a1, x1, r1);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 1, 3, out a0, out a1);
                z0 = TSimd.MultiplyAdd(a0, x0, z0);
                z1 = TSimd.MultiplyAdd(a1, x1, z1);
                TFormat.LoadColumns<TVec, TSimd>(data, e, 2, 3, out a0, out a1);
                n0 = TSimd.MultiplyAdd(a0, x0, n0);
                n1 = TSimd.MultiplyAdd(a1, x1, n1);
            }
            sink.Gru(TSimd.Add(r0, r1), TSimd.Add(z0, z1), nx, TSimd.Add(n0, n1), p);
        }
    }

    /// <summary>One gate: <c>init + A · x</c> for the panels' units into the sink (the cell's: y = activation(sums), [padded units]; x must not alias y).</summary>
    public static void Dense<TSink>(StepMatrix a, float* init, float* x, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, k = a.Columns;
        void* data = a.Data;
        for (int n = 0; n < count; n++)
        {
            int p = PanelOrder.At(first, count, n, backward);
            TVec s0 = TSimd.Load(in init[(nint)p * w]), s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            nint e = (nint)p * k * w;
            for (int j = 0; j < k; j += 4, e += 4 * w)
            {
                TFormat.LoadColumns<TVec, TSimd>(data, e, 0, 1, out TVec a0, out TVec a1);
                TFormat.LoadColumns<TVec, TSimd>(data, e + 2 * w, 0, 1, out TVec a2, out TVec a3);
                s0 = TSimd.MultiplyAdd(a0, TSimd.Broadcast(x[j]), s0);
                s1 = TSimd.MultiplyAdd(a1, TSimd.Broadcast(x[j + 1]), s1);
                s2 = TSimd.MultiplyAdd(a2, TSimd.Broadcast(x[j + 2]), s2);
                s3 = TSimd.MultiplyAdd(a3, TSimd.Broadcast(x[j + 3]), s3);
            }
            sink.Dense(TSimd.Add(TSimd.Add(s0, s1), TSimd.Add(s2, s3)), p);
        }
    }
}

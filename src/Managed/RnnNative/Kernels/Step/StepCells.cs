using System.Runtime.CompilerServices;
using RnnNative.Kernels.Cells;
using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The cells' pointwise step on one register of W units, from the gates' pre-activations in registers: the
/// one copy that the single-token and the batched step kernels (every weight format) finish with. The math
/// is <see cref="LstmPointwise"/>'s and <see cref="GruPointwise"/>'s (same functions, same error bounds).
/// </summary>
internal static unsafe class StepCells<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    /// <summary><c>c = σ(f) ⊙ c + σ(i) ⊙ tanh(g)</c> (<paramref name="cell"/> in place), <c>h = σ(o) ⊙ tanh(c)</c> into <paramref name="hidden"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lstm(TVec i, TVec f, TVec g, TVec o, float* cell, float* hidden)
    {
        TVec cNext = TSimd.MultiplyAdd(VectorMath.Sigmoid<TVec, TSimd>(f), TSimd.Load(in cell[0]), TSimd.Multiply(VectorMath.Sigmoid<TVec, TSimd>(i), VectorMath.Tanh<TVec, TSimd>(g)));
        TSimd.Store(cNext, ref cell[0]);
        TSimd.Store(TSimd.Multiply(VectorMath.Sigmoid<TVec, TSimd>(o), VectorMath.Tanh<TVec, TSimd>(cNext)), ref hidden[0]);
    }

    /// <summary><c>n = tanh(nx + σ(r) ⊙ nh)</c>, <c>h = (1 - σ(z)) ⊙ n + σ(z) ⊙ hPrev</c> into <paramref name="hidden"/>
    /// (<paramref name="nx"/>, <paramref name="nh"/>: n's input and recurrent sums, each with its bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gru(TVec r, TVec z, TVec nx, TVec nh, float* hiddenPrev, float* hidden)
    {
        TVec n = VectorMath.Tanh<TVec, TSimd>(TSimd.MultiplyAdd(VectorMath.Sigmoid<TVec, TSimd>(r), nh, nx));
        TSimd.Store(TSimd.MultiplyAdd(VectorMath.Sigmoid<TVec, TSimd>(z), TSimd.Subtract(TSimd.Load(in hiddenPrev[0]), n), n), ref hidden[0]);
    }

    /// <summary>A one-gate step's <paramref name="activation"/> of <paramref name="s"/>, into <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dense(TVec s, StepActivation activation, float* y)
    {
        s = activation switch
        {
            StepActivation.Tanh => VectorMath.Tanh<TVec, TSimd>(s),
            StepActivation.Relu => TSimd.Max(s, TSimd.Zero),
            _ => s,
        };
        TSimd.Store(s, ref y[0]);
    }

    /// <summary>
    /// The cells of panels [0, <paramref name="panels"/>) of a cell with <paramref name="gates"/> gates (4 LSTM, 3 GRU, 1 one
    /// gate) from gates = <paramref name="init"/> + <paramref name="sums"/>, both in the starting sums' layout ([panels, 4, W]
    /// or [panels, 1, W]): a step whose matrix part <see cref="SumsSink{TVec, TSimd}"/> stored earlier.
    /// </summary>
    public static void FromSums<TSink>(int gates, float* init, float* sums, TSink sink, int panels)
        where TSink : struct, IStepSink<TVec>
    {
        int w = TSimd.Count, blocks = gates == 1 ? 1 : 4;
        for (int p = 0; p < panels; p++)
        {
            float* a = init + (nint)p * blocks * w, b = sums + (nint)p * blocks * w;
            TVec s0 = TSimd.Add(TSimd.Load(in a[0]), TSimd.Load(in b[0]));
            if (gates == 1)
            {
                sink.Dense(s0, p);
                continue;
            }
            TVec s1 = TSimd.Add(TSimd.Load(in a[w]), TSimd.Load(in b[w]));
            TVec s2 = TSimd.Add(TSimd.Load(in a[2 * w]), TSimd.Load(in b[2 * w]));
            TVec s3 = TSimd.Add(TSimd.Load(in a[3 * w]), TSimd.Load(in b[3 * w]));
            if (gates == 4) sink.Lstm(s0, s1, s2, s3, p);
            else sink.Gru(s0, s1, s2, s3, p);
        }
    }

    /// <summary><see cref="Lstm(TVec, TVec, TVec, TVec, float*, float*)"/> for the four streams of a group from stream
    /// <paramref name="first"/> on, at unit <paramref name="unit"/> of their state rows.</summary>
    /// <remarks>The group overloads take the sums by value and are not inlined, so the batched kernels' accumulators
    /// never have their address taken and stay in registers without profile data (Native AOT, no dynamic PGO). Taken
    /// by <c>in</c> and inlined, they stayed in memory there: a bfloat16 step of 64 streams of a 2x512 LSTM, one thread,
    /// JIT without PGO took 2.8-5.8 ms instead of 2.1-2.3 ms.</remarks>
    public static void Lstm(StreamSums<TVec> i, StreamSums<TVec> f, StreamSums<TVec> g, StreamSums<TVec> o, in StepStreams streams, int first, nint unit)
    {
        Lstm(i.S0, f.S0, g.S0, o.S0, streams.StateAt(streams.Cell, first, unit), streams.StateAt(streams.Hidden, first, unit));
        Lstm(i.S1, f.S1, g.S1, o.S1, streams.StateAt(streams.Cell, first + 1, unit), streams.StateAt(streams.Hidden, first + 1, unit));
        Lstm(i.S2, f.S2, g.S2, o.S2, streams.StateAt(streams.Cell, first + 2, unit), streams.StateAt(streams.Hidden, first + 2, unit));
        Lstm(i.S3, f.S3, g.S3, o.S3, streams.StateAt(streams.Cell, first + 3, unit), streams.StateAt(streams.Hidden, first + 3, unit));
    }

    /// <summary><see cref="Gru(TVec, TVec, TVec, TVec, float*, float*)"/> for the four streams of a group.</summary>
    public static void Gru(StreamSums<TVec> r, StreamSums<TVec> z, StreamSums<TVec> nx, StreamSums<TVec> nh, in StepStreams streams, int first, nint unit)
    {
        Gru(r.S0, z.S0, nx.S0, nh.S0, streams.StateAt(streams.HiddenPrev, first, unit), streams.StateAt(streams.Hidden, first, unit));
        Gru(r.S1, z.S1, nx.S1, nh.S1, streams.StateAt(streams.HiddenPrev, first + 1, unit), streams.StateAt(streams.Hidden, first + 1, unit));
        Gru(r.S2, z.S2, nx.S2, nh.S2, streams.StateAt(streams.HiddenPrev, first + 2, unit), streams.StateAt(streams.Hidden, first + 2, unit));
        Gru(r.S3, z.S3, nx.S3, nh.S3, streams.StateAt(streams.HiddenPrev, first + 3, unit), streams.StateAt(streams.Hidden, first + 3, unit));
    }

    /// <summary><see cref="Dense(TVec, StepActivation, float*)"/> for the four streams of a group (y: their hidden rows).</summary>
    public static void Dense(StreamSums<TVec> s, StepActivation activation, in StepStreams streams, int first, nint unit)
    {
        Dense(s.S0, activation, streams.StateAt(streams.Hidden, first, unit));
        Dense(s.S1, activation, streams.StateAt(streams.Hidden, first + 1, unit));
        Dense(s.S2, activation, streams.StateAt(streams.Hidden, first + 2, unit));
        Dense(s.S3, activation, streams.StateAt(streams.Hidden, first + 3, unit));
    }
}

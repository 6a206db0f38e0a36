using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// Where a single-token kernel puts a panel's gate sums (<c>init + A · x</c>, W units per gate) once its columns are summed:
/// into the cell (<see cref="CellSink{TVec, TSimd}"/>, the step proper) or into memory (<see cref="SumsSink{TVec, TSimd}"/>,
/// for a layer whose recurrent sums are computed a token ahead: see <see cref="Model.SingleTokenStep"/>). The kernels
/// take the sink as a struct type argument, so each pairing is compiled on its own and the sink's code inlines after the loop.
/// </summary>
internal interface IStepSink<TVec>
    where TVec : struct
{
    /// <summary>An LSTM panel's four gates i, f, g, o.</summary>
    void Lstm(TVec i, TVec f, TVec g, TVec o, nint panel);

    /// <summary>A GRU panel's r and z, and n's input (<paramref name="nx"/>) and recurrent (<paramref name="nh"/>) sums.</summary>
    void Gru(TVec r, TVec z, TVec nx, TVec nh, nint panel);

    /// <summary>A one-gate panel's sums.</summary>
    void Dense(TVec s, nint panel);
}

/// <summary>The cell's pointwise step (<see cref="StepCells{TVec, TSimd}"/>) on a panel's W units: <c>state</c> is the
/// LSTM's c (in place) or the GRU's h before the step, <c>hidden</c> h after it (or a one-gate step's y).</summary>
/// <remarks>The activation is a one-gate step's (Elman, the decoder); the other cells ignore it.</remarks>
internal readonly unsafe struct CellSink<TVec, TSimd>(float* state, float* hidden, StepActivation activation) : IStepSink<TVec>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lstm(TVec i, TVec f, TVec g, TVec o, nint panel) =>
        StepCells<TVec, TSimd>.Lstm(i, f, g, o, state + panel * TSimd.Count, hidden + panel * TSimd.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Gru(TVec r, TVec z, TVec nx, TVec nh, nint panel) =>
        StepCells<TVec, TSimd>.Gru(r, z, nx, nh, state + panel * TSimd.Count, hidden + panel * TSimd.Count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dense(TVec s, nint panel) => StepCells<TVec, TSimd>.Dense(s, activation, hidden + panel * TSimd.Count);
}

/// <summary>The sums themselves, in the starting sums' panel order: [panels, 4, W] for an LSTM (i, f, g, o) and a GRU
/// (r, z, nx, nh), [panels, 1, W] for one gate.</summary>
internal readonly unsafe struct SumsSink<TVec, TSimd>(float* sums) : IStepSink<TVec>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lstm(TVec i, TVec f, TVec g, TVec o, nint panel) => Store4(i, f, g, o, panel);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Gru(TVec r, TVec z, TVec nx, TVec nh, nint panel) => Store4(r, z, nx, nh, panel);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Dense(TVec s, nint panel) => TSimd.Store(s, ref sums[panel * TSimd.Count]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store4(TVec a, TVec b, TVec c, TVec d, nint panel)
    {
        int w = TSimd.Count;
        float* block = sums + panel * 4 * w;
        TSimd.Store(a, ref block[0]);
        TSimd.Store(b, ref block[w]);
        TSimd.Store(c, ref block[2 * w]);
        TSimd.Store(d, ref block[3 * w]);
    }
}

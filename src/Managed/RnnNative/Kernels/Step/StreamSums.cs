using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// One gate's sums for the <see cref="StepStreams.StreamGroup"/> (four) streams of a group, one register each: the
/// batched step kernels keep G of these in registers and feed each loaded weight register to all four.
/// Values, not references, so the JIT keeps the fields in registers.
/// </summary>
internal struct StreamSums<TVec>
    where TVec : struct
{
    public TVec S0, S1, S2, S3;

    /// <summary>The four streams' starting sums at <paramref name="offset"/> of their init rows, from stream <paramref name="first"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe StreamSums<TVec> Start<TSimd>(in StepStreams streams, int first, nint offset)
        where TSimd : struct, ISimd<TVec> => new()
        {
            S0 = TSimd.Load(in streams.InitAt(first, offset)[0]),
            S1 = TSimd.Load(in streams.InitAt(first + 1, offset)[0]),
            S2 = TSimd.Load(in streams.InitAt(first + 2, offset)[0]),
            S3 = TSimd.Load(in streams.InitAt(first + 3, offset)[0]),
        };

    /// <summary>Every stream's x[j] broadcast (x rows <paramref name="stride"/> apart from <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe StreamSums<TVec> Broadcast<TSimd>(float* x, nint stride, int j)
        where TSimd : struct, ISimd<TVec> => new()
        {
            S0 = TSimd.Broadcast(x[j]),
            S1 = TSimd.Broadcast(x[stride + j]),
            S2 = TSimd.Broadcast(x[2 * stride + j]),
            S3 = TSimd.Broadcast(x[3 * stride + j]),
        };

    /// <summary>sums_s += a · x_s for each stream s (one column of one gate), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyAdd<TSimd>(TVec a, in StreamSums<TVec> x)
        where TSimd : struct, ISimd<TVec>
    {
        S0 = TSimd.MultiplyAdd(a, x.S0, S0);
        S1 = TSimd.MultiplyAdd(a, x.S1, S1);
        S2 = TSimd.MultiplyAdd(a, x.S2, S2);
        S3 = TSimd.MultiplyAdd(a, x.S3, S3);
    }

    /// <summary>Integer sums: each stream's <see cref="ISimd{TVec}.DotInt8Quads"/> of the one weight register at
    /// <paramref name="weights"/> with its own quad of x (rows <paramref name="stride"/> apart from <paramref name="x"/>, column <paramref name="j"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe StreamSums<TVec> DotInt8Quads<TSimd>(ref readonly sbyte weights, sbyte* x, nint stride, int j)
        where TSimd : struct, ISimd<TVec> => new()
        {
            S0 = TSimd.DotInt8Quads(S0, in weights, *(int*)(x + j)),
            S1 = TSimd.DotInt8Quads(S1, in weights, *(int*)(x + stride + j)),
            S2 = TSimd.DotInt8Quads(S2, in weights, *(int*)(x + 2 * stride + j)),
            S3 = TSimd.DotInt8Quads(S3, in weights, *(int*)(x + 3 * stride + j)),
        };

    /// <summary>Lane-wise sum with <paramref name="other"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly StreamSums<TVec> Add<TSimd>(in StreamSums<TVec> other)
        where TSimd : struct, ISimd<TVec> => new()
        {
            S0 = TSimd.Add(S0, other.S0),
            S1 = TSimd.Add(S1, other.S1),
            S2 = TSimd.Add(S2, other.S2),
            S3 = TSimd.Add(S3, other.S3),
        };

    /// <summary>Sums kept in memory between column chunks: the four streams' registers at <paramref name="at"/>, W floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe StreamSums<TVec> Load<TSimd>(float* at)
        where TSimd : struct, ISimd<TVec> => new()
        {
            S0 = TSimd.Load(in at[0]),
            S1 = TSimd.Load(in at[TSimd.Count]),
            S2 = TSimd.Load(in at[2 * TSimd.Count]),
            S3 = TSimd.Load(in at[3 * TSimd.Count]),
        };

    /// <summary>Stores the four registers at <paramref name="at"/> as <see cref="Load"/> reads them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly unsafe void Store<TSimd>(float* at)
        where TSimd : struct, ISimd<TVec>
    {
        TSimd.Store(S0, ref at[0]);
        TSimd.Store(S1, ref at[TSimd.Count]);
        TSimd.Store(S2, ref at[2 * TSimd.Count]);
        TSimd.Store(S3, ref at[3 * TSimd.Count]);
    }
}

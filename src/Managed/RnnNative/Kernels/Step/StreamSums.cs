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

    /// <summary>A group's sums from four vectors (the batched kernels carry them in plain locals through their loops:
    /// ahead-of-time code kept a struct's fields on the stack there, loading and storing them every iteration).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static StreamSums<TVec> Of(TVec s0, TVec s1, TVec s2, TVec s3) => new() { S0 = s0, S1 = s1, S2 = s2, S3 = s3 };

    /// <summary>s_n = DotInt8Quads(s_n, weights, x_n[j..j+4]) for the four streams n of a group (rows <paramref name="stride"/> bytes apart), on sums held in locals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void DotInt8Quads<TSimd>(ref readonly sbyte weights, sbyte* x, nint stride, int j, ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3)
        where TSimd : struct, ISimd<TVec>
    {
        s0 = TSimd.DotInt8Quads(s0, in weights, *(int*)(x + j));
        s1 = TSimd.DotInt8Quads(s1, in weights, *(int*)(x + stride + j));
        s2 = TSimd.DotInt8Quads(s2, in weights, *(int*)(x + 2 * stride + j));
        s3 = TSimd.DotInt8Quads(s3, in weights, *(int*)(x + 3 * stride + j));
    }

    /// <summary>s_n += a0 · x0.S_n + a1 · x1.S_n for the four streams n of a group, on sums held in locals
    /// (two columns of one gate block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd<TSimd>(TVec a0, TVec a1, in StreamSums<TVec> x0, in StreamSums<TVec> x1, ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3)
        where TSimd : struct, ISimd<TVec>
    {
        s0 = TSimd.MultiplyAdd(a0, x0.S0, s0);
        s1 = TSimd.MultiplyAdd(a0, x0.S1, s1);
        s2 = TSimd.MultiplyAdd(a0, x0.S2, s2);
        s3 = TSimd.MultiplyAdd(a0, x0.S3, s3);
        s0 = TSimd.MultiplyAdd(a1, x1.S0, s0);
        s1 = TSimd.MultiplyAdd(a1, x1.S1, s1);
        s2 = TSimd.MultiplyAdd(a1, x1.S2, s2);
        s3 = TSimd.MultiplyAdd(a1, x1.S3, s3);
    }

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

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// How a <see cref="StepMatrix"/> stores weights, one struct per <see cref="WeightPrecision"/>, so the
/// step kernels are written once and specialized per format. Kernels read two columns at a time:
/// the W weights of gate g in column j and in column j + 1 of a panel, whose pair of columns starts
/// at element <c>e = (p*K' + j)*G*W</c> (j even) in both formats.
/// </summary>
internal unsafe interface IWeightFormat
{
    /// <summary>Gate <paramref name="gate"/>'s weights in columns j (<paramref name="first"/>) and j + 1 (<paramref name="second"/>)
    /// of the column pair starting at element <paramref name="pair"/> of a matrix with <paramref name="gates"/> gates.</summary>
    static abstract void LoadColumns<TVec, TSimd>(void* data, nint pair, int gate, int gates, out TVec first, out TVec second)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;

    /// <summary>Where element (p, k, g, w) of <see cref="StepMatrix"/> is stored, in elements of the format.</summary>
    static abstract long Index(long pair, int columnInPair, int gate, int gates, int width, int lane);
}

/// <summary>float32: column j's G*W weights, then column j + 1's.</summary>
internal readonly unsafe struct Float32Weights : IWeightFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns<TVec, TSimd>(void* data, nint pair, int gate, int gates, out TVec first, out TVec second)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        float* column = (float*)data + pair + gate * TSimd.Count;
        first = TSimd.Load(in column[0]);
        second = TSimd.Load(in column[gates * TSimd.Count]);
    }

    public static long Index(long pair, int columnInPair, int gate, int gates, int width, int lane) =>
        pair + ((long)columnInPair * gates + gate) * width + lane;
}

/// <summary>bfloat16: the two columns interleaved, (A[r, j], A[r, j+1]) side by side for each row r,
/// so one load of W pairs gives both columns' registers (<see cref="ISimd{TVec}.LoadBFloat16Pairs"/>).</summary>
internal readonly unsafe struct BFloat16Weights : IWeightFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadColumns<TVec, TSimd>(void* data, nint pair, int gate, int gates, out TVec first, out TVec second)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.LoadBFloat16Pairs(in ((ushort*)data)[pair + 2 * gate * TSimd.Count], out first, out second);

    public static long Index(long pair, int columnInPair, int gate, int gates, int width, int lane) =>
        pair + 2 * ((long)gate * width + lane) + columnInPair;
}

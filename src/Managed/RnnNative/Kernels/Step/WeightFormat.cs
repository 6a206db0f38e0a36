using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>How a <see cref="StepMatrix"/> element is read into a register: one struct per
/// <see cref="WeightPrecision"/>, so the step kernels are written once and specialized per format.</summary>
internal unsafe interface IWeightFormat
{
    /// <summary>Loads <c>TSimd.Count</c> consecutive weights starting at element <paramref name="element"/> as floats.</summary>
    static abstract TVec Load<TVec, TSimd>(void* data, nint element)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>;
}

internal readonly unsafe struct Float32Weights : IWeightFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TVec, TSimd>(void* data, nint element)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.Load(in ((float*)data)[element]);
}

internal readonly unsafe struct BFloat16Weights : IWeightFormat
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TVec, TSimd>(void* data, nint element)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => TSimd.LoadBFloat16(in ((ushort*)data)[element]);
}

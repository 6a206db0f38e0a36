using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnNative.Kernels.Simd;

/// <summary>Helpers of <see cref="ISimd{TVec}.DotInt8Quads"/> shared by the vector paths.</summary>
internal static class Int8Quads
{
    /// <summary>
    /// The lane-by-lane fallback for a build or machine without the integer instructions a width uses
    /// (e.g. 128-bit registers on x64 without SSSE3): each int32 lane of <paramref name="sums"/> plus the
    /// four products of its quad. Exact, slow.
    /// </summary>
    public static TVec ElementByElement<TVec>(TVec sums, ref readonly sbyte weights, int quad)
        where TVec : struct
    {
        TVec result = sums;
        Span<int> lanes = MemoryMarshal.Cast<TVec, int>(MemoryMarshal.CreateSpan(ref result, 1));
        for (int lane = 0; lane < lanes.Length; lane++)
        {
            for (int i = 0; i < 4; i++) lanes[lane] += Unsafe.Add(ref Unsafe.AsRef(in weights), 4 * lane + i) * (sbyte)(quad >> (8 * i));
        }
        return result;
    }
}

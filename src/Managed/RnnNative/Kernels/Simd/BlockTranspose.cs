using System.Runtime.CompilerServices;

namespace RnnNative.Kernels.Simd;

/// <summary>What the widths' <see cref="ISimd{TVec}.TransposeBlock"/> share: reading the block's rows,
/// and the element-by-element transpose for an ISA without the shuffles a width uses.</summary>
internal static class BlockTranspose
{
    /// <summary>Row <paramref name="row"/> of the block: Count floats at <c>source + row * stride</c>,
    /// or zeros (nothing read) from row <paramref name="rows"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Row<TVec, TSimd>(ref readonly float source, nint stride, int rows, int row)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => row < rows ? TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in source), row * stride)) : TSimd.Zero;

    public static void ElementByElement(int count, ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride)
    {
        for (int q = 0; q < count; q++)
        {
            ref float column = ref Unsafe.Add(ref destination, q * destinationStride);
            for (int r = 0; r < count; r++)
            {
                Unsafe.Add(ref column, r) = r < rows ? Unsafe.Add(ref Unsafe.AsRef(in source), r * sourceStride + q) : 0f;
            }
        }
    }
}

using System.Runtime.CompilerServices;

namespace RnnNative.Kernels.Simd;

/// <summary><see cref="ISimd{TVec}.TransposeBlock"/> element by element: the scalar path's, and the
/// fallback of a width whose shuffles the running ISA lacks.</summary>
internal static class ScalarTranspose
{
    public static void Block(int count, ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride)
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

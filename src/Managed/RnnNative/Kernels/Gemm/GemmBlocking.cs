using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Register tile and cache blocking of the GEMM for one register width (BLIS/Goto): the
/// microkernel computes a C tile of <see cref="MR"/> x <see cref="NR"/>; a packed
/// B panel [<see cref="KC"/>][NR] stays in L1 while the A block [<see cref="MC"/>][KC] stays in L2
/// (1 MB per core on Zen 4) and the B block [KC][<see cref="NC"/>] in L3.
/// </summary>
/// <remarks>
/// Every property folds to a JIT-time constant (<c>TSimd.Count</c> is one). Only <see cref="KC"/>
/// affects the arithmetic (it fixes where the K sum is split); MC and NC only move data, and the
/// parallel split never changes KC, which is why results do not depend on the thread count.
/// </remarks>
internal static class GemmBlocking<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    /// <summary>Rows of the register tile: 6 rows x 2 vectors = 12 accumulators, leaving
    /// registers for the 2 B vectors and the A broadcast even with 16 registers (AVX2).</summary>
    public static int MR => 6;

    /// <summary>Columns of the register tile: two vectors.</summary>
    public static int NR => 2 * TSimd.Count;

    /// <summary>Depth of one K block: a B panel of NR x KC floats is 16 KB for 256-bit and
    /// 512-bit vectors (half of the 32 KB L1), leaving room for the A panel and C lines.</summary>
    public static int KC => TSimd.Count switch
    {
        16 => 128,
        _ => 256,
    };

    /// <summary>Rows of one packed A block: MC x KC floats fill about half of L2.</summary>
    public static int MC => TSimd.Count switch
    {
        16 => 6 * 160,
        _ => 6 * 80,
    };

    /// <summary>Columns of one packed B block: KC x NC floats (4 MB at most) in the shared L3.</summary>
    public static int NC => 4096;
}

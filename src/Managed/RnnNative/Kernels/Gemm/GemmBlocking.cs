using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Register tile and cache blocking of the GEMM for one register width (BLIS/Goto): the
/// microkernel computes a C tile of <see cref="MR"/> x <see cref="NR"/> from a packed B panel
/// [<see cref="KC"/>][NR] (L1/L2) and an A panel [KC][MR] of the A block [<see cref="MC"/>][KC]
/// (L2, 1 MB per core on Zen 4); the B block [KC][<see cref="NC"/>] sits in L3.
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
    /// <summary>Rows of the register tile. 6 rows x 2 vectors = 12 accumulators leave registers
    /// for the 2 B vectors and the A broadcast with 16 registers (AVX2, and the narrower paths
    /// keep the same tile). 512-bit vectors come with 32 registers (AVX-512), enough for 8 rows
    /// (16 accumulators): each pair of B loads then feeds 16 FMAs instead of 12, and the
    /// recurrent step's 16 batch rows per thread (B = 32) are 2 whole tiles, where 6-row tiles
    /// need 6 + 6 + a four-row edge tile (see <see cref="MicroKernel{TVec, TSimd}"/>).</summary>
    public static int MR
    {
        // Forced: a getter with a branch is not inlined into the larger packing and driver loops
        // by default, and there every use of MR would become a call instead of a constant.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Count == 16 ? 8 : 6;
    }

    /// <summary>Columns of the register tile: two vectors.</summary>
    public static int NR => 2 * TSimd.Count;

    /// <summary>Depth of one K block. Deep on purpose: every K block reads and writes the whole C
    /// tile once, which costs more than the B panel (NR x KC: 32 KB at 256 bits, 64 KB at 512)
    /// spilling from L1 to L2, which still feeds the two B loads per k step (measured on Zen 4:
    /// 512 beats 128 and 256 by 10-20% on every LSTM shape, and k = 512 needs a single block).</summary>
    public static int KC => 512;

    /// <summary>Rows of one packed A block: MC x KC floats (about 300-500 KB) stay in L2.</summary>
    public static int MC => TSimd.Count switch
    {
        16 => 8 * 18,
        _ => 6 * 40,
    };

    /// <summary>Columns of one packed B block: KC x NC floats (8 MB at most) in the shared L3.</summary>
    public static int NC => 4096;
}

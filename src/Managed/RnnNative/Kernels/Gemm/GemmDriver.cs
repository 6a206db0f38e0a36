using System.Diagnostics;
using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// The serial blocked GEMM (BLIS/Goto loop nest) over one rectangle of C:
/// <code>
/// for jc (NC columns)                      B block [kc][nc]
///   for pc (KC deep)                       pack op(B) -> NR-wide panels (or use the prepacked ones)
///     for ic (MC rows)                     pack op(A) -> MR-tall panels
///       for jr (NR), for ir (MR)           microkernel on an MR x NR tile
/// </code>
/// Each C element gets the same operations wherever the rectangle, block and tile edges fall:
/// its K sum is split at multiples of KC only, and an edge tile runs the same microkernel (its
/// two- or four-row instantiation when it has at most that many rows), on a copy when it is not a whole tile.
/// </summary>
internal static unsafe class GemmDriver<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    private static int MR => GemmBlocking<TVec, TSimd>.MR;

    private static int NR => GemmBlocking<TVec, TSimd>.NR;

    private static int KC => GemmBlocking<TVec, TSimd>.KC;

    private static int MC => GemmBlocking<TVec, TSimd>.MC;

    private static int NC => GemmBlocking<TVec, TSimd>.NC;

    /// <summary>Floats of op(B) [k, n] packed by <see cref="PackAll"/>: every K block holds
    /// ceil(n/NR) panels [kc][NR].</summary>
    public static long PackedLength(int k, int n) => (long)k * RoundUpToPanel(n);

    /// <summary>Packs columns [colStart, colEnd) of op(B) [k, n] (colStart a multiple of NR) in the
    /// layout <see cref="Run"/> reads from <see cref="GemmProblem.Packed"/>: the K block starting at
    /// row pc is at <c>dst + pc * roundUp(n, NR)</c>, its panel of column j at <c>+ j * kc</c>.</summary>
    public static void PackAll(bool transB, float* b, int ldb, int k, int n, int colStart, int colEnd, float* dst)
    {
        Debug.Assert(colStart % NR == 0);
        int nPadded = RoundUpToPanel(n);
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            GemmPacking<TVec, TSimd>.PackB(transB, b, ldb, pc, kc, colStart, colEnd - colStart, dst + (long)pc * nPadded + (long)colStart * kc);
        }
    }

    /// <summary>Computes C[rowStart..rowEnd, colStart..colEnd] of <paramref name="g"/> (k &gt; 0) on
    /// this thread. With prepacked B, <paramref name="colStart"/> must be a multiple of NR.</summary>
    [SkipLocalsInit]
    public static void Run(ref readonly GemmProblem g, int rowStart, int rowEnd, int colStart, int colEnd)
    {
        Debug.Assert(g.K > 0 && colStart % NR == 0);
        (AlignedBuffer aBuffer, AlignedBuffer bBuffer) = AlignedBuffer.ForThisThread;
        int kcMax = Math.Min(KC, g.K);
        float* aPacked = aBuffer.Ensure(RoundUp(Math.Min(MC, rowEnd - rowStart), MR) * kcMax);
        float* bPacked = g.Packed == null ? bBuffer.Ensure(RoundUpToPanel(Math.Min(NC, colEnd - colStart)) * kcMax) : null;
        int nPadded = RoundUpToPanel(g.N);
        for (int jc = colStart; jc < colEnd; jc += NC)
        {
            int nc = Math.Min(NC, colEnd - jc);
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                float* bBlock;
                if (g.Packed != null)
                {
                    bBlock = g.Packed + (long)pc * nPadded + (long)jc * kc;
                }
                else
                {
                    GemmPacking<TVec, TSimd>.PackB(g.TransB, g.B, g.Ldb, pc, kc, jc, nc, bPacked);
                    bBlock = bPacked;
                }
                // beta scales C once, on the first K block; later blocks accumulate.
                bool first = pc == 0;
                float beta = first ? g.Beta : 1f;
                bool overwrite = first && g.Beta == 0f;
                for (int ic = rowStart; ic < rowEnd; ic += MC)
                {
                    int mc = Math.Min(MC, rowEnd - ic);
                    GemmPacking<TVec, TSimd>.PackA(g.TransA, g.A, g.Lda, ic, mc, pc, kc, aPacked);
                    MacroKernel(kc, mc, nc, aPacked, bBlock, g.C + (long)ic * g.Ldc + jc, g.Ldc, g.Alpha, beta, overwrite);
                }
            }
        }
    }

    /// <summary>C[mc, nc] (+)= packed A block [mc][kc] * packed B block [kc][nc], tile by tile.</summary>
    [SkipLocalsInit]
    private static void MacroKernel(int kc, int mc, int nc, float* aPacked, float* bBlock, float* c, int ldc, float alpha, float beta, bool overwrite)
    {
        float* tile = stackalloc float[MR * NR];
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bPanel = bBlock + jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* aPanel = aPacked + ir * kc;
                float* cTile = c + (long)ir * ldc + jr;
                // A tile of few rows runs a short microkernel: the same operations per element as
                // the full one, on fewer rows.
                int height = MicroKernel<TVec, TSimd>.Height(mr);
                if (nr == NR && mr == height)
                {
                    MicroKernel<TVec, TSimd>.Run(height, kc, aPanel, bPanel, cTile, ldc, alpha, beta, overwrite);
                }
                else
                {
                    // Edge tile: the microkernel on a copy, so these elements are computed exactly
                    // as they would be inside the matrix; only the valid part is kept.
                    new Span<float>(tile, height * NR).Clear();
                    if (!overwrite)
                    {
                        CopyTile(cTile, ldc, tile, NR, mr, nr);
                    }
                    MicroKernel<TVec, TSimd>.Run(height, kc, aPanel, bPanel, tile, NR, alpha, beta, overwrite);
                    CopyTile(tile, NR, cTile, ldc, mr, nr);
                }
            }
        }
    }

    private static void CopyTile(float* src, int lds, float* dst, int ldd, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<float>(src + (long)r * lds, cols).CopyTo(new Span<float>(dst + (long)r * ldd, cols));
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static int RoundUpToPanel(int n) => RoundUp(n, NR);
}

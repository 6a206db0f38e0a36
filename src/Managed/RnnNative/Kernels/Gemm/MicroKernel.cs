using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// The register tile of the GEMM, written once for every width:
/// <c>C[MR, NR] = alpha * Apanel^T * Bpanel + beta * C</c> where Apanel is [kc][MR] and Bpanel is
/// [kc][NR = 2 * Count], both packed. The 2 * rows accumulators (rows x 2 vectors) live in
/// registers; each k step loads two B vectors and broadcasts one A value per row. A full tile has
/// MR rows: 6, or 8 with 512-bit vectors (see <see cref="GemmBlocking{TVec, TSimd}.MR"/>); an edge
/// tile of at most four rows runs a four-row instantiation instead of the full tile, which on
/// the AVX2 path saves a ninth of a recurrent step (16 batch rows per thread: tiles of 6, 6 and 4),
/// and one of at most two rows a two-row instantiation (a 2x128 LSTM's B = 50: 6 tiles of 8 and 2
/// rows on one thread, 3 and 1 row per thread on two, where the four-row tile did twice the work).
/// Rows past the first two are guarded by tests of JIT-time constants, so an instantiation
/// carries neither the code nor the registers of rows it does not compute.
/// </summary>
/// <remarks>
/// Each accumulator sums its k products in order, starting from zero, with
/// <see cref="ISimd{TVec}.MultiplyAdd"/> (fused on the vector paths, unfused on the scalar one).
/// </remarks>
internal static unsafe class MicroKernel<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    private static int MR => GemmBlocking<TVec, TSimd>.MR;

    /// <summary>Rows the instantiation that runs a tile of <paramref name="rows"/> (1..MR) valid rows
    /// computes: 2, 4 or MR. Every instantiation does the same operations per element.</summary>
    public static int Height(int rows) => rows <= 2 ? 2 : rows <= 4 ? 4 : MR;

    /// <summary>The first <paramref name="height"/> rows (a <see cref="Height"/>) of a tile (the A panel
    /// keeps its MR stride); see <see cref="Run{TRows}"/> for the other parameters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(int height, int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool overwrite)
    {
        if (height == 2)
        {
            Run<TwoRows>(kc, a, b, c, ldc, alpha, beta, overwrite);
        }
        else if (height == 4)
        {
            Run<FourRows>(kc, a, b, c, ldc, alpha, beta, overwrite);
        }
        else
        {
            Run<FullTile>(kc, a, b, c, ldc, alpha, beta, overwrite);
        }
    }

    /// <typeparam name="TRows">How many of the tile's rows to compute (a JIT-time constant).</typeparam>
    /// <param name="kc">Depth of the K block.</param>
    /// <param name="a">Packed A panel [kc][MR].</param>
    /// <param name="b">Packed B panel [kc][NR].</param>
    /// <param name="c">The tile's top-left element; rows are <paramref name="ldc"/> apart.</param>
    /// <param name="overwrite">true: <c>C = alpha * AB</c> without reading C (beta = 0 on the first
    /// K block); false: <c>C = alpha * AB + beta * C</c> (beta = 1 on later K blocks).</param>
    [SkipLocalsInit]
    private static void Run<TRows>(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta, bool overwrite)
        where TRows : struct, ITileRows
    {
        int n = TSimd.Count;
        int rows = TRows.Count;
        PrefetchTile(c, ldc, rows);
        TVec c00 = TSimd.Zero, c01 = TSimd.Zero;
        TVec c10 = TSimd.Zero, c11 = TSimd.Zero;
        TVec c20 = TSimd.Zero, c21 = TSimd.Zero;
        TVec c30 = TSimd.Zero, c31 = TSimd.Zero;
        TVec c40 = TSimd.Zero, c41 = TSimd.Zero;
        TVec c50 = TSimd.Zero, c51 = TSimd.Zero;
        TVec c60 = TSimd.Zero, c61 = TSimd.Zero;
        TVec c70 = TSimd.Zero, c71 = TSimd.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TSimd.Load(in b[0]);
            TVec b1 = TSimd.Load(in b[n]);
            RowStep(a[0], b0, b1, ref c00, ref c01);
            RowStep(a[1], b0, b1, ref c10, ref c11);
            if (rows > 2)
            {
                RowStep(a[2], b0, b1, ref c20, ref c21);
                RowStep(a[3], b0, b1, ref c30, ref c31);
            }
            if (rows > 4)
            {
                RowStep(a[4], b0, b1, ref c40, ref c41);
                RowStep(a[5], b0, b1, ref c50, ref c51);
            }
            if (rows > 6)
            {
                RowStep(a[6], b0, b1, ref c60, ref c61);
                RowStep(a[7], b0, b1, ref c70, ref c71);
            }
            a += MR;
            b += 2 * n;
        }
        TVec va = TSimd.Broadcast(alpha);
        TVec vb = TSimd.Broadcast(beta);
        Update(c, c00, c01, va, vb, overwrite);
        Update(c + ldc, c10, c11, va, vb, overwrite);
        if (rows > 2)
        {
            Update(c + 2 * ldc, c20, c21, va, vb, overwrite);
            Update(c + 3 * ldc, c30, c31, va, vb, overwrite);
        }
        if (rows > 4)
        {
            Update(c + 4 * ldc, c40, c41, va, vb, overwrite);
            Update(c + 5 * ldc, c50, c51, va, vb, overwrite);
        }
        if (rows > 6)
        {
            Update(c + 6 * ldc, c60, c61, va, vb, overwrite);
            Update(c + 7 * ldc, c70, c71, va, vb, overwrite);
        }
    }

    /// <summary>One k step of one tile row: <c>[lo, hi] += a * [b0, b1]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowStep(float a, TVec b0, TVec b1, ref TVec lo, ref TVec hi)
    {
        TVec ai = TSimd.Broadcast(a);
        lo = TSimd.MultiplyAdd(ai, b0, lo);
        hi = TSimd.MultiplyAdd(ai, b1, hi);
    }

    /// <summary>Starts loading the C tile (first and last float of each row) so that the update
    /// after the k loop does not wait on L3 or memory; C is touched once per K block only, so it is
    /// rarely cached. A hint only: no-op where the ISA has no prefetch in .NET.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, int ldc, int rows)
    {
        if (Sse.IsSupported)
        {
            for (int r = 0; r < rows; r++)
            {
                Sse.Prefetch0(c + r * ldc);
                Sse.Prefetch0(c + r * ldc + 2 * TSimd.Count - 1);
            }
        }
    }

    /// <summary>One tile row: <c>C[0, 0..NR) = alpha * [lo, hi] (+ beta * C)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, TVec lo, TVec hi, TVec alpha, TVec beta, bool overwrite)
    {
        int n = TSimd.Count;
        if (overwrite)
        {
            TSimd.Store(TSimd.Multiply(alpha, lo), ref c[0]);
            TSimd.Store(TSimd.Multiply(alpha, hi), ref c[n]);
        }
        else
        {
            TSimd.Store(TSimd.MultiplyAdd(alpha, lo, TSimd.Multiply(beta, TSimd.Load(in c[0]))), ref c[0]);
            TSimd.Store(TSimd.MultiplyAdd(alpha, hi, TSimd.Multiply(beta, TSimd.Load(in c[n]))), ref c[n]);
        }
    }

    /// <summary>A tile height known to the JIT: each instantiation of <see cref="Run{TRows}"/> is compiled for one.</summary>
    private interface ITileRows
    {
        static abstract int Count { get; }
    }

    private readonly struct FullTile : ITileRows
    {
        public static int Count => MR;
    }

    private readonly struct FourRows : ITileRows
    {
        public static int Count => 4;
    }

    private readonly struct TwoRows : ITileRows
    {
        public static int Count => 2;
    }
}

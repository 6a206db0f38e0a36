using RnnNative.Kernels.Simd;
using RnnNative.Kernels.Threading;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Packs all of op(B) (<see cref="GemmDriver{TVec, TSimd}.PackAll"/>) on the engine's threads, each
/// taking a range of whole NR-column panels through every K block. A recurrent layer packs W_hh
/// once per window and direction; on one thread that copy (a transpose for the forward pass)
/// kept the other cores idle for about 0.3 ms each time. Panels are disjoint, so the packed
/// matrix is the same for any thread count.
/// </summary>
internal sealed unsafe class PackBWork<TVec, TSimd> : RowParallelWork
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    [ThreadStatic] private static PackBWork<TVec, TSimd>? t_instance;

    private float* _b;
    private float* _dst;
    private bool _transB;
    private int _ldb;
    private int _k;
    private int _n;

    private static int NR => GemmBlocking<TVec, TSimd>.NR;

    /// <summary>A piece copies at least 256 KiB: less costs more to hand over than to copy.</summary>
    protected override int MinimumElementsPerPiece => 1 << 16;

    /// <summary>Same contract as <see cref="GemmDriver{TVec, TSimd}.PackAll"/>; synchronous.</summary>
    public static void Run(bool transB, float* b, int ldb, int k, int n, float* dst)
    {
        if (k == 0 || n == 0)
        {
            return;
        }
        PackBWork<TVec, TSimd> work = t_instance ??= new PackBWork<TVec, TSimd>();
        work._b = b;
        work._dst = dst;
        (work._transB, work._ldb, work._k, work._n) = (transB, ldb, k, n);
        try
        {
            work.Run((n + NR - 1) / NR, k * NR);
        }
        finally
        {
            work._b = work._dst = null;
        }
    }

    protected override void RunRows(int first, int count) =>
        GemmDriver<TVec, TSimd>.PackAll(_transB, _b, _ldb, _k, _n, first * NR, Math.Min((first + count) * NR, _n), _dst);
}

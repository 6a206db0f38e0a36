using RnnNative.Kernels.Simd;
using RnnNative.Kernels.Threading;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Splits the rows of a straight GEMV (<c>y = alpha * A x + beta * y</c>) over the engine's
/// threads. A batch-1 step streams megabytes of weights per token from the last-level cache, more
/// than one core's bandwidth serves quickly; each thread reads its own rows. One instance per
/// calling thread, so the hot loop allocates nothing and concurrent callers never share one.
/// </summary>
internal sealed unsafe class GemvRows<TVec, TSimd> : RowParallelWork
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    [ThreadStatic] private static GemvRows<TVec, TSimd>? t_instance;

    private float* _a;
    private float* _x;
    private float* _y;
    private int _n;
    private int _lda;
    private float _alpha;
    private float _beta;

    /// <summary>A piece streams at least 128 KiB of A: less costs more to hand over than to read.</summary>
    protected override int MinimumElementsPerPiece => 1 << 15;

    /// <summary>Runs the GEMV; the pointers must stay fixed until it returns (it is synchronous).</summary>
    public static void Run(int m, int n, float alpha, float* a, int lda, float* x, float beta, float* y)
    {
        if ((long)m * n < 2L << 15)
        {
            Gemv<TVec, TSimd>.Straight(m, n, alpha, a, lda, x, beta, y);
            return;
        }
        GemvRows<TVec, TSimd> work = t_instance ??= new GemvRows<TVec, TSimd>();
        work._a = a;
        work._x = x;
        work._y = y;
        (work._n, work._lda, work._alpha, work._beta) = (n, lda, alpha, beta);
        try
        {
            work.Run(m, n);
        }
        finally
        {
            work._a = work._x = work._y = null;
        }
    }

    protected override void RunRows(int first, int count) =>
        Gemv<TVec, TSimd>.Straight(count, _n, _alpha, _a + (long)first * _lda, _lda, _x, _beta, _y + first);
}

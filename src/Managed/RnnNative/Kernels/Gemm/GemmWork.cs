using RnnNative.Kernels.Simd;
using RnnNative.Kernels.Threading;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Splits one GEMM over the engine's threads: C is cut into rectangles along M (in whole MR-row
/// tiles) or along N (in whole NR-column panels), and each piece runs the serial blocked GEMM on
/// its rectangle with its own thread's packing buffers (a row cut shares one packed op(B)). The
/// cut never touches K, so every element is computed by the same operations for any thread count.
/// </summary>
internal sealed unsafe class GemmWork<TVec, TSimd> : IParallelWork
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    /// <summary>Multiply-adds below which waking the workers costs more than it saves
    /// (2^21 is about 10 us of one core at the FMA peak).</summary>
    private const long ParallelThreshold = 1L << 21;

    // One per calling thread, so a steady stream of GEMMs allocates nothing; a piece never calls
    // GEMM, so an object is never in use twice at once.
    [ThreadStatic]
    private static GemmWork<TVec, TSimd>? t_work;

    // op(B) packed once for all pieces of a row cut; grows, never shrinks (a few MB at the LSTM shapes).
    private readonly AlignedBuffer _sharedB = new();
    private GemmProblem _problem;
    private bool _splitColumns;
    private int _units;
    private int _pieces;

    /// <summary>Computes all of C for <paramref name="problem"/> (m, n, k &gt; 0).</summary>
    public static void Run(ref readonly GemmProblem problem)
    {
        int mr = GemmBlocking<TVec, TSimd>.MR;
        int nr = GemmBlocking<TVec, TSimd>.NR;
        int threads = Parallelism.AvailableThreads;
        int rowUnits = (problem.M + mr - 1) / mr;
        int colUnits = (problem.N + nr - 1) / nr;
        // A column cut makes every piece pack all of op(A) (m*k floats); a row cut makes every
        // piece stream all of op(B) (k*n), packed once for all of them (below) or prepacked: cut
        // the longer side, unless it has too few tiles to go around. With op(B) prepacked, a row
        // cut pays once op(A) is the deep side (k > n), as in the backward recurrent step
        // dh = dGates · W_hh (m = B, k = 4H, n = H; measured on a 2x256 LSTM: 10% less time in
        // those steps). The forward step (k = H, n = 4H) stays faster cut by columns.
        bool splitColumns = problem.IsPrepacked && problem.K > problem.N
            ? rowUnits < 2
            : problem.N > problem.M ? colUnits > 1 : rowUnits < 2;
        int units = splitColumns ? colUnits : rowUnits;
        int pieces = Math.Min(threads, units);
        if (pieces < 2 || (long)problem.M * problem.N * problem.K < ParallelThreshold)
        {
            GemmDriver<TVec, TSimd>.Run(in problem, 0, problem.M, 0, problem.N);
            return;
        }
        GemmWork<TVec, TSimd> work = t_work ??= new GemmWork<TVec, TSimd>();
        work._problem = problem;
        long packedLength = GemmDriver<TVec, TSimd>.PackedLength(problem.K, problem.N);
        if (!splitColumns && !problem.IsPrepacked && packedLength <= Array.MaxLength - AlignedBuffer.Slack)
        {
            // A row cut would make every piece pack all of op(B) for itself: pack it once, on all
            // threads, and let the pieces share it (2-3% of a large GEMM's time per extra copy).
            work._problem.Packed = work._sharedB.Ensure((int)packedLength);
            PackBWork<TVec, TSimd>.Run(problem.TransB, problem.B, problem.Ldb, problem.K, problem.N, work._problem.Packed);
        }
        work._splitColumns = splitColumns;
        work._units = units;
        work._pieces = pieces;
        try
        {
            Parallelism.Run(work, pieces);
        }
        finally
        {
            work._problem = default; // the pointers die with the caller's pins
        }
    }

    public void Run(int index)
    {
        int first = (int)((long)_units * index / _pieces);
        int end = (int)((long)_units * (index + 1) / _pieces);
        if (_splitColumns)
        {
            int nr = GemmBlocking<TVec, TSimd>.NR;
            GemmDriver<TVec, TSimd>.Run(in _problem, 0, _problem.M, first * nr, Math.Min(end * nr, _problem.N));
        }
        else
        {
            int mr = GemmBlocking<TVec, TSimd>.MR;
            GemmDriver<TVec, TSimd>.Run(in _problem, first * mr, Math.Min(end * mr, _problem.M), 0, _problem.N);
        }
    }
}

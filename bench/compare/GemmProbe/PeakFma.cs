using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnNative.Kernels;
using RnnNative.Kernels.Simd;

/// <summary>
/// The FMA peak of one kernel path: GFLOP/s of a loop of independent <see cref="ISimd{TVec}.MultiplyAdd"/>
/// (the instruction the GEMM microkernel issues), on 1 thread and on several at once, so compare.py can
/// say what share of the machine a training update sustains.
/// </summary>
internal static class PeakFma
{
    // Enough independent chains to cover FMA latency x pipes (4 cycles x 2 pipes on Zen 4/5).
    private const int Chains = 16;
    private const int Iterations = 1 << 23;   // 30-60 ms per loop on 512-bit vectors: past the clock's ramp

    /// <summary>Best GFLOP/s over <paramref name="repeats"/> runs of <paramref name="threads"/> threads,
    /// each running the loop once at the same time (the time of the slowest; each thread times its own
    /// loop, so thread start-up is not counted). A busy machine only lowers it: take the best of many.</summary>
    public static double Measure(KernelPath path, int threads, int repeats = 10) => path switch
    {
        KernelPath.Scalar => Measure<float, ScalarSimd>(threads, repeats),
        KernelPath.Vector128 => Measure<Vector128<float>, Simd128>(threads, repeats),
        KernelPath.Avx2 => Measure<Vector256<float>, Simd256>(threads, repeats),
        _ => Measure<Vector512<float>, Simd512>(threads, repeats),
    };

    private static double Measure<TVec, TSimd>(int threads, int repeats)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        Loop<TVec, TSimd>(Iterations / 16); // tiering
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            using Barrier start = new(threads);
            double[] seconds = new double[threads];
            Thread[] workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                long begin = Stopwatch.GetTimestamp();
                Loop<TVec, TSimd>(Iterations);
                seconds[i] = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            })).ToArray();
            foreach (Thread worker in workers) worker.Start();
            foreach (Thread worker in workers) worker.Join();
            best = Math.Min(best, seconds.Max());
        }
        // FLOPs: 2 per lane per FMA.
        return 2.0 * Chains * TSimd.Count * Iterations * threads / best / 1e9;
    }

    /// <summary>Iterations x <see cref="Chains"/> independent multiply-adds; the result keeps the JIT from dropping them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop<TVec, TSimd>(int iterations)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec a = TSimd.Broadcast(0.999f), b = TSimd.Broadcast(1e-3f);
        TVec c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero;
        TVec c4 = TSimd.Zero, c5 = TSimd.Zero, c6 = TSimd.Zero, c7 = TSimd.Zero;
        TVec c8 = TSimd.Zero, c9 = TSimd.Zero, c10 = TSimd.Zero, c11 = TSimd.Zero;
        TVec c12 = TSimd.Zero, c13 = TSimd.Zero, c14 = TSimd.Zero, c15 = TSimd.Zero;
        for (int i = 0; i < iterations; i++)
        {
            c0 = TSimd.MultiplyAdd(a, c0, b); c1 = TSimd.MultiplyAdd(a, c1, b);
            c2 = TSimd.MultiplyAdd(a, c2, b); c3 = TSimd.MultiplyAdd(a, c3, b);
            c4 = TSimd.MultiplyAdd(a, c4, b); c5 = TSimd.MultiplyAdd(a, c5, b);
            c6 = TSimd.MultiplyAdd(a, c6, b); c7 = TSimd.MultiplyAdd(a, c7, b);
            c8 = TSimd.MultiplyAdd(a, c8, b); c9 = TSimd.MultiplyAdd(a, c9, b);
            c10 = TSimd.MultiplyAdd(a, c10, b); c11 = TSimd.MultiplyAdd(a, c11, b);
            c12 = TSimd.MultiplyAdd(a, c12, b); c13 = TSimd.MultiplyAdd(a, c13, b);
            c14 = TSimd.MultiplyAdd(a, c14, b); c15 = TSimd.MultiplyAdd(a, c15, b);
        }
        TVec sum = TSimd.Add(TSimd.Add(TSimd.Add(c0, c1), TSimd.Add(c2, c3)), TSimd.Add(TSimd.Add(c4, c5), TSimd.Add(c6, c7)));
        sum = TSimd.Add(sum, TSimd.Add(TSimd.Add(TSimd.Add(c8, c9), TSimd.Add(c10, c11)), TSimd.Add(TSimd.Add(c12, c13), TSimd.Add(c14, c15))));
        return TSimd.Sum(sum);
    }
}

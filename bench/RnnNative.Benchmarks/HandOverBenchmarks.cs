using BenchmarkDotNet.Attributes;
using RnnNative.Kernels.Threading;

namespace RnnNative.Benchmarks;

/// <summary>
/// What one parallel region costs besides its work: two pieces of a fixed chain of dependent multiply-adds
/// (0.55-0.6 us each on the Zen 5 host, no memory), through the engine's worker team (the caller runs piece 0). One
/// thread runs both; two threads take one piece's time plus the hand-over a batch-1 step pays once per
/// token: a worker sees the call and claims its piece, and the caller sees it finish. So the hand-over is
/// the two-thread time minus half the one-thread time. The cores' distance (a cache line's trip between
/// them) sets it, so compare builds in the same run.
/// </summary>
[MinColumn]
public class HandOverBenchmarks
{
    private readonly ChainWork _work = new();

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => Parallelism.ThreadCount = Threads;

    [Benchmark(Description = "region of two short pieces")]
    public void Region() => Parallelism.Run(_work, 2);

    private sealed class ChainWork : IParallelWork
    {
        private const int Steps = 1000;   // dependent steps: the piece's length does not depend on memory

        // A line per piece, so the pieces do not share what they write.
        private readonly long[] _results = new long[64];

        public void Run(int index)
        {
            long x = index;
            for (int i = 0; i < Steps; i++)
            {
                x = x * 3 + 1;
            }
            _results[index * 16] = x;
        }
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RnnNative.Kernels.Threading;

namespace RnnNative.Benchmarks;

/// <summary>
/// The read bandwidth a batch-1 step can hope for: a load-only loop over <see cref="Bytes"/> of memory, split
/// between <see cref="Threads"/> threads by the engine's own worker team as a step splits a layer's panels
/// (contiguous halves, the same half to the same piece every call). A buffer that fits the L2 of the cores
/// reading it measures L2, a larger one L3 (or DRAM). GB/s = Bytes / time (Min: the run least disturbed by other processes). This is the ceiling the
/// README's performance section compares the steps' bytes per token with.
/// </summary>
[MinColumn]
public class ReadBandwidthBenchmarks
{
    private readonly SumWork _work = new();

    /// <summary>Total bytes read per call: L2-sized (256 KiB to 1 MiB per core), and L3-sized.</summary>
    [Params(256 << 10, 512 << 10, 1 << 20, 2 << 20, 4 << 20, 12 << 20)]
    public int Bytes { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.ThreadCount = Threads;
        _work.Allocate(Bytes);
    }

    [GlobalCleanup]
    public void Cleanup() => _work.Free();

    [Benchmark(Description = "load-only loop")]
    public void Read() => _work.Read(Threads);

    /// <summary>Each piece ORs its half of the buffer into eight registers (independent chains: loads, not
    /// the OR, are the limit) and stores the result, so the loads cannot be dropped.</summary>
    private sealed unsafe class SumWork : RowParallelWork
    {
        private byte* _data;
        private int _bytes;
        private int _parts;
        private readonly Vector512<byte>[] _sink = new Vector512<byte>[64];

        /// <summary>One piece per thread, whatever its size: this measures the memory, not the split rule.</summary>
        protected override int MinimumElementsPerPiece => 1;

        public void Allocate(int bytes)
        {
            Free();
            _bytes = bytes;
            _data = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
            new Span<byte>(_data, bytes).Fill(1);
        }

        /// <summary>Reads the buffer once in <paramref name="parts"/> contiguous parts, one piece each.</summary>
        public void Read(int parts)
        {
            _parts = parts;
            Run(parts, 1);
        }

        public void Free()
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }

        protected override void RunRows(int first, int count)
        {
            long start = (long)_bytes * first / _parts, end = (long)_bytes * (first + count) / _parts;
            Vector512<byte> a = default, b = default, c = default, d = default, e = default, f = default, g = default, h = default;
            for (long at = start; at + 512 <= end; at += 512)
            {
                byte* p = _data + at;
                a |= Vector512.Load(p);
                b |= Vector512.Load(p + 64);
                c |= Vector512.Load(p + 128);
                d |= Vector512.Load(p + 192);
                e |= Vector512.Load(p + 256);
                f |= Vector512.Load(p + 320);
                g |= Vector512.Load(p + 384);
                h |= Vector512.Load(p + 448);
            }
            _sink[first % _sink.Length] = a | b | c | d | e | f | g | h;
        }
    }
}

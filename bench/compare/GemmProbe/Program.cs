using System.Diagnostics;
using System.Globalization;
using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Kernels.Threading;

// SGEMM GFLOP/s of the active kernel path at the shapes of a 2x512 LSTM (T=100, B=32), the same
// products as bench/RnnNative.Benchmarks/GemmBenchmarks.cs, on 2 engine threads. Prints one JSON
// object, plus the single-thread rate on a cache-resident product, which bounds what the LSTM
// shapes can reach on this CPU, and the FMA peak of every kernel path on 1 and 2 threads (PeakFma),
// the bound compare.py divides a training update's GFLOP/s by. Usage: dotnet run -c Release -- [seconds per shape, default 2]
double secondsPerShape = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2.0;
const int T = 100, B = 32, H = 512, G = 4 * H;
Parallelism.ThreadCount = 2;
KernelSet kernels = KernelSet.Active;

Random random = new(42);
float[] Fill(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
float[] x = Fill(T * B * H), weights = Fill(G * H), gates = Fill(T * B * G), hidden = Fill(B * H);
float[] stepGates = new float[B * G], dW = new float[G * H], dX = new float[T * B * H];
PackedMatrix packedWeights = kernels.PackB(true, H, G, weights, H);
float[] smallA = Fill(48 * 256), smallC = new float[48 * 128];
PackedMatrix smallB = kernels.PackB(false, 256, 128, Fill(256 * 128), 128);

(string Name, int M, int N, int K, Action Run)[] shapes =
[
    ("3200x2048x512", T * B, G, H, () => kernels.Gemm(false, true, T * B, G, H, 1f, x, H, weights, H, 0f, gates, G)),           // gates = x W_ih^T
    ("32x2048x512", B, G, H, () => kernels.Gemm(false, true, B, G, H, 1f, hidden, H, weights, H, 1f, stepGates, G)),             // gates_t += h W_hh^T
    ("32x2048x512 packed", B, G, H, () => kernels.Gemm(false, B, 1f, hidden, H, packedWeights, 1f, stepGates, G)),             // W_hh packed once per window
    ("2048x512x3200", G, H, T * B, () => kernels.Gemm(true, false, G, H, T * B, 1f, gates, G, x, H, 0f, dW, H)),               // dW = dGates^T x
    ("3200x512x2048", T * B, H, G, () => kernels.Gemm(false, false, T * B, H, G, 1f, gates, G, weights, H, 0f, dX, H)),        // dX = dGates W
    ("48x128x256 in cache, 1 thread", 48, 128, 256, () => kernels.Gemm(false, 48, 1f, smallA, 256, smallB, 0f, smallC, 128)), // below the parallel threshold: one core
];

List<string> rows = [];
foreach ((string name, int m, int n, int k, Action run) in shapes)
{
    for (int i = 0; i < 3; i++)
        run(); // warm-up: tiering, packing buffers, worker threads
    // Best single call within the budget: the statistic compare.py takes for numpy, so both
    // sides are measured alike (the mean of a batch of calls counted every interruption).
    double best = double.MaxValue;
    Stopwatch budget = Stopwatch.StartNew();
    while (budget.Elapsed.TotalSeconds < secondsPerShape)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
    double gflops = 2.0 * m * n * k / best / 1e9;
    rows.Add(string.Create(CultureInfo.InvariantCulture, $"\"{name}\": {gflops:F2}"));
}
// "peak": {"avx512": {"1": GFLOP/s, "2": GFLOP/s}, ...} for every path this machine runs.
IEnumerable<string> peaks = KernelPaths.Available.Select(path => string.Create(CultureInfo.InvariantCulture,
    $"\"{KernelPaths.Name(path)}\": {{\"1\": {PeakFma.Measure(path, 1):F1}, \"2\": {PeakFma.Measure(path, 2):F1}}}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"path\": \"{KernelPaths.Active}\", \"threads\": {Parallelism.ThreadCount}, \"gflops\": {{{string.Join(", ", rows)}}}, \"peak\": {{{string.Join(", ", peaks)}}}}}"));

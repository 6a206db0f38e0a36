using BenchmarkDotNet.Attributes;
using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Benchmarks;

/// <summary>
/// One training window of a 2-layer LSTM (forward and BPTT, no optimizer): the shapes of issue 2,
/// hidden 512 with B=32, T=100, and the char-rnn default, hidden 256 with B=32, T=64.
/// Tokens/s = T*B / mean time.
/// </summary>
[MemoryDiagnoser]
public class RecurrentBenchmarks
{
    private RecurrentStack _stack = null!;
    private float[] _input = [];
    private float[] _dOutput = [];
    private float[] _dInput = [];

    [Params(256, 512)]
    public int Hidden { get; set; }

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    public static IEnumerable<KernelPath> Paths => KernelPaths.Available.Where(p => p != KernelPath.Scalar);

    private int Steps => Hidden == 512 ? 100 : 64;

    private const int Batch = 32;

    [GlobalSetup]
    public void Setup()
    {
        _stack = new RecurrentStack(new RecurrentConfig(CellType.Lstm, Hidden, Hidden, Layers: 2), KernelSet.For(Path));
        _stack.Initialize(new Random(1));
        Random random = new(2);
        _input = Enumerable.Range(0, Steps * Batch * Hidden).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _dOutput = Enumerable.Range(0, Steps * Batch * Hidden).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _dInput = new float[_input.Length];
    }

    [Benchmark(Description = "LSTM 2 layers forward+backward window")]
    public void ForwardBackward()
    {
        _stack.Forward(_input, Steps, Batch, [], [], [], [], []);
        _stack.Backward(_dOutput, [], [], _dInput, [], []);
    }
}

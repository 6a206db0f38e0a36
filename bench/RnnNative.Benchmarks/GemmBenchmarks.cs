using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;

namespace RnnNative.Benchmarks;

/// <summary>
/// SGEMM at the shapes of an LSTM with 2 layers of H = 512, batch B = 32, window T = 100, per
/// kernel path, on all engine threads. The GFLOP/s column is 2*m*n*k / mean time.
/// </summary>
[Config(typeof(GemmConfig))]
public class GemmBenchmarks
{
    private const int T = 100, B = 32, H = 512, G = 4 * H;

    private float[] _x = [];        // [T*B, H]   layer input
    private float[] _weights = [];  // [4H, H]    W_ih or W_hh
    private float[] _gates = [];    // [T*B, 4H]  gates / dGates
    private float[] _hidden = [];   // [B, H]
    private float[] _stepGates = []; // [B, 4H]
    private float[] _dW = [];       // [4H, H]
    private float[] _dX = [];       // [T*B, H]
    private KernelSet _kernels = null!;
    private PackedMatrix _packedWeights = null!;

    public static IEnumerable<KernelPath> Paths => KernelPaths.Available;

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random random = new(42);
        float[] Fill(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        _x = Fill(T * B * H);
        _weights = Fill(G * H);
        _gates = Fill(T * B * G);
        _hidden = Fill(B * H);
        _stepGates = new float[B * G];
        _dW = new float[G * H];
        _dX = new float[T * B * H];
        _kernels = KernelSet.For(Path);
        _packedWeights = _kernels.PackB(true, H, G, _weights, H);
    }

    /// <summary>gates[T*B, 4H] = x[T*B, H] W_ih^T.</summary>
    [Benchmark, GemmShape(T * B, G, H)]
    public void InputProjection() => _kernels.Gemm(false, true, T * B, G, H, 1f, _x, H, _weights, H, 0f, _gates, G);

    /// <summary>gates_t[B, 4H] += h_{t-1}[B, H] W_hh^T, packing W_hh every call.</summary>
    [Benchmark, GemmShape(B, G, H)]
    public void RecurrentStep() => _kernels.Gemm(false, true, B, G, H, 1f, _hidden, H, _weights, H, 1f, _stepGates, G);

    /// <summary>gates_t[B, 4H] += h_{t-1}[B, H] W_hh^T with W_hh packed once per window.</summary>
    [Benchmark, GemmShape(B, G, H)]
    public void RecurrentStepPacked() => _kernels.Gemm(false, B, 1f, _hidden, H, _packedWeights, 1f, _stepGates, G);

    /// <summary>dW[4H, H] = dGates^T[4H, T*B] x[T*B, H].</summary>
    [Benchmark, GemmShape(G, H, T * B)]
    public void WeightGradient() => _kernels.Gemm(true, false, G, H, T * B, 1f, _gates, G, _x, H, 0f, _dW, H);

    /// <summary>dX[T*B, H] = dGates[T*B, 4H] W[4H, H].</summary>
    [Benchmark, GemmShape(T * B, H, G)]
    public void InputGradient() => _kernels.Gemm(false, false, T * B, H, G, 1f, _gates, G, _weights, H, 0f, _dX, H);
}

/// <summary>The m, n, k of a GEMM benchmark, read by <see cref="GflopsColumn"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GemmShapeAttribute(int m, int n, int k) : Attribute
{
    public double Flops { get; } = 2.0 * m * n * k;
}

public sealed class GemmConfig : ManualConfig
{
    public GemmConfig() => AddColumn(new GflopsColumn());
}

/// <summary>2*m*n*k / mean, from the method's <see cref="GemmShapeAttribute"/>.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "2*m*n*k / Mean, in 10^9 floating-point operations per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        GemmShapeAttribute? shape = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttributes(typeof(GemmShapeAttribute), false).OfType<GemmShapeAttribute>().FirstOrDefault();
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return shape is null || meanNanoseconds is not > 0 ? "-" : (shape.Flops / meanNanoseconds.Value).ToString("F1");
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

using BenchmarkDotNet.Attributes;
using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;

namespace RnnNative.Benchmarks;

/// <summary>
/// One single-stream step of a 2-layer LSTM language model (vocabulary 65, embedding = hidden):
/// the per-token cost of sampling without the draw, per kernel path and step-weight precision.
/// Each invocation steps 100 tokens (OperationsPerInvoke), so the time shown is per token.
/// </summary>
[MemoryDiagnoser]
public class SamplingBenchmarks
{
    private const int Tokens = 100;
    private LanguageModel _model = null!;
    private RecurrentState _state = null!;
    private float[] _logits = [];
    private readonly int[] _token = new int[1];

    [Params(128, 256, 512)]
    public int Hidden { get; set; }

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    [Params(WeightPrecision.Float32, WeightPrecision.BFloat16, WeightPrecision.Int8)]
    public WeightPrecision Precision { get; set; }

    public static IEnumerable<KernelPath> Paths => KernelPaths.Available.Where(p => p != KernelPath.Scalar);

    [GlobalSetup]
    public void Setup()
    {
        _model = new LanguageModel(new LanguageModelConfig(65, Hidden, CellType.Lstm, Hidden, Layers: 2), KernelSet.For(Path));
        _model.Initialize(new Random(1));
        _model.StepPrecision = Precision;
        _state = new RecurrentState(_model.Config.Recurrent, 1);
        _logits = new float[65];
    }

    [Benchmark(Description = "LSTM 2 layers, one token of one stream", OperationsPerInvoke = Tokens)]
    public void Step()
    {
        for (int t = 0; t < Tokens; t++)
        {
            _token[0] = t % 65;
            _model.Step(_token, _state, _logits);
        }
    }
}

using BenchmarkDotNet.Attributes;
using RnnNative.Cells;
using RnnNative.Kernels.Step;
using RnnNative.Model;

namespace RnnNative.Benchmarks;

/// <summary>
/// Batched serving (issue 17 section 4): one step of 64 streams of a 2x512 language model (vocabulary 65, embedding =
/// hidden), LSTM and GRU, per step-weight precision (bfloat16 and int8 through the batched step weights, float32 through
/// the training forward's GEMMs: see BatchedTokenStep.Serves), on this machine's best kernel path. Each invocation steps 10
/// tokens of every stream (OperationsPerInvoke = 640), so the time shown is per token: tokens/s = 1 / time. The peers
/// (ONNX Runtime, libtorch stepping a batch of 64) are measured by bench/compare.
/// </summary>
[MemoryDiagnoser]
public class BatchedSamplingBenchmarks
{
    private const int Streams = 64, Steps = 10;
    private LanguageModel _model = null!;
    private RecurrentState _state = null!;
    private float[] _logits = [];
    private readonly int[] _tokens = new int[Streams];

    [Params(CellType.Lstm, CellType.Gru)]
    public CellType Cell { get; set; }

    [Params(WeightPrecision.Float32, WeightPrecision.BFloat16, WeightPrecision.Int8)]
    public WeightPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new LanguageModel(new LanguageModelConfig(65, 512, Cell, 512, Layers: 2));
        _model.Initialize(new Random(1));
        _model.StepPrecision = Precision;
        _state = new RecurrentState(_model.Config.Recurrent, Streams);
        _logits = new float[Streams * 65];
    }

    [Benchmark(Description = "2x512, one token of each of 64 streams", OperationsPerInvoke = Streams * Steps)]
    public void Step()
    {
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Streams; b++) _tokens[b] = (b + 7 * t) % 65;
            _model.Step(_tokens, _state, _logits);
        }
    }
}

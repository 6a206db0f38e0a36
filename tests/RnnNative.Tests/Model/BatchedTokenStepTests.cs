using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Randomness;

namespace RnnNative.Tests.Model;

/// <summary>
/// Batched steps (B streams through the step weights at once, <see cref="BatchedTokenStep"/>) against B single-token
/// steps of the same precision: every cell (LSTM, GRU, Elman), with and without the token table, one-hot input and the
/// class-factored head, B = 1..9 (odd, so stream groups are padded) and 64, states carried over several tokens, on
/// every kernel path and precision; each vector path against the scalar path; the public routes
/// (<see cref="LanguageModel.Step"/>, <see cref="LanguageModel.SampleStep"/>); and a control that the comparison fails
/// when a stream reads another stream's tokens.
/// </summary>
public class BatchedTokenStepTests
{
    private const int Tokens = 6;
    private static readonly int[] s_streamCounts = [1, 3, 5, 7, 9, 64];

    /// <summary>As <see cref="SingleTokenStepTests"/>: V = 37 reads the token table, V = 300 W_ih; H = 45 fits no register width.</summary>
    private static readonly LanguageModelConfig[] s_configs =
    [
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 2),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 2),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Elman, HiddenSize: 45, Layers: 2, Activation.Tanh),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Elman, HiddenSize: 45, Layers: 2, Activation.Relu),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Gru, HiddenSize: 45, Layers: 2),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Gru, HiddenSize: 45, Layers: 3),
        new(VocabularySize: 37, EmbeddingSize: 0, CellType.Gru, HiddenSize: 45, Layers: 2, Input: InputEncoding.OneHot),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 2) { Softmax = SoftmaxKind.Class, Classes = 6 },
        // Layer 1 reads 400 columns: more than one chunk of a panel with the small chunks of Chunks_change_no_bit (the sums wait in memory between chunks; GRU's h section starts inside one).
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 200, Layers: 2),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Gru, HiddenSize: 200, Layers: 2),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Elman, HiddenSize: 200, Layers: 2, Activation.Tanh),
    ];

    private static readonly WeightPrecision[] s_precisions = [WeightPrecision.Float32, WeightPrecision.BFloat16, WeightPrecision.Int8];

    public static TheoryData<KernelPath, int, WeightPrecision> PathsConfigsAndPrecisions()
    {
        TheoryData<KernelPath, int, WeightPrecision> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            for (int config = 0; config < s_configs.Length; config++)
            {
                foreach (WeightPrecision precision in s_precisions) data.Add(path, config, precision);
            }
        }
        return data;
    }

    public static TheoryData<KernelPath, WeightPrecision> VectorPathsAndPrecisions() => VectorPathsWith(s_precisions);

    /// <summary>The precisions whose batched kernels read panels in <see cref="BatchedStepChunk"/>s (int8 has its own kernels).</summary>
    public static TheoryData<KernelPath, WeightPrecision> VectorPathsAndFloatPrecisions() => VectorPathsWith([WeightPrecision.Float32, WeightPrecision.BFloat16]);

    private static TheoryData<KernelPath, WeightPrecision> VectorPathsWith(WeightPrecision[] precisions)
    {
        TheoryData<KernelPath, WeightPrecision> data = [];
        foreach (KernelPath path in KernelPaths.Available.Where(p => p != KernelPath.Scalar))
        {
            foreach (WeightPrecision precision in precisions) data.Add(path, precision);
        }
        return data;
    }

    private static LanguageModel CreateModel(LanguageModelConfig config, KernelPath path, WeightPrecision precision)
    {
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(11));
        model.StepPrecision = precision;
        return model;
    }

    /// <summary>Stream b's token at timestep t: every stream reads its own sequence.</summary>
    private static int TokenOf(int stream, int t, int vocabulary) => (stream * 5 + t * 7 + stream * t) % vocabulary;

    private static int[] TokensAt(int streams, int t, int vocabulary) => [.. Enumerable.Range(0, streams).Select(b => TokenOf(b, t, vocabulary))];

    /// <summary>|a - b| ≤ 1e-5 · max(1, |b|): the summation order of float32 sums (FMA chains differ between the kernels).</summary>
    private static void AssertClose(float actual, float expected, float tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Max(1f, Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    /// <summary>
    /// <paramref name="streams"/> streams through <paramref name="batched"/> (direct, or through <see cref="LanguageModel.Step"/>)
    /// and each alone through <paramref name="single"/>'s single-token step, <see cref="Tokens"/> tokens on; logits and
    /// final states agree within <paramref name="tolerance"/> (relative). <paramref name="readsStream"/> maps the stream
    /// whose tokens the single steps read (the identity, or a mix-up for the control).
    /// </summary>
    private static float LargestDifference(LanguageModel batched, LanguageModel single, int streams, bool direct, Func<int, int> readsStream)
    {
        LanguageModelConfig config = batched.Config;
        int v = config.VocabularySize, h = config.HiddenSize, layers = config.Layers;
        RecurrentState together = new(config.Recurrent, streams);
        RecurrentState[] alone = [.. Enumerable.Range(0, streams).Select(_ => new RecurrentState(config.Recurrent, 1))];
        float[] togetherLogits = new float[streams * v], aloneLogits = new float[v];
        BatchedTokenStep step = new(batched, streams);
        StepWeights weights = StepWeights.Build(batched, batched.StepPrecision, batched.Version.Value);
        float largest = 0;
        for (int t = 0; t < Tokens; t++)
        {
            int[] tokens = TokensAt(streams, t, v);
            if (direct) step.Run(weights, tokens, together, togetherLogits);
            else batched.Step(tokens, together, togetherLogits);
            for (int b = 0; b < streams; b++)
            {
                single.Step([TokenOf(readsStream(b), t, v)], alone[b], aloneLogits);
                for (int j = 0; j < v; j++)
                {
                    float expected = aloneLogits[j];
                    largest = Math.Max(largest, Math.Abs(togetherLogits[b * v + j] - expected) / Math.Max(1f, Math.Abs(expected)));
                }
            }
        }
        for (int b = 0; b < streams; b++)
        {
            for (int layer = 0; layer < layers; layer++)
            {
                for (int unit = 0; unit < h; unit++)
                {
                    int at = (layer * streams + b) * h + unit;
                    largest = Math.Max(largest, Math.Abs(together.Hidden[at] - alone[b].Hidden[layer * h + unit]));
                    if (together.Cell.Length > 0)
                    {
                        float c = alone[b].Cell[layer * h + unit];
                        largest = Math.Max(largest, Math.Abs(together.Cell[at] - c) / Math.Max(1f, Math.Abs(c)));
                    }
                }
            }
        }
        return largest;
    }

    [Theory]
    [MemberData(nameof(PathsConfigsAndPrecisions))]
    public void A_batched_step_equals_each_stream_stepped_alone(KernelPath path, int config, WeightPrecision precision)
    {
        LanguageModel model = CreateModel(s_configs[config], path, precision);
        foreach (int streams in s_streamCounts)
        {
            float difference = LargestDifference(model, model, streams, direct: true, b => b);
            Assert.True(difference <= 1e-5f, $"{s_configs[config]}, {precision}, B = {streams}: logits or state differ by {difference}");
        }
    }

    /// <summary>
    /// The float32 and bfloat16 kernels read a panel in chunks of <see cref="BatchedStepChunk.Bytes"/> (one chunk for these
    /// models by default): with 4 KiB chunks (16-64 columns: many per panel, the GRU's h section starting inside one) the
    /// wide configs give the same bits as with one chunk, and still each stream's single steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPathsAndFloatPrecisions))]
    public void Chunks_change_no_bit(KernelPath path, WeightPrecision precision)
    {
        foreach (LanguageModelConfig config in s_configs.Where(c => c.HiddenSize == 200))
        {
            LanguageModel model = CreateModel(config, path, precision);
            float[] whole = StepStreams(model, 9);
            float[] chunked;
            try
            {
                BatchedStepChunk.Bytes = 4096;
                chunked = StepStreams(model, 9);
                Assert.True(LargestDifference(model, model, 9, direct: true, b => b) <= 1e-5f, $"{config}, {precision}: chunked steps against single steps");
            }
            finally
            {
                BatchedStepChunk.Bytes = BatchedStepChunk.DefaultBytes;
            }
            Assert.Equal(whole, chunked);
        }
    }

    /// <summary>The logits of <see cref="Tokens"/> batched steps of <paramref name="streams"/> streams, then the final h and c.</summary>
    private static float[] StepStreams(LanguageModel model, int streams)
    {
        LanguageModelConfig config = model.Config;
        RecurrentState state = new(config.Recurrent, streams);
        BatchedTokenStep step = new(model, streams);
        StepWeights weights = StepWeights.Build(model, model.StepPrecision, 0);
        List<float> results = [];
        float[] logits = new float[streams * config.VocabularySize];
        for (int t = 0; t < Tokens; t++)
        {
            step.Run(weights, TokensAt(streams, t, config.VocabularySize), state, logits);
            results.AddRange(logits);
        }
        return [.. results, .. state.Hidden, .. state.Cell];
    }

    /// <summary>The control: a stream compared with another stream's tokens differs far beyond the tolerance.</summary>
    [Fact]
    public void The_comparison_fails_when_a_stream_reads_another_streams_tokens()
    {
        LanguageModel model = CreateModel(s_configs[0], KernelPaths.Active, WeightPrecision.Float32);
        float difference = LargestDifference(model, model, 5, direct: true, b => b == 3 ? 4 : b);
        Assert.True(difference > 1e-3f, $"a mixed-up stream differs by only {difference}");
    }

    /// <summary>
    /// <see cref="LanguageModel.Step"/> and <see cref="LanguageModel.SampleStep"/> with B &gt; 1 in every precision
    /// (always the batched step) give each stream its single-token results, including after B shrinks (a finished
    /// stream leaving the batch reuses the buffers); SampleStep draws each stream's token as its single step does.
    /// </summary>
    [Theory]
    [InlineData(1, WeightPrecision.Float32)]
    [InlineData(0, WeightPrecision.BFloat16)]
    [InlineData(4, WeightPrecision.Int8)]
    [InlineData(7, WeightPrecision.BFloat16)]
    public void Steps_of_several_streams_use_the_step_precision(int config, WeightPrecision precision)
    {
        LanguageModel model = CreateModel(s_configs[config], KernelPaths.Active, precision);
        Assert.True(LargestDifference(model, model, 9, direct: false, b => b) <= 1e-5f);
        Assert.True(LargestDifference(model, model, 3, direct: false, b => b) <= 1e-5f);

        LanguageModelConfig c = model.Config;
        const int Streams = 6;
        RecurrentState together = new(c.Recurrent, Streams);
        RecurrentState[] alone = [.. Enumerable.Range(0, Streams).Select(_ => new RecurrentState(c.Recurrent, 1))];
        SeededRandom[] togetherRandoms = [.. Enumerable.Range(0, Streams).Select(b => new SeededRandom((ulong)b + 1))];
        SeededRandom[] aloneRandoms = [.. Enumerable.Range(0, Streams).Select(b => new SeededRandom((ulong)b + 1))];
        int[] tokens = TokensAt(Streams, 0, c.VocabularySize), next = new int[Streams], aloneNext = new int[1];
        for (int t = 0; t < 8; t++)
        {
            model.SampleStep(tokens, together, 1f, togetherRandoms, next);
            for (int b = 0; b < Streams; b++)
            {
                model.SampleStep([tokens[b]], alone[b], 1f, [aloneRandoms[b]], aloneNext);
                Assert.Equal(aloneNext[0], next[b]);
            }
            next.CopyTo(tokens, 0);
        }
    }

    /// <summary>Each vector path's batched step against the scalar path's on the same weights, 9 streams: float32 sums
    /// differ by FMA and order (1e-4 relative); int8 quantises x from those floats, so a value on a rounding boundary may
    /// land on the next step of its grid (2e-3).</summary>
    [Theory]
    [MemberData(nameof(VectorPathsAndPrecisions))]
    public void Every_kernel_path_matches_the_scalar_path(KernelPath path, WeightPrecision precision)
    {
        float tolerance = precision == WeightPrecision.Int8 ? 2e-3f : 1e-4f;
        foreach (LanguageModelConfig config in s_configs)
        {
            LanguageModel vector = CreateModel(config, path, precision), scalar = CreateModel(config, KernelPath.Scalar, precision);
            int v = config.VocabularySize;
            const int Streams = 9;
            RecurrentState vectorState = new(config.Recurrent, Streams), scalarState = new(config.Recurrent, Streams);
            float[] vectorLogits = new float[Streams * v], scalarLogits = new float[Streams * v];
            BatchedTokenStep vectorStep = new(vector, Streams), scalarStep = new(scalar, Streams);
            StepWeights vectorWeights = StepWeights.Build(vector, precision, 0), scalarWeights = StepWeights.Build(scalar, precision, 0);
            for (int t = 0; t < Tokens; t++)
            {
                int[] tokens = TokensAt(Streams, t, v);
                vectorStep.Run(vectorWeights, tokens, vectorState, vectorLogits);
                scalarStep.Run(scalarWeights, tokens, scalarState, scalarLogits);
                for (int j = 0; j < vectorLogits.Length; j++) AssertClose(vectorLogits[j], scalarLogits[j], tolerance, $"{config}, token {t}, logit {j}");
            }
            for (int i = 0; i < vectorState.Hidden.Length; i++) AssertClose(vectorState.Hidden[i], scalarState.Hidden[i], tolerance, $"{config}, h {i}");
        }
    }
}

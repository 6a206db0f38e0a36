using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Model;

/// <summary>
/// Single-stream steps (batch 1: the packed step weights, fused cell, token table) against the
/// batched path (the same stream inside a batch of 3, which runs the GEMM path), for both cells,
/// with and without the token table, on every kernel path; bfloat16 steps against float32 steps of
/// a model whose weights were rounded the same way; int8 steps against float32 steps within a stated
/// tolerance; the rebuild after the weights change; and layer 0's sums kept a token ahead (token table) only for the
/// state and weights they were summed from.
/// </summary>
public class SingleTokenStepTests
{
    private static readonly int[] s_tokens = [3, 36, 0, 17, 17, 5, 30, 2, 36, 11];

    /// <summary>V = 37 (≤ 256: layer 0 reads the token table) and V = 300 (> 256 and > E: it reads W_ih); 1 to 3 layers;
    /// H = 45 is no multiple of any register width.</summary>
    private static readonly LanguageModelConfig[] s_configs =
    [
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 2),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 3),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Elman, HiddenSize: 45, Layers: 2, Activation.Tanh),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Elman, HiddenSize: 45, Layers: 2, Activation.Relu),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Gru, HiddenSize: 45, Layers: 2),
        new(VocabularySize: 300, EmbeddingSize: 19, CellType.Gru, HiddenSize: 45, Layers: 3),
        new(VocabularySize: 37, EmbeddingSize: 0, CellType.Gru, HiddenSize: 45, Layers: 2, Input: InputEncoding.OneHot),
        // One layer: layer 0's sums for the next token have no layer 1 to run beside, so they run in a region of their own.
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 1),
        new(VocabularySize: 37, EmbeddingSize: 19, CellType.Gru, HiddenSize: 45, Layers: 1),
    ];

    public static TheoryData<KernelPath, int> PathsAndConfigs()
    {
        TheoryData<KernelPath, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            for (int config = 0; config < s_configs.Length; config++)
            {
                data.Add(path, config);
            }
        }
        return data;
    }

    private static LanguageModel CreateModel(LanguageModelConfig config, KernelPath path)
    {
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(11));
        return model;
    }

    /// <summary>Steps <paramref name="model"/> alone and inside a batch of 3; asserts logits and states agree within rounding.</summary>
    private static void AssertAloneMatchesBatch(LanguageModel model, string label)
    {
        LanguageModelConfig config = model.Config;
        int v = config.VocabularySize, h = config.HiddenSize;
        RecurrentState alone = new(config.Recurrent, 1), together = new(config.Recurrent, 3);
        float[] aloneLogits = new float[v], togetherLogits = new float[3 * v];
        foreach (int token in s_tokens)
        {
            model.Step([token], alone, aloneLogits);
            model.Step([token, (token * 7) % v, 1], together, togetherLogits);
            for (int j = 0; j < v; j++)
            {
                Assert.True(Math.Abs(aloneLogits[j] - togetherLogits[j]) <= 1e-5f * Math.Max(1f, Math.Abs(togetherLogits[j])), $"{label}, token {token}, logit {j}: {aloneLogits[j]} vs {togetherLogits[j]}");
            }
        }
        for (int i = 0; i < alone.Hidden.Length; i++)
        {
            int layer = i / h, unit = i % h;
            Assert.True(Math.Abs(together.Hidden[layer * 3 * h + unit] - alone.Hidden[i]) <= 1e-5f, $"{label}: h of layer {layer}, unit {unit}");
            if (alone.Cell.Length > 0)
            {
                Assert.True(Math.Abs(together.Cell[layer * 3 * h + unit] - alone.Cell[i]) <= 1e-5f * Math.Max(1f, Math.Abs(alone.Cell[i])), $"{label}: c of layer {layer}, unit {unit}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndConfigs))]
    public void A_single_stream_step_matches_the_same_stream_in_a_batch(KernelPath path, int config)
    {
        AssertAloneMatchesBatch(CreateModel(s_configs[config], path), s_configs[config].ToString());
    }

    [Theory]
    [MemberData(nameof(PathsAndConfigs))]
    public void A_bfloat16_step_is_a_float32_step_with_the_streamed_weights_rounded(KernelPath path, int config)
    {
        LanguageModelConfig c = s_configs[config];
        LanguageModel model = CreateModel(c, path), rounded = CreateModel(c, path);
        model.StepPrecision = WeightPrecision.BFloat16;
        // Streamed in bfloat16: W_hh of every layer, W_ih of every layer that has no token table, the
        // decoder's weight. Biases, the embedding and the token table (computed in float32) are not.
        bool tokenTable = c.VocabularySize <= 256;
        foreach ((string name, int[] _, Memory<float> values) in rounded.NamedTensors())
        {
            bool streamed = name.StartsWith("rnn.weight_hh", StringComparison.Ordinal) || name == "decoder.weight"
                || (name.StartsWith("rnn.weight_ih", StringComparison.Ordinal) && !(tokenTable && name == "rnn.weight_ih_l0"));
            if (!streamed) continue;
            Span<float> span = values.Span;
            for (int i = 0; i < span.Length; i++) span[i] = BFloat16.ToSingle(BFloat16.FromSingle(span[i]));
        }
        rounded.MarkWeightsChanged();

        RecurrentState state = new(c.Recurrent, 1), roundedState = new(c.Recurrent, 1);
        float[] logits = new float[c.VocabularySize], expected = new float[c.VocabularySize];
        double largestDifferenceFromFloat32 = 0;
        RecurrentState float32State = new(c.Recurrent, 1);
        float[] float32Logits = new float[c.VocabularySize];
        LanguageModel float32 = CreateModel(c, path);
        foreach (int token in s_tokens)
        {
            model.Step([token], state, logits);
            rounded.Step([token], roundedState, expected);
            float32.Step([token], float32State, float32Logits);
            for (int j = 0; j < logits.Length; j++)
            {
                Assert.True(Math.Abs(logits[j] - expected[j]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[j])), $"token {token}, logit {j}: {logits[j]} vs {expected[j]}");
                largestDifferenceFromFloat32 = Math.Max(largestDifferenceFromFloat32, Math.Abs(logits[j] - float32Logits[j]));
            }
        }
        // The rounding is real (the step did not quietly stream float32) and small.
        Assert.InRange(largestDifferenceFromFloat32, 1e-5, 0.05);
    }

    /// <summary>
    /// int8 (weights per row, the input vector per call) against float32 on the same random model, ten
    /// tokens on: stated tolerance 0.02 absolute per logit (logits here are O(1); measured at most 0.0057), and at
    /// least 1e-4 somewhere, so the step did not quietly stream float32. The quantisation error compounds
    /// through the layers and the state, which is why this bound is looser than a single kernel's.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndConfigs))]
    public void An_int8_step_stays_within_tolerance_of_the_float32_step(KernelPath path, int config)
    {
        LanguageModelConfig c = s_configs[config];
        LanguageModel model = CreateModel(c, path), float32 = CreateModel(c, path);
        model.StepPrecision = WeightPrecision.Int8;
        RecurrentState state = new(c.Recurrent, 1), float32State = new(c.Recurrent, 1);
        float[] logits = new float[c.VocabularySize], expected = new float[c.VocabularySize];
        double largest = 0;
        foreach (int token in s_tokens)
        {
            model.Step([token], state, logits);
            float32.Step([token], float32State, expected);
            for (int j = 0; j < logits.Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(logits[j] - expected[j]));
            }
        }
        Assert.InRange(largest, 1e-4, 0.02);
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Steps_see_every_change_of_the_weights(KernelPath path)
    {
        LanguageModel model = CreateModel(s_configs[0], path);
        AssertAloneMatchesBatch(model, "initial");

        // An optimizer update.
        RecurrentState window = new(model.Config.Recurrent, 2);
        Optimizer optimizer = new(new OptimizerConfig(OptimizerKind.Adam, 0.05f), model.Blocks, model.Kernels);
        model.ZeroGradients();
        model.TrainWindow([1, 2, 3, 4], [2, 3, 4, 5], 2, window);
        optimizer.Update(0.05f);
        AssertAloneMatchesBatch(model, "after an update");

        // A write from outside the engine, announced.
        model.Blocks[1].Values.AsSpan().Fill(0.01f);
        model.MarkWeightsChanged();
        AssertAloneMatchesBatch(model, "after a direct write");

        // A replica shares the weights, their version and the precision.
        LanguageModel replica = model.CreateInferenceReplica();
        replica.StepPrecision = WeightPrecision.BFloat16;
        Assert.Equal(WeightPrecision.BFloat16, model.StepPrecision);
        model.StepPrecision = WeightPrecision.Float32;
        Assert.Equal(WeightPrecision.Float32, replica.StepPrecision);
        AssertAloneMatchesBatch(replica, "replica");
    }

    /// <summary>
    /// A token-table layer 0 has its W_hh · h summed a token ahead and kept with that h (SingleTokenStep): steps of two
    /// states taken in turns, and a step from a state the caller changed, must sum them again. Each is held bit for bit
    /// to a model of the same weights stepping that state alone (kept sums) or freshly made (none kept). The control: the
    /// change moves the logits, so stale sums could not pass.
    /// </summary>
    [Theory]
    [MemberData(nameof(PathsAndConfigs))]
    public void Steps_from_states_taken_in_turns_or_changed_give_the_bits_of_a_model_of_their_own(KernelPath path, int config)
    {
        LanguageModelConfig c = s_configs[config];
        int v = c.VocabularySize;
        LanguageModel model = CreateModel(c, path), ownA = CreateModel(c, path), ownB = CreateModel(c, path);
        RecurrentState a = new(c.Recurrent, 1), b = new(c.Recurrent, 1), stateA = new(c.Recurrent, 1), stateB = new(c.Recurrent, 1);
        float[] logits = new float[v], expected = new float[v];
        foreach (int token in s_tokens)
        {
            model.Step([token], a, logits);
            ownA.Step([token], stateA, expected);
            Assert.Equal(expected, logits);
            model.Step([(token * 7) % v], b, logits);
            ownB.Step([(token * 7) % v], stateB, expected);
            Assert.Equal(expected, logits);
        }

        float[] unchanged = new float[v];
        CreateModel(c, path).Step([5], Copy(c, a), unchanged);
        for (int i = 0; i < c.HiddenSize; i++) a.Hidden[i] *= 0.5f;   // layer 0's h, the one the sums are of
        RecurrentState changed = Copy(c, a);
        model.Step([5], a, logits);
        CreateModel(c, path).Step([5], changed, expected);
        Assert.Equal(expected, logits);
        Assert.NotEqual(unchanged, logits);
    }

    /// <summary>Layer 0's sums run a token ahead while one stream goes on (one pass over W_hh_l0 a token, and one to start),
    /// and not for states taken in turns, where they would be summed for nothing (one pass a step, not two).</summary>
    [Fact]
    public void Layer_0_sums_run_ahead_for_one_stream_and_not_for_states_taken_in_turns()
    {
        LanguageModelConfig c = s_configs[0];
        LanguageModel model = CreateModel(c, KernelSet.Active.Path);
        StepWeights weights = StepWeights.Build(model, WeightPrecision.Float32, version: 0);
        float[] logits = new float[c.VocabularySize];

        SingleTokenStep one = new(model);
        RecurrentState state = new(c.Recurrent, 1);
        foreach (int token in s_tokens) one.Run(weights, token, state, logits);
        Assert.Equal(s_tokens.Length + 1, one.SumPasses);

        SingleTokenStep turns = new(model);
        RecurrentState a = new(c.Recurrent, 1), b = new(c.Recurrent, 1);
        foreach (int token in s_tokens)
        {
            turns.Run(weights, token, a, logits);
            turns.Run(weights, (token * 7) % c.VocabularySize, b, logits);
        }
        Assert.Equal(2 * s_tokens.Length + 1, turns.SumPasses);
    }

    private static RecurrentState Copy(LanguageModelConfig config, RecurrentState state)
    {
        RecurrentState copy = new(config.Recurrent, 1);
        state.Hidden.CopyTo(copy.Hidden, 0);
        state.Cell.CopyTo(copy.Cell, 0);
        return copy;
    }
}

/// <summary>
/// A single-token step split between threads (region pieces of layer 1 and of layer 0's sums ahead, read forward and
/// backward on alternate tokens) gives the bits of one thread, for an LSTM and a GRU large enough to split.
/// </summary>
[Collection("Parallelism")]
public class SingleTokenStepThreadingTests
{
    public static TheoryData<CellType> Cells => [CellType.Lstm, CellType.Gru];

    [Theory]
    [MemberData(nameof(Cells))]
    public void One_thread_and_several_give_identical_bits(CellType cell)
    {
        // Layer 1 and W_hh_l0 of H = 160 stream about 1.2 MiB (LSTM) in float32: a piece per thread. 7 tokens, so
        // both panel orders are met more than once.
        LanguageModelConfig config = new(VocabularySize: 37, EmbeddingSize: 19, cell, HiddenSize: 160, Layers: 2);
        int[] tokens = [3, 36, 0, 17, 17, 5, 30];
        float[] Run(int threads) => WithThreads.Run(threads, () =>
        {
            LanguageModel model = new(config, KernelSet.Active);
            model.Initialize(new Random(11));
            RecurrentState state = new(config.Recurrent, 1);
            float[] logits = new float[tokens.Length * config.VocabularySize];
            for (int t = 0; t < tokens.Length; t++)
            {
                model.Step([tokens[t]], state, logits.AsSpan(t * config.VocabularySize, config.VocabularySize));
            }
            return logits;
        });

        float[] single = Run(1);
        foreach (int threads in new[] { Environment.ProcessorCount, 3 })
        {
            Assert.Equal(single, Run(threads));
        }
    }

    /// <summary>However the pieces share a region (<see cref="PieceBalance"/> follows their speed), every panel's sums are
    /// the same: skewed shares, set before every token, give the bits of one thread.</summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void Skewed_shares_give_identical_bits(CellType cell)
    {
        LanguageModelConfig config = new(VocabularySize: 37, EmbeddingSize: 19, cell, HiddenSize: 160, Layers: 2);
        int[] tokens = [3, 36, 0, 17, 17, 5, 30];
        float[] Run(int threads, double first) => WithThreads.Run(threads, () =>
        {
            LanguageModel model = new(config, KernelSet.Active);
            model.Initialize(new Random(11));
            StepWeights weights = StepWeights.Build(model, WeightPrecision.Float32, version: 0);
            SingleTokenStep step = new(model);
            RecurrentState state = new(config.Recurrent, 1);
            float[] logits = new float[tokens.Length * config.VocabularySize];
            for (int t = 0; t < tokens.Length; t++)
            {
                double[] shares = step.Balance.Shares(2);
                shares[0] = first;
                shares[1] = 1 - first;
                step.Run(weights, tokens[t], state, logits.AsSpan(t * config.VocabularySize, config.VocabularySize));
            }
            // Every token's region split (the search for a piece count tries fewer only after some regions).
            Assert.Equal(threads == 1 ? 0 : tokens.Length, step.SplitRegions);
            return logits;
        });

        float[] single = Run(1, 0.5);
        foreach (double first in new[] { 0.05, 0.3, 0.5, 0.9 })
        {
            Assert.Equal(single, Run(2, first));
        }
    }
}

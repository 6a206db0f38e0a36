using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

public class LanguageModelTests
{
    private const int Steps = 3, Batch = 2;
    private static readonly LanguageModelConfig s_config = new(VocabularySize: 6, EmbeddingSize: 3, CellType.Lstm, HiddenSize: 4, Layers: 2);
    private static readonly int[] s_inputs = [0, 5, 2, 2, 4, 1];
    private static readonly int[] s_targets = [5, 2, 2, 3, 1, 0];

    private static LanguageModel CreateModel(KernelPath path)
    {
        LanguageModel model = new(s_config, KernelSet.For(path));
        model.Initialize(new Random(3));
        return model;
    }

    /// <summary>Mean cross-entropy of the window in double, from the formulas, with the stack's double reference.</summary>
    private static double ReferenceLoss(LanguageModel model, double[][] blocks, double[] h0, double[] c0, int[] inputs, int[] targets, int steps, int batch)
    {
        int v = s_config.VocabularySize, e = s_config.EmbeddingSize, h = s_config.HiddenSize, rows = steps * batch;
        double[] x = new double[rows * e];
        for (int row = 0; row < rows; row++)
        {
            Array.Copy(blocks[0], inputs[row] * e, x, row * e, e);
        }
        ReferenceRecurrent.Result result = ReferenceRecurrent.Forward(s_config.Recurrent, model.Stack.Tensors, blocks[1], x, steps, batch, h0, c0);
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            double[] logits = new double[v];
            for (int j = 0; j < v; j++)
            {
                logits[j] = blocks[2][v * h + j];
                for (int k = 0; k < h; k++) logits[j] += blocks[2][j * h + k] * result.Output[row * h + k];
            }
            double max = logits.Max();
            loss += Math.Log(logits.Sum(z => Math.Exp(z - max))) + max - logits[targets[row]];
        }
        return loss / rows;
    }

    /// <summary>Every path, with a window of fewer rows than tokens (per-row input projections) and
    /// one of more rows (projections gathered from a per-token table, the other backward formula).</summary>
    public static TheoryData<KernelPath, int, int> Windows()
    {
        TheoryData<KernelPath, int, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            data.Add(path, Steps, Batch);
            data.Add(path, 4, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Window_gradients_match_central_differences_of_the_reference(KernelPath path, int steps, int batch)
    {
        LanguageModel model = CreateModel(path);
        int rows = steps * batch;
        Random tokens = new(11);
        int[] inputs = rows == s_inputs.Length ? s_inputs : Enumerable.Range(0, rows).Select(_ => tokens.Next(s_config.VocabularySize)).ToArray();
        int[] targets = rows == s_targets.Length ? s_targets : Enumerable.Range(0, rows).Select(_ => tokens.Next(s_config.VocabularySize)).ToArray();
        RecurrentState state = new(s_config.Recurrent, batch);
        Random random = new(4);
        for (int i = 0; i < state.Hidden.Length; i++) { state.Hidden[i] = (float)(random.NextDouble() - 0.5); state.Cell[i] = (float)(random.NextDouble() - 0.5); }
        double[] h0 = state.Hidden.Select(f => (double)f).ToArray(), c0 = state.Cell.Select(f => (double)f).ToArray();

        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, steps, state);
        double[][] blocks = model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray()).ToArray();
        Assert.Equal(ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch), loss / rows, 5);

        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch));
    }

    [Fact]
    public void Step_by_step_logits_equal_the_window_forward()
    {
        // The sampling API computes what training computes, one token at a time: up to summation order (steps run the step
        // kernels, a window the GEMMs; bit for bit until 0.6.0).
        LanguageModel model = CreateModel(KernelPaths.Active);
        RecurrentState windowState = new(s_config.Recurrent, Batch), stepState = new(s_config.Recurrent, Batch);
        float[] logits = new float[Batch * s_config.VocabularySize];
        double stepLoss = 0;
        for (int t = 0; t < Steps; t++)
        {
            model.Step(s_inputs.AsSpan(t * Batch, Batch), stepState, logits);
            stepLoss += KernelSet.Active.SoftmaxCrossEntropy(logits, Batch, s_config.VocabularySize, s_targets.AsSpan(t * Batch, Batch), [], 0f);
        }
        double windowLoss = model.EvaluateWindow(s_inputs, s_targets, Steps, windowState);
        Assert.Equal(windowLoss, stepLoss, 5);
        for (int i = 0; i < windowState.Hidden.Length; i++)
        {
            Assert.True(Math.Abs(windowState.Hidden[i] - stepState.Hidden[i]) <= 1e-5f, $"h[{i}]: {stepState.Hidden[i]} vs {windowState.Hidden[i]}");
        }
        Assert.Contains(windowState.Hidden, h => Math.Abs(h) > 0.01f);   // not vacuous: the states moved
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void A_single_stream_step_matches_the_same_stream_in_a_batch_within_rounding(KernelPath path)
    {
        // B = 1 takes the GEMV path, B = 3 the packed GEMM path: same math, other summation order.
        LanguageModelConfig config = new(VocabularySize: 37, EmbeddingSize: 19, CellType.Lstm, HiddenSize: 45, Layers: 2);
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(11));
        RecurrentState alone = new(config.Recurrent, 1), together = new(config.Recurrent, 3);
        float[] aloneLogits = new float[37], togetherLogits = new float[3 * 37];
        int[] tokens = [3, 36, 0, 17, 17, 5, 30, 2];
        for (int t = 0; t < tokens.Length; t++)
        {
            model.Step([tokens[t]], alone, aloneLogits);
            model.Step([tokens[t], (t * 7) % 37, 1], together, togetherLogits);
            for (int v = 0; v < 37; v++)
            {
                Assert.True(Math.Abs(aloneLogits[v] - togetherLogits[v]) <= 1e-5f * Math.Max(1f, Math.Abs(togetherLogits[v])), $"step {t}, logit {v}: {aloneLogits[v]} vs {togetherLogits[v]}");
            }
        }
        for (int i = 0; i < alone.Hidden.Length; i++)
        {
            int layer = i / 45, unit = i % 45;
            Assert.Equal(together.Hidden[layer * 3 * 45 + unit], alone.Hidden[i], 5);
        }
    }

    [Fact]
    public void Replicas_on_several_threads_compute_the_logits_of_the_model_and_see_its_updates()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        float[] expected = StepLogits(model);
        float[][] got = new float[4][];
        Parallel.For(0, got.Length, i => got[i] = StepLogits(model.CreateInferenceReplica()));
        Assert.All(got, logits => Assert.Equal(expected, logits));

        LanguageModel replica = model.CreateInferenceReplica();
        model.Blocks[2].Values[^1] += 1f;   // the last output bias: the last logit of every row moves by 1
        model.MarkWeightsChanged();         // a change from outside the engine, as its callers announce it
        float[] after = StepLogits(replica);
        Assert.Equal(expected[^1] + 1f, after[^1], 5);
        Assert.Throws<InvalidOperationException>(() => replica.TrainWindow(s_inputs, s_targets, Steps, new RecurrentState(s_config.Recurrent, Batch)));
    }

    private static float[] StepLogits(LanguageModel model)
    {
        RecurrentState state = new(s_config.Recurrent, Batch);
        float[] logits = new float[Batch * s_config.VocabularySize];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(s_inputs.AsSpan(t * Batch, Batch), state, logits);
        }
        return logits;
    }

    [Fact]
    public void Out_of_vocabulary_tokens_are_rejected()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        RecurrentState state = new(s_config.Recurrent, 1);
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step([6], state, new float[6]));
        Assert.Equal("tokens", error.ParamName);
    }

    [Fact]
    public void Training_memorizes_a_short_text()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        Optimizer optimizer = new(new OptimizerConfig(OptimizerKind.Adam, LearningRate: 0.05f), model.Blocks, model.Kernels);
        double first = 0, last = 0;
        for (int step = 0; step < 150; step++)
        {
            RecurrentState state = new(s_config.Recurrent, Batch);
            model.ZeroGradients();
            last = model.TrainWindow(s_inputs, s_targets, Steps, state) / (Steps * Batch);
            if (step == 0) first = last;
            GradientClipping.ClipByGlobalNorm(model.Blocks, 5f, model.Kernels);
            optimizer.Update(optimizer.Config.LearningRate);
        }
        Assert.True(first > 1.0 && last < 0.05, $"loss went from {first} to {last}");
    }
}

[Collection("Parallelism")]
public class LanguageModelThreadingTests
{
    /// <summary>A whole training window, loss and every gradient, bit for bit with one thread and with
    /// several, in both forms of layer 0's input: per-row projections and the per-token table (whose
    /// gather, fused with the bias add, is split across threads by rows); and with dropout, whose masks
    /// (embedding, two gaps between layers, before the output layer) must not depend on the split either.</summary>
    [Theory]
    [InlineData(3, 2, 2, 0f)]       // fewer rows than tokens: per-row input projections
    [InlineData(16, 24, 2, 0f)]     // more: the token table
    [InlineData(16, 24, 3, 0.5f)]   // dropout: per-row projections of dropped embeddings
    public void One_thread_and_several_give_identical_bits(int steps, int batch, int layers, float dropout)
    {
        LanguageModelConfig config = new(VocabularySize: 67, EmbeddingSize: 40, CellType.Lstm, HiddenSize: 131, layers) { Dropout = dropout };
        Random tokens = new(5);
        int[] inputs = Enumerable.Range(0, steps * batch).Select(_ => tokens.Next(config.VocabularySize)).ToArray();
        int[] targets = Enumerable.Range(0, steps * batch).Select(_ => tokens.Next(config.VocabularySize)).ToArray();

        (double Loss, float[][] Gradients) Run(int threads) => WithThreads.Run(threads, () =>
        {
            LanguageModel model = new(config, KernelSet.Active);
            model.Initialize(new Random(3));
            model.ZeroGradients();
            double loss = model.TrainWindow(inputs, targets, steps, new RecurrentState(config.Recurrent, batch), seed: 8, update: 21);
            return (loss, model.Blocks.Select(block => block.Gradients.ToArray()).ToArray());
        });

        var single = Run(1);
        foreach (int threads in new[] { 2, 3, Environment.ProcessorCount })
        {
            var multi = Run(threads);
            Assert.Equal(single.Loss, multi.Loss);
            for (int block = 0; block < single.Gradients.Length; block++)
            {
                Assert.Equal(single.Gradients[block], multi.Gradients[block]);
            }
        }
    }
}

using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Regularization;
using RnnNative.Model;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Model;

/// <summary>
/// Dropout in a language model (embedding, between layers, before the output layer): gradients with a
/// fixed mask against central differences of a double reference that applies the same masks; p = 0
/// and a mask that keeps everything against no dropout, bit for bit; inference untouched by p.
/// </summary>
public class DropoutTests
{
    private const float P = 0.4f;
    private const ulong Seed = 12;
    private const long Update = 3;

    private static LanguageModelConfig Config(CellType cell, float dropout) =>
        new(VocabularySize: 6, EmbeddingSize: 3, cell, HiddenSize: 4, Layers: 2) { Dropout = dropout };

    private static LanguageModel CreateModel(LanguageModelConfig config, KernelPath path)
    {
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(3));
        return model;
    }

    private static (int[] Inputs, int[] Targets) Window(int rows, int vocabulary)
    {
        Random random = new(11);
        return (Enumerable.Range(0, rows).Select(_ => random.Next(vocabulary)).ToArray(), Enumerable.Range(0, rows).Select(_ => random.Next(vocabulary)).ToArray());
    }

    /// <summary>The mask value (0 or 1/(1-p)) of element <paramref name="index"/> at <paramref name="place"/>, from the generator.</summary>
    private static double Mask(int place, int index) =>
        DropoutMask.Keeps(DropoutMask.StreamKey(Seed, Update, place), index, DropoutMask.Threshold(P)) ? DropoutMask.Scale(P) : 0;

    /// <summary>
    /// Mean cross-entropy in double with the masks of (<see cref="Seed"/>, <see cref="Update"/>):
    /// x = embedding[token] ⊙ m_0; layer l reads layer l-1's output ⊙ m_l; logits read the top output ⊙ m_L.
    /// Each layer runs through the stack reference as a one-layer stack.
    /// </summary>
    private static double ReferenceLoss(LanguageModel model, double[][] blocks, double[] h0, double[] c0, int[] inputs, int[] targets, int steps, int batch)
    {
        LanguageModelConfig c = model.Config;
        int v = c.VocabularySize, e = c.EmbeddingSize, h = c.HiddenSize, rows = steps * batch, state = batch * h;
        double[] x = new double[rows * e];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = blocks[0][inputs[i / e] * e + i % e] * Mask(0, i);
        }
        for (int layer = 0; layer < c.Layers; layer++)
        {
            RecurrentConfig one = new(c.Cell, layer == 0 ? e : h, h, 1, c.Activation);
            IReadOnlyList<ParameterTensor> tensors = new RecurrentStack(one).Tensors;
            int offset = model.Stack.Tensors[4 * layer].Offset, length = tensors.Sum(t => t.Length);
            double[] layerC0 = c0.Length == 0 ? new double[state] : c0[(layer * state)..((layer + 1) * state)];
            double[] output = ReferenceRecurrent.Forward(one, tensors, blocks[1][offset..(offset + length)], x, steps, batch, h0[(layer * state)..((layer + 1) * state)], layerC0).Output;
            x = output.Select((value, i) => value * Mask(layer + 1, i)).ToArray();
        }
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            double[] logits = new double[v];
            for (int j = 0; j < v; j++)
            {
                logits[j] = blocks[2][v * h + j];
                for (int k = 0; k < h; k++) logits[j] += blocks[2][j * h + k] * x[row * h + k];
            }
            double max = logits.Max();
            loss += Math.Log(logits.Sum(z => Math.Exp(z - max))) + max - logits[targets[row]];
        }
        return loss / rows;
    }

    /// <summary>Every path, LSTM and Elman, a window of fewer rows than tokens and one of more (which without
    /// dropout would gather layer 0's input projections from a per-token table).</summary>
    public static TheoryData<KernelPath, CellType, int, int> Cases()
    {
        TheoryData<KernelPath, CellType, int, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            foreach (CellType cell in new[] { CellType.Lstm, CellType.Elman })
            {
                data.Add(path, cell, 3, 2);
                data.Add(path, cell, 4, 3);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_with_a_fixed_mask_match_central_differences_of_the_reference(KernelPath path, CellType cell, int steps, int batch)
    {
        LanguageModel model = CreateModel(Config(cell, P), path);
        int rows = steps * batch;
        (int[] inputs, int[] targets) = Window(rows, model.Config.VocabularySize);
        RecurrentState state = new(model.Config.Recurrent, batch);
        Random random = new(4);
        for (int i = 0; i < state.Hidden.Length; i++) state.Hidden[i] = (float)(random.NextDouble() - 0.5);
        for (int i = 0; i < state.Cell.Length; i++) state.Cell[i] = (float)(random.NextDouble() - 0.5);
        double[] h0 = state.Hidden.Select(f => (double)f).ToArray(), c0 = state.Cell.Select(f => (double)f).ToArray();
        // The masks drop something and keep something at every place, or the test would not see a mistake there.
        for (int place = 0; place <= 2; place++)
        {
            int length = rows * (place == 0 ? 3 : 4);
            double[] masks = Enumerable.Range(0, length).Select(i => Mask(place, i)).ToArray();
            Assert.Contains(0.0, masks);
            Assert.Contains((double)DropoutMask.Scale(P), masks);
        }

        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, steps, state, Seed, Update);
        double[][] blocks = model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray()).ToArray();
        Assert.Equal(ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch), loss / rows, 5);

        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch));
    }

    public static TheoryData<int, int, InputEncoding> Windows() => new()
    {
        { 3, 2, InputEncoding.Embedding },   // per-row input projections
        { 4, 3, InputEncoding.Embedding },   // the token table
        { 3, 2, InputEncoding.OneHot },
        { 4, 3, InputEncoding.OneHot },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Zero_dropout_trains_as_inference_computes_whatever_the_key(int steps, int batch, InputEncoding input)
    {
        LanguageModelConfig config = Config(CellType.Lstm, 0f) with { Input = input, EmbeddingSize = input == InputEncoding.OneHot ? 0 : 3 };
        (int[] inputs, int[] targets) = Window(steps * batch, config.VocabularySize);
        (double Loss, float[][] Gradients, float[] Hidden) Train(ulong seed, long update)
        {
            LanguageModel model = CreateModel(config, KernelPaths.Active);
            RecurrentState state = new(config.Recurrent, batch);
            model.ZeroGradients();
            double loss = model.TrainWindow(inputs, targets, steps, state, seed, update);
            return (loss, model.Blocks.Select(b => b.Gradients.ToArray()).ToArray(), state.Hidden);
        }
        var plain = Train(0, 0);
        var keyed = Train(99, 1234);
        Assert.Equal(plain.Loss, keyed.Loss);
        Assert.Equal(plain.Hidden, keyed.Hidden);
        for (int b = 0; b < plain.Gradients.Length; b++)
        {
            Assert.Equal(plain.Gradients[b], keyed.Gradients[b]);
        }
        RecurrentState evaluated = new(config.Recurrent, batch);
        Assert.Equal(plain.Loss, CreateModel(config, KernelPaths.Active).EvaluateWindow(inputs, targets, steps, evaluated));
        Assert.Equal(plain.Hidden, evaluated.Hidden);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void A_mask_that_keeps_everything_gives_the_bits_of_no_dropout(KernelPath path)
    {
        // p = 1e-9: a draw drops with probability 1e-9 and 1/(1-p) rounds to 1 in float, so every dropout runs
        // (dropped copies, masked gradients) with a mask of ones: any misrouted buffer or gradient shows.
        const float tiny = 1e-9f;
        Assert.Equal(1f, DropoutMask.Scale(tiny));
        (int[] inputs, int[] targets) = Window(6, 6);
        (double Loss, float[][] Gradients) Train(float dropout)
        {
            LanguageModel model = CreateModel(Config(CellType.Lstm, dropout) with { Layers = 3 }, path);
            model.ZeroGradients();
            double loss = model.TrainWindow(inputs, targets, 3, new RecurrentState(model.Config.Recurrent, 2), Seed, Update);
            return (loss, model.Blocks.Select(b => b.Gradients.ToArray()).ToArray());
        }
        var none = Train(0f);
        var ones = Train(tiny);
        Assert.Equal(none.Loss, ones.Loss);
        for (int b = 0; b < none.Gradients.Length; b++)
        {
            Assert.Equal(none.Gradients[b], ones.Gradients[b]);
        }
        // Negative control: real dropout changes the loss.
        Assert.NotEqual(none.Loss, Train(P).Loss);
    }

    [Fact]
    public void The_same_key_drops_the_same_units_and_another_update_or_seed_others()
    {
        LanguageModel model = CreateModel(Config(CellType.Elman, P), KernelPaths.Active);
        (int[] inputs, int[] targets) = Window(6, 6);
        double Loss(ulong seed, long update) => model.TrainWindow(inputs, targets, 3, new RecurrentState(model.Config.Recurrent, 2), seed, update);
        double reference = Loss(Seed, Update);
        Assert.Equal(reference, Loss(Seed, Update));
        Assert.NotEqual(reference, Loss(Seed, Update + 1));
        Assert.NotEqual(reference, Loss(Seed + 1, Update));
    }

    [Fact]
    public void Evaluation_and_steps_do_not_depend_on_dropout_even_after_a_training_window()
    {
        LanguageModelConfig config = Config(CellType.Lstm, 0f);
        LanguageModel plain = CreateModel(config, KernelPaths.Active), dropping = CreateModel(config with { Dropout = 0.5f }, KernelPaths.Active);
        (int[] inputs, int[] targets) = Window(12, config.VocabularySize);
        dropping.ZeroGradients();
        double trained = dropping.TrainWindow(inputs, targets, 4, new RecurrentState(dropping.Config.Recurrent, 3), Seed, Update);
        RecurrentState plainState = new(config.Recurrent, 3), droppingState = new(config.Recurrent, 3);
        double evaluated = plain.EvaluateWindow(inputs, targets, 4, plainState);
        Assert.NotEqual(evaluated, trained);
        Assert.Equal(evaluated, dropping.EvaluateWindow(inputs, targets, 4, droppingState));
        Assert.Equal(plainState.Hidden, droppingState.Hidden);
        Assert.Equal(plainState.Cell, droppingState.Cell);

        foreach (int batch in new[] { 1, 3 })
        {
            RecurrentState a = new(config.Recurrent, batch), b = new(config.Recurrent, batch);
            float[] plainLogits = new float[batch * 6], droppingLogits = new float[batch * 6];
            for (int t = 0; t < 4; t++)
            {
                plain.Step(inputs.AsSpan(t * 3, batch), a, plainLogits);
                dropping.Step(inputs.AsSpan(t * 3, batch), b, droppingLogits);
                Assert.Equal(plainLogits, droppingLogits);
            }
        }
    }
}

/// <summary>Dropout's masks and results do not depend on the thread count or the kernel path (a whole
/// training window with dropout: <see cref="LanguageModelThreadingTests"/>).</summary>
[Collection("Parallelism")]
public class DropoutThreadingTests
{
    [Fact]
    public void A_dropout_gives_the_same_mask_and_output_on_every_path_and_thread_count()
    {
        const int rows = 384, width = 131;
        float[] x = KernelTestData.Inputs(rows * width, seed: 6);
        ForwardMode mode = ForwardMode.Training(seed: 4, update: 9);
        ulong key = DropoutMask.StreamKey(mode.Seed, mode.Update, place: 2);
        float[] mask = Enumerable.Range(0, x.Length).Select(i => DropoutMask.Keeps(key, i, DropoutMask.Threshold(0.5f)) ? DropoutMask.Scale(0.5f) : 0f).ToArray();
        float[]? expected = null;
        foreach (KernelPath path in KernelPaths.Available)
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] output = WithThreads.Run(threads, () =>
                {
                    Dropout dropout = new(KernelSet.For(path), 0.5f, place: 2);
                    dropout.Forward(x, rows, mode);
                    Assert.True(dropout.Active);
                    float[] gradient = Enumerable.Repeat(1f, x.Length).ToArray();
                    dropout.Backward(gradient, rows);
                    // The backward masks with the forward's mask: a gradient of ones becomes the mask.
                    Assert.Equal(mask, gradient);
                    return dropout.Output[..x.Length];
                });
                expected ??= output;
                Assert.Equal(expected, output);
            }
        }
        Dropout inference = new(KernelSet.Active, 0.5f, place: 2);
        inference.Forward(x, rows, ForwardMode.Inference);
        Assert.False(inference.Active);
    }
}

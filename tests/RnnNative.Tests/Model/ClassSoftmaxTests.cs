using System.Text;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>The class-factored softmax: normalised probabilities, gradients against a double reference, every kernel path
/// against the scalar one, files, training with fitted classes and exact resume.</summary>
public class ClassSoftmaxTests
{
    private const int V = 13, K = 4;
    private static readonly long[] s_counts = [50, 3, 20, 1, 9, 0, 30, 2, 7, 4, 12, 1, 5];
    private static readonly LanguageModelConfig s_config = new(VocabularySize: V, EmbeddingSize: 3, CellType.Lstm, HiddenSize: 5, Layers: 2) { Softmax = SoftmaxKind.Class, Classes = K };

    internal static LanguageModel CreateModel(KernelPath path, LanguageModelConfig? config = null)
    {
        config ??= s_config;
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(3));
        model.SetClasses(WordClasses.ByFrequency(s_counts.AsSpan(0, config.VocabularySize), config.ClassCount));
        return model;
    }

    private static int[] RandomTokens(int count, int seed)
    {
        Random random = new(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(V))];
    }

    /// <summary>The mean loss of the window in double from the formulas of <see cref="ClassSoftmaxHead"/>, over the
    /// stack's double reference; block 2 is the decoder [W_c, b_c, W_w, b_w].</summary>
    private static double ReferenceLoss(LanguageModel model, double[][] blocks, double[] h0, double[] c0, int[] inputs, int[] targets, int steps, int batch)
    {
        int e = s_config.EmbeddingSize, h = s_config.HiddenSize, rows = steps * batch;
        WordClasses classes = model.Classes!;
        double[] x = new double[rows * e];
        for (int row = 0; row < rows; row++) Array.Copy(blocks[0], inputs[row] * e, x, row * e, e);
        double[] top = ReferenceRecurrent.Forward(s_config.Recurrent, model.Stack.Tensors, blocks[1], x, steps, batch, h0, c0).Output;
        double[] d = blocks[2];
        int classBias = K * h, wordWeight = K * (h + 1), wordBias = wordWeight + V * h;
        double Logit(int weight, int bias, int row, int unit)
        {
            double z = d[bias + unit];
            for (int k = 0; k < h; k++) z += d[weight + unit * h + k] * top[row * h + k];
            return z;
        }
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            int target = targets[row];
            if (target == KernelSet.IgnoreTarget) continue;
            int c = classes.ClassOf[target];
            double[] u = [.. Enumerable.Range(0, K).Select(k => Logit(0, classBias, row, k))];
            double[] v = [.. Enumerable.Range(classes.Start[c], classes.Size(c)).Select(r => Logit(wordWeight, wordBias, row, r))];
            loss += LogSumExp(u) - u[c] + LogSumExp(v) - v[classes.Row[target] - classes.Start[c]];
        }
        return loss / rows;
    }

    private static double LogSumExp(double[] z)
    {
        double max = z.Max();
        return max + Math.Log(z.Sum(value => Math.Exp(value - max)));
    }

    public static TheoryData<KernelPath, int, int> Windows()
    {
        TheoryData<KernelPath, int, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            data.Add(path, 3, 2);
            data.Add(path, 4, 5);   // more rows than tokens: layer 0 gathers from the token table
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Window_gradients_of_every_parameter_match_central_differences_of_the_reference(KernelPath path, int steps, int batch)
    {
        LanguageModel model = CreateModel(path);
        int rows = steps * batch;
        int[] inputs = RandomTokens(rows, 11), targets = RandomTokens(rows, 12);
        targets[1] = KernelSet.IgnoreTarget;   // padding: no loss, no gradient
        RecurrentState state = new(s_config.Recurrent, batch);
        Random random = new(4);
        for (int i = 0; i < state.Hidden.Length; i++) { state.Hidden[i] = (float)(random.NextDouble() - 0.5); state.Cell[i] = (float)(random.NextDouble() - 0.5); }
        double[] h0 = [.. state.Hidden.Select(f => (double)f)], c0 = [.. state.Cell.Select(f => (double)f)];

        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, steps, state);
        double[][] blocks = [.. model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray())];
        Assert.Equal(ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch), loss / rows, 5);

        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model, blocks, h0, c0, inputs, targets, steps, batch));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Vectorized), MemberType = typeof(KernelPathData))]
    public void Every_path_gives_the_scalar_paths_loss_gradients_and_log_probabilities_within_rounding(KernelPath path)
    {
        // Big enough for the GEMMs' vector loops and tails: V = 301 in 17 classes, H = 37, a window of 9 x 7.
        LanguageModelConfig config = new(VocabularySize: 301, EmbeddingSize: 11, CellType.Gru, HiddenSize: 37, Layers: 1) { Softmax = SoftmaxKind.Class, Classes = 17, Dropout = 0.3f };
        long[] counts = [.. Enumerable.Range(1, 301).Select(rank => (long)(100_000 / rank))];
        (double Loss, float[][] Gradients, float[] LogProbabilities) Run(KernelPath p)
        {
            LanguageModel model = new(config, KernelSet.For(p));
            model.Initialize(new Random(5));
            model.SetClasses(WordClasses.ByFrequency(counts, 17));
            Random tokens = new(6);
            int[] inputs = [.. Enumerable.Range(0, 63).Select(_ => tokens.Next(301))], targets = [.. Enumerable.Range(0, 63).Select(_ => tokens.Next(301))];
            model.ZeroGradients();
            double loss = model.TrainWindow(inputs, targets, 9, new RecurrentState(config.Recurrent, 7), seed: 2, update: 3);
            float[] logProbabilities = new float[7 * 301];
            model.Step(inputs.AsSpan(0, 7), new RecurrentState(config.Recurrent, 7), logProbabilities);
            return (loss, [.. model.Blocks.Select(b => b.Gradients.ToArray())], logProbabilities);
        }

        var scalar = Run(KernelPath.Scalar);
        var simd = Run(path);
        Assert.Equal(scalar.Loss, simd.Loss, 3);
        for (int b = 0; b < scalar.Gradients.Length; b++)
        {
            float scale = scalar.Gradients[b].Max(MathF.Abs);
            for (int i = 0; i < scalar.Gradients[b].Length; i++)
            {
                Assert.True(MathF.Abs(scalar.Gradients[b][i] - simd.Gradients[b][i]) <= 1e-4f * scale, $"block {b}[{i}]: {scalar.Gradients[b][i]} vs {simd.Gradients[b][i]}");
            }
        }
        for (int i = 0; i < scalar.LogProbabilities.Length; i++)
        {
            Assert.True(MathF.Abs(scalar.LogProbabilities[i] - simd.LogProbabilities[i]) <= 1e-4f, $"log P[{i}]: {scalar.LogProbabilities[i]} vs {simd.LogProbabilities[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Probabilities_over_all_words_sum_to_one_in_every_row_alone_and_in_a_batch(KernelPath path)
    {
        LanguageModel model = CreateModel(path);
        int[] tokens = RandomTokens(24, 7);
        foreach (int batch in new[] { 1, 3 })
        {
            RecurrentState state = new(s_config.Recurrent, batch);
            float[] logits = new float[batch * V];
            float[] first = [];
            for (int t = 0; t < 8; t++)
            {
                model.Step(tokens.AsSpan(t * batch, batch), state, logits);
                for (int row = 0; row < batch; row++)
                {
                    double sum = logits.AsSpan(row * V, V).ToArray().Sum(z => Math.Exp(z));
                    Assert.True(Math.Abs(sum - 1) < 1e-5, $"B={batch}, step {t}, row {row}: Σ P = {sum:G9}");
                }
                if (t == 0) first = logits[..V];
            }
            // Not a constant distribution: the rows depend on h.
            Assert.NotEqual(first, logits[..V]);
        }
    }

    [Fact]
    public void The_window_loss_is_the_sum_of_minus_log_p_of_the_step_distribution()
    {
        // Exact evaluation: the factorised loss of a window equals -log P(target) read from the full distribution.
        LanguageModel model = CreateModel(KernelPaths.Active);
        const int Steps = 5, Batch = 3;
        int[] inputs = RandomTokens(Steps * Batch, 8), targets = RandomTokens(Steps * Batch, 9);
        double window = model.EvaluateWindow(inputs, targets, Steps, new RecurrentState(s_config.Recurrent, Batch));
        RecurrentState state = new(s_config.Recurrent, Batch);
        float[] logProbabilities = new float[Batch * V];
        double steps = 0;
        for (int t = 0; t < Steps; t++)
        {
            model.Step(inputs.AsSpan(t * Batch, Batch), state, logProbabilities);
            for (int b = 0; b < Batch; b++) steps -= logProbabilities[b * V + targets[t * Batch + b]];
        }
        Assert.Equal(window, steps, 4);
    }

    [Fact]
    public void Bfloat16_steps_stay_normalised_and_close_to_float32()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        float[] Run(WeightPrecision precision)
        {
            model.StepPrecision = precision;
            RecurrentState state = new(s_config.Recurrent, 1);
            float[] logits = new float[V];
            foreach (int token in new[] { 3, 7, 0, 12 }) model.Step([token], state, logits);
            return logits;
        }
        float[] full = Run(WeightPrecision.Float32), half = Run(WeightPrecision.BFloat16);
        Assert.Equal(1, half.Sum(z => Math.Exp(z)), 5);
        for (int w = 0; w < V; w++) Assert.True(MathF.Abs(full[w] - half[w]) < 0.05f, $"log P[{w}]: {full[w]} vs {half[w]}");
        Assert.NotEqual(full, half);
    }

    [Fact]
    public void New_classes_move_each_words_row_with_it()
    {
        LanguageModel model = new(s_config);
        model.Initialize(new Random(3));
        (float[] Weight, float Bias) RowOf(int token)
        {
            int row = model.Classes!.Row[token], h = s_config.HiddenSize;
            float[] block = model.Blocks[^1].Values;
            int words = K * (h + 1);
            return (block.AsSpan(words + row * h, h).ToArray(), block[words + V * h + row]);
        }
        var before = Enumerable.Range(0, V).Select(RowOf).ToArray();
        Assert.False(model.Classes!.Fitted);
        model.SetClasses(WordClasses.ByFrequency(s_counts, K));
        Assert.True(model.Classes.Fitted);
        Assert.NotEqual(Enumerable.Range(0, V), model.Classes.Order.ToArray());
        for (int token = 0; token < V; token++)
        {
            Assert.Equal(before[token].Weight, RowOf(token).Weight);
            Assert.Equal(before[token].Bias, RowOf(token).Bias);
        }
        Assert.Throws<ArgumentException>(() => model.SetClasses(WordClasses.ByFrequency(s_counts, 3)));
        Assert.Throws<InvalidOperationException>(() => new LanguageModel(s_config with { Softmax = SoftmaxKind.Full, Classes = 0 }).SetClasses(model.Classes));
    }

    [Fact]
    public void Configs_check_the_class_count_and_default_it_to_the_square_root_of_v()
    {
        Assert.Equal("Classes", Assert.Throws<ArgumentOutOfRangeException>(() => (s_config with { Softmax = SoftmaxKind.Full }).Validate()).ParamName);
        Assert.Equal("Classes", Assert.Throws<ArgumentOutOfRangeException>(() => (s_config with { Classes = V + 1 }).Validate()).ParamName);
        Assert.Equal("Softmax", Assert.Throws<ArgumentOutOfRangeException>(() => (s_config with { Softmax = (SoftmaxKind)7 }).Validate()).ParamName);
        Assert.Equal(173, (s_config with { VocabularySize = 30_000, Classes = 0 }).ClassCount);
        Assert.Equal(0, (s_config with { Softmax = SoftmaxKind.Full, Classes = 0 }).ClassCount);
        Assert.Equal(["decoder.class_weight:4x5", "decoder.class_bias:4", "decoder.weight:13x5", "decoder.bias:13"],
            s_config.TensorShapes().Skip(9).Select(s => $"{s.Name}:{string.Join("x", s.Shape)}"));
    }

    [Fact]
    public void A_file_keeps_the_classes_and_the_distribution_and_says_schema_4()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        Vocabulary vocabulary = WordVocabulary.FromTokens(Enumerable.Range(0, V - 1).Select(i => $"w{i}"));
        byte[] file = ModelFile.ToBytes(model, vocabulary);
        LoadedModel loaded = ModelFile.Load(file);

        Assert.Equal(s_config, loaded.Model.Config);
        Assert.Equal(model.Classes!.ClassOf.ToArray(), loaded.Model.Classes!.ClassOf.ToArray());
        Assert.True(loaded.Model.Classes.Fitted);
        float[] expected = new float[V], actual = new float[V];
        model.Step([4], new RecurrentState(s_config.Recurrent, 1), expected);
        loaded.Model.Step([4], new RecurrentState(s_config.Recurrent, 1), actual);
        Assert.Equal(expected, actual);

        string json = Encoding.UTF8.GetString(CheckpointReader.Read(file).GetBlob("model.json"));
        Assert.Contains("\"schema\": 4", json);
        Assert.Contains("\"softmax\": \"class\"", json);
        byte[] fullFile = ModelFile.ToBytes(new LanguageModel(s_config with { Softmax = SoftmaxKind.Full, Classes = 0 }), vocabulary);
        Assert.False(CheckpointReader.Read(fullFile).HasSection("decoder.classes"));
        Assert.DoesNotContain("softmax", Encoding.UTF8.GetString(CheckpointReader.Read(fullFile).GetBlob("model.json")));
        Assert.Contains("full softmax", Assert.Throws<NotSupportedException>(() => PyTorchExchange.ExportToBytes(model, vocabulary)).Message);
    }

    private static readonly byte[] s_corpus = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 400).Select(i => $"the cat sat on the mat {i % 7} times . a dog ran {i % 3} laps\n")));

    private static TrainingOptions Options(long updates) => new(SequenceLength: 8, BatchSize: 4, MaxUpdates: updates, EvaluateEvery: 3, ValidationWindows: 2)
    {
        Optimizer = new OptimizerConfig(OptimizerKind.Adam, LearningRate: 3e-2f),
    };

    [Fact]
    public void A_trainer_fits_the_classes_of_its_corpus_learns_and_resumes_exactly()
    {
        WordVocabulary vocabulary = WordVocabulary.Build(s_corpus, 100);
        LanguageModelConfig config = new(vocabulary.Count, 8, CellType.Lstm, 16, 1) { Softmax = SoftmaxKind.Class, Dropout = 0.1f };
        CorpusSplit Data() => CorpusSplit.Create(TokenSequence.FromIds(vocabulary.Encode(s_corpus), vocabulary.Count));
        LanguageModel NewModel()
        {
            LanguageModel model = new(config);
            model.Initialize(new Random(7));
            return model;
        }

        LanguageModel straight = NewModel();
        Trainer trainer = new(straight, Data(), Options(24));
        Assert.Equal(WordClasses.ByFrequency(Data().Train.CountTokens(vocabulary.Count), config.ClassCount).ClassOf.ToArray(), straight.Classes!.ClassOf.ToArray());
        double before = Evaluation.MeanLoss(straight, Data().Validation, 4, 8);
        trainer.Run();
        double after = Evaluation.MeanLoss(straight, Data().Validation, 4, 8);
        Assert.True(after < before - 0.5, $"validation loss went from {before} to {after}");

        LanguageModel first = NewModel();
        Trainer interrupted = new(first, Data(), Options(10));
        interrupted.Run();
        LoadedModel loaded = ModelFile.Load(ModelFile.ToBytes(first, vocabulary, interrupted.Options, interrupted.Capture()));
        Trainer resumed = new(loaded.Model, Data(), loaded.Options! with { MaxUpdates = 24 });
        resumed.Restore(loaded.Training!);
        resumed.Run();
        for (int b = 0; b < straight.Blocks.Count; b++)
        {
            Assert.Equal(straight.Blocks[b].Values, loaded.Model.Blocks[b].Values);
        }
    }

    [Fact]
    public void A_loaded_model_keeps_its_classes_when_trained_on_other_data()
    {
        LanguageModel model = CreateModel(KernelPaths.Active);
        int[] other = [.. Enumerable.Range(0, 400).Select(i => i % 5 == 0 ? 5 : 12 - i % 3)];
        int[] classes = model.Classes!.ClassOf.ToArray();
        new Trainer(model, CorpusSplit.Create(TokenSequence.FromIds(other, V)), Options(1)).Run();
        Assert.Equal(classes, model.Classes.ClassOf.ToArray());
    }
}

using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;
using RnnNative.Text;
using Xunit.Sdk;

namespace RnnNative.Tests.Model;

/// <summary>A <see cref="LanguageModel"/> with <see cref="CellType.Jordan"/>: the input part, then one Jordan layer whose softmax
/// y is fed back and carried in the state from window to window, checked against <see cref="JordanReference"/> in double.</summary>
public class JordanLanguageModelTests
{
    private const int V = 5, Steps = 3, Batch = 2;

    private static readonly Dictionary<string, LanguageModelConfig> s_configs = new()
    {
        ["embedding-tanh"] = new(V, EmbeddingSize: 3, CellType.Jordan, HiddenSize: 4, Layers: 1),
        ["onehot-relu"] = new(V, EmbeddingSize: 0, CellType.Jordan, HiddenSize: 4, Layers: 1, Activation.Relu, InputEncoding.OneHot),
    };

    public static TheoryData<string, KernelPath> ConfigsOnEveryPath()
    {
        TheoryData<string, KernelPath> data = [];
        foreach (string name in s_configs.Keys)
        {
            foreach (KernelPath path in KernelPaths.Available) data.Add(name, path);
        }
        return data;
    }

    public static TheoryData<KernelPath> EveryPath() => [.. KernelPaths.Available];

    private static LanguageModel Create(string name, KernelPath path = KernelPath.Scalar, int seed = 3)
    {
        LanguageModel model = new(s_configs[name], KernelSet.For(path));
        model.Initialize(new Random(seed));
        return model;
    }

    private static int[] RandomTokens(int count, Random random) => [.. Enumerable.Range(0, count).Select(_ => random.Next(V))];

    /// <summary>A y [B, V] of softmax rows, as a previous window leaves it (not zero, so the carry is exercised).</summary>
    private static float[] RandomY(int batch, Random random)
    {
        float[] y = new float[batch * V];
        for (int b = 0; b < batch; b++)
        {
            double[] e = [.. Enumerable.Range(0, V).Select(_ => Math.Exp(random.NextDouble() * 2 - 1))];
            for (int v = 0; v < V; v++) y[b * V + v] = (float)(e[v] / e.Sum());
        }
        return y;
    }

    private static double[][] BlocksAsDouble(LanguageModel model) => [.. model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray())];

    /// <summary>The Jordan network of <paramref name="blocks"/> (embedding if any, then the layer's vector) over [T, B] tokens from y0 [B, V].</summary>
    private static JordanReference.Result Reference(LanguageModelConfig config, double[][] blocks, int[] tokens, int steps, int batch, float[] y0)
    {
        int inputs = config.Recurrent.InputSize;
        double[] x = new double[tokens.Length * inputs];
        for (int row = 0; row < tokens.Length; row++)
        {
            if (config.Input == InputEncoding.OneHot) x[row * inputs + tokens[row]] = 1;
            else Array.Copy(blocks[0], tokens[row] * inputs, x, row * inputs, inputs);
        }
        List<double[]> weights = [];
        int offset = 0;
        foreach ((string _, int[] shape) in JordanLayer.TensorShapes(inputs, config.HiddenSize, V))
        {
            int length = shape.Aggregate(1, (a, b) => a * b);
            weights.Add(blocks[^1][offset..(offset + length)]);
            offset += length;
        }
        return JordanReference.Forward([.. weights], x, steps, batch, [.. Enumerable.Repeat(steps, batch)], inputs, config.HiddenSize, V, config.Activation,
            JordanOutput.Softmax, [.. y0.Select(v => (double)v)]);
    }

    /// <summary>Mean over the rows of -log softmax(z)[target].</summary>
    private static double MeanCrossEntropy(double[] logits, int[] targets)
    {
        double total = 0;
        for (int row = 0; row < targets.Length; row++)
        {
            ReadOnlySpan<double> z = logits.AsSpan(row * V, V);
            double max = z.ToArray().Max();
            total += Math.Log(z.ToArray().Sum(v => Math.Exp(v - max))) + max - z[targets[row]];
        }
        return total / targets.Length;
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 + 1e-4 * Math.Abs(expected), $"{what}: expected {expected:G9}, got {actual:G9}");

    [Theory]
    [MemberData(nameof(ConfigsOnEveryPath))]
    public void Window_gradients_from_a_carried_y_match_central_differences_of_the_reference(string name, KernelPath path)
    {
        LanguageModel model = Create(name, path);
        Random random = new(5);
        int[] inputs = RandomTokens(Steps * Batch, random), targets = RandomTokens(Steps * Batch, random);
        float[] y0 = RandomY(Batch, random);
        RecurrentState state = new(model.Config, Batch);
        y0.CopyTo(state.Hidden, 0);

        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, Steps, state);

        double[][] blocks = BlocksAsDouble(model);
        JordanReference.Result reference = Reference(model.Config, blocks, inputs, Steps, Batch, y0);
        AssertClose(MeanCrossEntropy(reference.Logits, targets) * targets.Length, loss, "summed loss");
        // The state leaves holding y of the last timestep.
        for (int i = 0; i < Batch * V; i++) AssertClose(reference.Outputs[(Steps - 1) * Batch * V + i], state.Hidden[i], $"y_T[{i}]");
        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => MeanCrossEntropy(Reference(model.Config, blocks, inputs, Steps, Batch, y0).Logits, targets));
    }

    [Fact]
    public void The_gradient_check_fails_when_the_carried_y_is_ignored()
    {
        // The negative control of the check above: a reference that starts from y = 0 disagrees with the model's dW_yh.
        LanguageModel model = Create("embedding-tanh");
        Random random = new(5);
        int[] inputs = RandomTokens(Steps * Batch, random), targets = RandomTokens(Steps * Batch, random);
        RecurrentState state = new(model.Config, Batch);
        RandomY(Batch, random).CopyTo(state.Hidden, 0);
        model.ZeroGradients();
        model.TrainWindow(inputs, targets, Steps, state);
        double[][] blocks = BlocksAsDouble(model);
        float[] zeros = new float[Batch * V];
        Assert.ThrowsAny<XunitException>(() =>
            BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => MeanCrossEntropy(Reference(model.Config, blocks, inputs, Steps, Batch, zeros).Logits, targets)));
    }

    [Theory]
    [MemberData(nameof(EveryPath))]
    public void Carrying_y_across_two_windows_gives_the_losses_and_state_of_one_long_window(KernelPath path)
    {
        LanguageModel model = Create("embedding-tanh", path);
        Random random = new(9);
        int[] inputs = RandomTokens(2 * Steps * Batch, random), targets = RandomTokens(2 * Steps * Batch, random);
        int half = Steps * Batch;

        RecurrentState longState = new(model.Config, Batch);
        double longLoss = model.EvaluateWindow(inputs, targets, 2 * Steps, longState);

        RecurrentState carried = new(model.Config, Batch);
        double first = model.EvaluateWindow(inputs.AsSpan(0, half), targets.AsSpan(0, half), Steps, carried);
        double second = model.EvaluateWindow(inputs.AsSpan(half), targets.AsSpan(half), Steps, carried);
        AssertClose(longLoss, first + second, "two windows' loss");
        for (int i = 0; i < Batch * V; i++) AssertClose(longState.Hidden[i], carried.Hidden[i], $"y[{i}]");

        // The negative control: without the carried y the second window predicts otherwise.
        RecurrentState reset = new(model.Config, Batch);
        double secondFromZero = model.EvaluateWindow(inputs.AsSpan(half), targets.AsSpan(half), Steps, reset);
        Assert.True(Math.Abs(secondFromZero - second) > 1e-3, $"the second window's loss {second} barely depends on the carried y ({secondFromZero} from zero)");
    }

    [Theory]
    [MemberData(nameof(ConfigsOnEveryPath))]
    public void Steps_give_the_logits_of_the_reference_window_for_one_and_for_several_streams(string name, KernelPath path)
    {
        LanguageModel model = Create(name, path);
        double[][] blocks = BlocksAsDouble(model);
        foreach (int batch in new[] { 1, 3 })
        {
            int[] tokens = RandomTokens(4 * batch, new Random(batch));
            JordanReference.Result reference = Reference(model.Config, blocks, tokens, 4, batch, new float[batch * V]);
            RecurrentState state = new(model.Config, batch);
            float[] logits = new float[batch * V];
            for (int t = 0; t < 4; t++)
            {
                model.Step(tokens.AsSpan(t * batch, batch), state, logits);
                for (int i = 0; i < batch * V; i++) AssertClose(reference.Logits[t * batch * V + i], logits[i], $"B={batch} z[{t}][{i}]");
            }
        }
    }

    [Fact]
    public void A_replica_steps_as_the_model_and_a_state_of_the_stack_shape_is_refused()
    {
        LanguageModel model = Create("embedding-tanh");
        LanguageModel replica = model.CreateInferenceReplica();
        RecurrentState a = new(model.Config, 2), b = new(model.Config, 2);
        float[] fromModel = new float[2 * V], fromReplica = new float[2 * V];
        foreach (int[] tokens in new[] { new[] { 1, 2 }, new[] { 4, 0 } })
        {
            model.Step(tokens, a, fromModel);
            replica.Step(tokens, b, fromReplica);
        }
        Assert.Equal(fromModel, fromReplica);
        Assert.Equal(2 * V, a.Hidden.Length);
        Assert.Empty(a.Cell);

        ArgumentException wrong = Assert.ThrowsAny<ArgumentException>(() => model.Step([1], new RecurrentState(model.Config.Recurrent, 1), new float[V]));
        Assert.Contains("y [1, B, V=5]", wrong.Message);
    }

    [Fact]
    public void Configs_keep_to_one_layer_and_name_the_Jordan_tensors()
    {
        ArgumentException layers = Assert.ThrowsAny<ArgumentException>(() => (s_configs["embedding-tanh"] with { Layers = 2 }).Validate());
        Assert.Equal("Layers", layers.ParamName);
        Assert.Contains("one recurrent layer", layers.Message);
        ArgumentException dropout = Assert.ThrowsAny<ArgumentException>(() => (s_configs["onehot-relu"] with { Dropout = 0.2f }).Validate());
        Assert.Equal("Dropout", dropout.ParamName);
        Assert.Equal(1, LanguageModelConfig.DefaultLayersOf(CellType.Jordan));
        Assert.Equal(LanguageModelConfig.DefaultLayers, LanguageModelConfig.DefaultLayersOf(CellType.Gru));

        LanguageModel model = Create("embedding-tanh");
        Assert.Equal(["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_yh_l0", "rnn.bias_l0", "decoder.weight", "decoder.bias"], model.NamedTensors().Select(t => t.Name));
        Assert.Equal([[V, 3], [4, 3], [4, V], [4], [V, 4], [V]], model.NamedTensors().Select(t => t.Shape));
        Assert.Equal(["embedding", "jordan"], model.Blocks.Select(b => b.Name));
        Assert.Equal(V, model.Config.StateSize);
        Assert.Throws<NotSupportedException>(() => model.Stack);
    }

    [Fact]
    public void Embedding_dropout_acts_in_training_only_with_masks_drawn_per_update()
    {
        LanguageModel dropped = new(s_configs["embedding-tanh"] with { Dropout = 0.5f }, KernelSet.For(KernelPath.Scalar));
        dropped.Initialize(new Random(3));
        LanguageModel plain = Create("embedding-tanh");
        Random random = new(11);
        int[] inputs = RandomTokens(Steps * Batch, random), targets = RandomTokens(Steps * Batch, random);
        double Train(LanguageModel model, long update) => model.TrainWindow(inputs, targets, Steps, new RecurrentState(model.Config, Batch), seed: 1, update: update);
        double Evaluate(LanguageModel model) => model.EvaluateWindow(inputs, targets, Steps, new RecurrentState(model.Config, Batch));

        Assert.Equal(Evaluate(plain), Evaluate(dropped));   // the same weights, nothing dropped
        Assert.Equal(Train(dropped, 0), Train(dropped, 0));
        Assert.NotEqual(Train(dropped, 0), Train(dropped, 1));
        Assert.NotEqual(Evaluate(dropped), Train(dropped, 0));
    }

    [Fact]
    public void A_file_saves_and_loads_the_weights_and_the_exchange_and_bfloat16_steps_are_refused()
    {
        LanguageModel model = Create("onehot-relu");
        Vocabulary vocabulary = Utf8CharVocabulary.Build("abcde"u8);
        byte[] file = ModelFile.ToBytes(model, vocabulary);
        LoadedModel loaded = ModelFile.Load(file);
        Assert.Equal(model.Config, loaded.Model.Config);
        Assert.Equal(model.Blocks.Select(b => b.Values), loaded.Model.Blocks.Select(b => b.Values));
        Assert.Equal(ModelKind.LanguageModel, ModelFiles.KindOf(file));
        Assert.Contains("\"schema\": 4", System.Text.Encoding.UTF8.GetString(CheckpointReader.Read(file).GetBlob("model.json")));

        NotSupportedException exchange = Assert.Throws<NotSupportedException>(() => PyTorchExchange.ExportToBytes(model, vocabulary));
        Assert.Contains("no PyTorch module", exchange.Message);
        NotSupportedException precision = Assert.Throws<NotSupportedException>(() => model.StepPrecision = WeightPrecision.BFloat16);
        Assert.Contains("float32 only", precision.Message);
        Assert.Equal(WeightPrecision.Float32, model.StepPrecision);
    }

    [Fact]
    public void A_generator_samples_a_stream_the_same_alone_and_beside_another()
    {
        LanguageModel model = Create("embedding-tanh");
        Vocabulary vocabulary = Utf8CharVocabulary.Build("abcde"u8);
        SamplingOptions options = new();
        string alone = new TextGenerator(model, vocabulary, options).Generate(["ab"], maxTokens: 30, seed: 4)[0];
        string[] both = new TextGenerator(model, vocabulary, options, streams: 2).Generate(["ab", "eeee"], maxTokens: 30, seed: 4);
        string streamed = string.Concat(new TextGenerator(model, vocabulary, options).Stream("ab", maxTokens: 30, seed: 4));
        Assert.Equal(30, alone.Length);
        Assert.Equal(alone, both[0]);
        Assert.Equal(alone, streamed);
        Assert.NotEqual(both[0], both[1]);
    }

    [Fact]
    public void A_sampling_step_draws_from_the_steps_logits_and_the_class_softmax_is_refused()
    {
        // Greedy draws (temperature 0) take the largest logit, so SampleStep must agree with Step's argmax stream by stream;
        // the two states must also advance alike.
        LanguageModel model = Create("embedding-tanh");
        RecurrentState stepped = new(model.Config, 2), sampled = new(model.Config, 2);
        float[] logits = new float[2 * V];
        int[] next = new int[2];
        Randomness.SeededRandom[] randoms = [new(1), new(2)];
        int[] tokens = [1, 3];
        for (int t = 0; t < 4; t++)
        {
            model.Step(tokens, stepped, logits);
            model.SampleStep(tokens, sampled, 0f, randoms, next);
            for (int s = 0; s < 2; s++)
            {
                ReadOnlySpan<float> row = logits.AsSpan(s * V, V);
                Assert.Equal(row.IndexOf(row.ToArray().Max()), next[s]);
            }
            Assert.Equal(stepped.Hidden, sampled.Hidden);
            tokens = [.. next];
        }

        ArgumentException refused = Assert.ThrowsAny<ArgumentException>(() => (s_configs["embedding-tanh"] with { Softmax = SoftmaxKind.Class }).Validate());
        Assert.Contains("full softmax only", refused.Message);
    }
}

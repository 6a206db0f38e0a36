using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;
using RnnNative.Training;
using Xunit.Sdk;

namespace RnnNative.Tests.Model;

/// <summary>A <see cref="SequenceModel"/> with <see cref="CellType.Jordan"/>: input part, then one Jordan layer that owns the
/// output layer, checked against <see cref="JordanReference"/> in double with the loss of <see cref="SequenceReference"/>.</summary>
public class JordanSequenceModelTests
{
    private const int Steps = 4, Batch = 3;
    private static readonly int[] s_lengths = [2, 4, 1];

    private static SequenceModelConfig Tokens(ModelKind kind, int outputs) =>
        new(kind, CellType.Jordan, HiddenSize: 3, Layers: 1, outputs) { VocabularySize = 5, EmbeddingSize = 3 };

    private static SequenceModelConfig Dense(bool perStep) =>
        new(ModelKind.Regressor, CellType.Jordan, HiddenSize: 3, Layers: 1, Outputs: 2) { Input = InputEncoding.Dense, FeatureSize = 2, PerStep = perStep };

    private static readonly Dictionary<string, SequenceModelConfig> s_configs = new()
    {
        ["tagger-embedding"] = Tokens(ModelKind.Tagger, 4),
        ["classifier-embedding-last"] = Tokens(ModelKind.Classifier, 3),
        ["classifier-onehot-mean-relu"] = Tokens(ModelKind.Classifier, 3) with { Input = InputEncoding.OneHot, EmbeddingSize = 0, Pooling = SequencePooling.Mean, Activation = Activation.Relu },
        ["regressor-dense-step"] = Dense(perStep: true),
        ["regressor-dense-end"] = Dense(perStep: false),
        ["regressor-dense-end-mean"] = Dense(perStep: false) with { Pooling = SequencePooling.Mean },
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

    private static (SequenceModel, SequenceBatch) Create(string name, KernelPath path, int seed = 3)
    {
        SequenceModelConfig config = s_configs[name];
        SequenceModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(seed));
        return (model, SequenceReference.RandomBatch(config, Steps, s_lengths, new Random(seed + 1)));
    }

    /// <summary>The Jordan network of <paramref name="blocks"/> (the model's blocks in double: embedding if any, then the layer's vector) over the batch.</summary>
    private static JordanReference.Result ReferenceForward(SequenceModelConfig config, double[][] blocks, SequenceBatch batch)
    {
        int inputs = config.Recurrent.InputSize;
        double[] x = SequenceReference.Inputs(config, config.Input == InputEncoding.Embedding ? blocks[0] : [], batch, inputs);
        List<double[]> weights = [];
        int offset = 0;
        foreach ((string _, int[] shape) in JordanLayer.TensorShapes(inputs, config.HiddenSize, config.Outputs))
        {
            int length = shape.Aggregate(1, (a, b) => a * b);
            weights.Add(blocks[^1][offset..(offset + length)]);
            offset += length;
        }
        JordanOutput g = config.Kind == ModelKind.Regressor ? JordanOutput.Identity : JordanOutput.Softmax;
        return JordanReference.Forward([.. weights], x, batch.Timesteps, batch.Batch, batch.Lengths, inputs, config.HiddenSize, config.Outputs, config.Activation, g);
    }

    /// <summary>The mean loss over the Jordan network's logits: every timestep's, or pooled per sequence.</summary>
    private static double ReferenceLoss(SequenceModelConfig config, double[][] blocks, SequenceBatch batch) =>
        SequenceReference.MeanLoss(config, SequenceReference.Rows(config, ReferenceForward(config, blocks, batch).Logits, config.Outputs, config.Outputs, batch), batch);

    private static double[][] BlocksAsDouble(SequenceModel model) => [.. model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray())];

    [Theory]
    [MemberData(nameof(ConfigsOnEveryPath))]
    public void Batch_gradients_match_central_differences_of_the_reference(string name, KernelPath path)
    {
        (SequenceModel model, SequenceBatch batch) = Create(name, path);
        model.ZeroGradients();
        double loss = model.TrainBatch(batch) / model.LossTerms(batch);
        double[][] blocks = BlocksAsDouble(model);
        Assert.Equal(ReferenceLoss(model.Config, blocks, batch), loss, 5);

        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model.Config, blocks, batch));
    }

    [Fact]
    public void The_gradient_check_detects_a_wrong_feedback_gradient()
    {
        // Negative control: as if BPTT through y_{t-1} were a little off, one element of dW_yh by 1e-3.
        (SequenceModel model, SequenceBatch batch) = Create("tagger-embedding", KernelPaths.Active);
        model.ZeroGradients();
        model.TrainBatch(batch);
        double[][] blocks = BlocksAsDouble(model);
        int weightYh = 3 * 3;   // W_ih [H=3, E=3] comes first
        model.Blocks[^1].Gradients[weightYh + 1] += 1e-3f;
        Assert.ThrowsAny<XunitException>(() => BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model.Config, blocks, batch)));
    }

    [Theory]
    [InlineData("tagger-embedding")]
    [InlineData("classifier-embedding-last")]
    [InlineData("regressor-dense-step")]
    [InlineData("regressor-dense-end")]
    public void Predictions_are_the_networks_own_outputs(string name)
    {
        // A tagger's and a Last classifier's probabilities are the y the network fed back; a regressor's values its z (g = identity).
        (SequenceModel model, SequenceBatch batch) = Create(name, KernelPaths.Active);
        SequenceModelConfig config = model.Config;
        JordanReference.Result reference = ReferenceForward(config, BlocksAsDouble(model), batch);
        int c = config.Outputs, rows = config.HeadPerTimestep ? Steps * Batch : Batch;
        float[] predictions = new float[rows * c];
        model.Predict(batch, predictions);
        for (int r = 0; r < rows; r++)
        {
            // Per sequence: the last timestep's rows carry every sequence's final y.
            int row = config.HeadPerTimestep ? r : (Steps - 1) * Batch + r;
            for (int k = 0; k < c; k++)
            {
                double expected = config.HeadPerTimestep && !SequenceReference.IsValid(batch, r) ? 0 : reference.Outputs[row * c + k];
                Assert.True(Math.Abs(expected - predictions[r * c + k]) <= 1e-5, $"prediction [{r}, {k}]: expected {expected:G9}, got {predictions[r * c + k]:G9}");
            }
        }
    }

    [Theory]
    [InlineData("tagger-embedding")]
    [InlineData("classifier-onehot-mean-relu")]
    [InlineData("regressor-dense-step")]
    public void What_padding_holds_changes_nothing(string name)
    {
        (SequenceModel model, SequenceBatch batch) = Create(name, KernelPaths.Active);
        (double loss, float[] gradients, float[] predictions) = Run(model, batch);
        SequenceReference.ScramblePadding(batch, model.Config.VocabularySize, new Random(99));
        (double loss2, float[] gradients2, float[] predictions2) = Run(model, batch);
        Assert.Equal(loss, loss2);
        Assert.Equal(gradients, gradients2);
        Assert.Equal(predictions, predictions2);
    }

    [Theory]
    [InlineData("classifier-embedding-last")]
    [InlineData("classifier-onehot-mean-relu")]
    [InlineData("regressor-dense-end")]
    public void A_wrong_length_changes_the_loss(string name)
    {
        // Negative control for the test above: the timesteps past a length are read once the length covers them.
        (SequenceModel model, SequenceBatch batch) = Create(name, KernelPaths.Active);
        double loss = model.EvaluateBatch(batch);
        batch.Lengths[0]++;
        Assert.NotEqual(loss, model.EvaluateBatch(batch));
    }

    public static TheoryData<string, KernelPath> LargeConfigsOnVectorPaths()
    {
        TheoryData<string, KernelPath> data = [];
        foreach (string name in s_large.Keys)
        {
            foreach (KernelPath path in KernelPaths.Available.Where(p => p != KernelPath.Scalar)) data.Add(name, path);
        }
        return data;
    }

    // Odd sizes, longer than one register of every path, and every length from 1 to T in one batch.
    private static readonly int[] s_largeLengths = [6, 1, 3, 5, 2, 4];

    private static readonly Dictionary<string, SequenceModelConfig> s_large = new()
    {
        ["tagger-embedding"] = new(ModelKind.Tagger, CellType.Jordan, HiddenSize: 37, Layers: 1, Outputs: 19) { VocabularySize = 23, EmbeddingSize = 7 },
        ["classifier-onehot-mean"] = new(ModelKind.Classifier, CellType.Jordan, HiddenSize: 37, Layers: 1, Outputs: 19) { Input = InputEncoding.OneHot, VocabularySize = 23, Pooling = SequencePooling.Mean, Activation = Activation.Relu },
        ["regressor-dense-step"] = new(ModelKind.Regressor, CellType.Jordan, HiddenSize: 37, Layers: 1, Outputs: 19) { Input = InputEncoding.Dense, FeatureSize = 7, PerStep = true },
    };

    [Theory]
    [MemberData(nameof(LargeConfigsOnVectorPaths))]
    public void Every_kernel_path_agrees_with_the_scalar_path(string name, KernelPath path)
    {
        (double Loss, float[] Gradients, float[] Predictions) Large(KernelPath kernels)
        {
            SequenceModelConfig config = s_large[name];
            SequenceModel model = new(config, KernelSet.For(kernels));
            model.Initialize(new Random(5));
            return Run(model, SequenceReference.RandomBatch(config, 6, s_largeLengths, new Random(6)));
        }
        (double loss, float[] gradients, float[] predictions) = Large(KernelPath.Scalar);
        (double loss2, float[] gradients2, float[] predictions2) = Large(path);
        Assert.Equal(loss, loss2, 1e-4 * Math.Abs(loss));
        AssertClose(gradients, gradients2, "gradients");
        AssertClose(predictions, predictions2, "predictions");
    }

    [Fact]
    public void A_replica_predicts_what_the_model_does_and_cannot_train()
    {
        (SequenceModel model, SequenceBatch batch) = Create("classifier-embedding-last", KernelPaths.Active);
        SequenceModel replica = model.CreateInferenceReplica();
        float[] expected = new float[Batch * 3], got = new float[Batch * 3];
        model.Predict(batch, expected);
        replica.Predict(batch, got);
        Assert.Equal(expected, got);
        Assert.Equal(model.EvaluateBatch(batch), replica.EvaluateBatch(batch));
        Assert.All(replica.Blocks, block => Assert.Empty(block.Gradients));
        Assert.Throws<InvalidOperationException>(() => replica.TrainBatch(batch));
    }

    [Fact]
    public void Tensors_are_the_input_parts_and_the_layers_and_every_parameter_is_in_one_block()
    {
        SequenceModelConfig config = s_configs["tagger-embedding"];
        Assert.Equal(["embedding.weight:5x3", "rnn.weight_ih_l0:3x3", "rnn.weight_yh_l0:3x4", "rnn.bias_l0:3", "decoder.weight:4x3", "decoder.bias:4"],
            config.TensorShapes().Select(s => $"{s.Name}:{string.Join("x", s.Shape)}"));
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_yh_l0", "rnn.bias_l0", "decoder.weight", "decoder.bias"], s_configs["regressor-dense-end"].TensorShapes().Select(s => s.Name));

        SequenceModel model = new(config);
        model.Initialize(new Random(1));
        Assert.Equal(["embedding", "jordan"], model.Blocks.Select(b => b.Name));
        Assert.Equal(config.TensorShapes().Sum(s => s.Shape.Aggregate(1, (a, b) => a * b)), model.Blocks.Sum(b => b.Length));
        // The named tensors view the blocks in order, without gaps or overlaps.
        float[] named = [.. model.NamedTensors().SelectMany(t => t.Values.ToArray())];
        Assert.Equal(model.Blocks.SelectMany(b => b.Values), named);
        Assert.All(model.NamedTensors(gradients: true), t => Assert.Equal(t.Shape.Aggregate(1, (a, b) => a * b), t.Values.Length));
    }

    public static TheoryData<SequenceModelConfig, string> InvalidConfigs() => new()
    {
        { Tokens(ModelKind.Tagger, 3) with { Layers = 2 }, nameof(SequenceModelConfig.Layers) },
        { Tokens(ModelKind.Tagger, 3) with { Bidirectional = true }, nameof(SequenceModelConfig.Bidirectional) },
        { Tokens(ModelKind.Tagger, 3) with { Initialization = RecurrentInitialization.Identity }, nameof(SequenceModelConfig.Initialization) },
        { Dense(perStep: true) with { Dropout = 0.2f }, nameof(SequenceModelConfig.Dropout) },
        { Tokens(ModelKind.Classifier, 3) with { Input = InputEncoding.OneHot, EmbeddingSize = 0, Dropout = 0.2f }, nameof(SequenceModelConfig.Dropout) },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Stack_only_options_are_refused_naming_the_field_and_the_cell(SequenceModelConfig config, string field)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(config.Validate);
        Assert.Equal(field, error.ParamName);
        Assert.Contains("Jordan", error.Message.Split('\n')[0]);   // the line before ArgumentOutOfRangeException's "Actual value was"
    }

    [Fact]
    public void An_embedding_is_dropped_in_training_only()
    {
        SequenceModelConfig config = Tokens(ModelKind.Tagger, 4) with { Dropout = 0.5f };
        config.Validate();
        SequenceModel model = new(config);
        model.Initialize(new Random(3));
        SequenceBatch batch = SequenceReference.RandomBatch(config, Steps, s_lengths, new Random(4));
        double evaluated = model.EvaluateBatch(batch);
        Assert.NotEqual(evaluated, model.TrainBatch(batch, seed: 1));
        Assert.Equal(evaluated, model.EvaluateBatch(batch));
    }

    [Fact]
    public void A_short_training_lowers_the_loss_of_a_tagger_that_needs_the_previous_output()
    {
        // Tag t = the token at t-1 (tag 0 first): only the fed-back previous output and the input carry it, deterministic by seed.
        SequenceModelConfig config = new(ModelKind.Tagger, CellType.Jordan, HiddenSize: 16, Layers: 1, Outputs: 4) { VocabularySize = 4, EmbeddingSize = 4 };
        SequenceModel model = new(config);
        model.Initialize(new Random(7));
        Random random = new(8);
        SequenceBatch batch = new(8, 16, 0, TargetKind.StepClasses, 0);
        for (int b = 0; b < batch.Batch; b++) batch.Lengths[b] = 3 + random.Next(6);
        for (int row = 0; row < batch.Tokens.Length; row++) batch.Tokens[row] = random.Next(4);
        for (int row = 0; row < batch.Tokens.Length; row++)
        {
            batch.StepTargets[row] = !SequenceReference.IsValid(batch, row) ? KernelSet.IgnoreTarget : row < batch.Batch ? 0 : batch.Tokens[row - batch.Batch];
        }
        Optimizer optimizer = new(new OptimizerConfig(OptimizerKind.Adam, LearningRate: 0.05f), model.Blocks);
        double first = model.EvaluateBatch(batch) / model.LossTerms(batch);
        for (int update = 0; update < 60; update++)
        {
            model.ZeroGradients();
            model.TrainBatch(batch);
            optimizer.Update(0.05f);
        }
        double last = model.EvaluateBatch(batch) / model.LossTerms(batch);
        Assert.True(last < 0.5 * first, $"loss {first:F4} -> {last:F4}");
    }

    private static (double Loss, float[] Gradients, float[] Predictions) Run(SequenceModel model, SequenceBatch batch)
    {
        model.ZeroGradients();
        double loss = model.TrainBatch(batch);
        float[] predictions = new float[(model.Config.HeadPerTimestep ? batch.Timesteps * batch.Batch : batch.Batch) * model.Config.Outputs];
        model.Predict(batch, predictions);
        return (loss, [.. model.Blocks.SelectMany(b => b.Gradients)], predictions);
    }

    private static void AssertClose(float[] expected, float[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"{name}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }
}

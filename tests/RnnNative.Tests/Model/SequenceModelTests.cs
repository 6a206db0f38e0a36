using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Cells;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Model;

public class SequenceModelTests
{
    private const int Steps = 4, Batch = 3;
    private static readonly int[] s_lengths = [2, 4, 1];

    private static SequenceModelConfig Tokens(ModelKind kind, CellType cell, int layers, int outputs) =>
        new(kind, cell, HiddenSize: 3, layers, outputs) { VocabularySize = 5, EmbeddingSize = 3, Bidirectional = true };

    private static SequenceModelConfig Dense(CellType cell, int layers, bool perStep) =>
        new(ModelKind.Regressor, cell, HiddenSize: 3, layers, Outputs: 2) { Input = InputEncoding.Dense, FeatureSize = 2, Bidirectional = true, PerStep = perStep };

    private static readonly Dictionary<string, SequenceModelConfig> s_configs = new()
    {
        ["classifier-lstm-bi-last"] = Tokens(ModelKind.Classifier, CellType.Lstm, 2, 3),
        ["classifier-lstm-onehot-mean"] = Tokens(ModelKind.Classifier, CellType.Lstm, 1, 3) with { Input = InputEncoding.OneHot, EmbeddingSize = 0, Bidirectional = false, Pooling = SequencePooling.Mean },
        ["tagger-gru-bi"] = Tokens(ModelKind.Tagger, CellType.Gru, 1, 4),
        ["regressor-rnn-bi-step"] = Dense(CellType.Elman, 2, perStep: true),
        ["regressor-gru-end"] = Dense(CellType.Gru, 1, perStep: false) with { Bidirectional = false },
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
        return (model, RandomBatch(config, s_lengths, new Random(seed + 1)));
    }

    private static SequenceBatch RandomBatch(SequenceModelConfig config, int[] lengths, Random random) => SequenceReference.RandomBatch(config, Steps, lengths, random);

    private static bool IsValid(SequenceBatch batch, int row) => SequenceReference.IsValid(batch, row);

    /// <summary>The mean loss of <paramref name="batch"/> in double, from the formulas, over the stack's double reference with lengths.</summary>
    private static double ReferenceLoss(SequenceModelConfig config, double[][] blocks, SequenceBatch batch)
    {
        RecurrentConfig recurrent = config.Recurrent;
        int hidden = config.HiddenSize, width = recurrent.OutputSize, c = config.Outputs;
        int first = config.Input == InputEncoding.Embedding ? 1 : 0;
        double[] x = SequenceReference.Inputs(config, first == 1 ? blocks[0] : [], batch, recurrent.InputSize);
        double[] zeros = new double[recurrent.StateLayers * Batch * hidden];
        double[] output = ReferenceRecurrent.Forward(recurrent, new RecurrentStack(recurrent).Tensors, blocks[first], x, Steps, Batch, zeros, zeros, batch.Lengths).Output;
        double[] decoder = blocks[first + 1];

        double[] head = SequenceReference.Rows(config, output, width, hidden, batch);
        int headRows = head.Length / width;
        double[] y = new double[headRows * c];
        for (int r = 0; r < headRows; r++)
        {
            for (int k = 0; k < c; k++)
            {
                y[r * c + k] = decoder[c * width + k];
                for (int j = 0; j < width; j++) y[r * c + k] += decoder[k * width + j] * head[r * width + j];
            }
        }
        return SequenceReference.MeanLoss(config, y, batch);
    }

    [Theory]
    [MemberData(nameof(ConfigsOnEveryPath))]
    public void Batch_gradients_match_central_differences_of_the_reference(string name, KernelPath path)
    {
        (SequenceModel model, SequenceBatch batch) = Create(name, path);
        model.ZeroGradients();
        double loss = model.TrainBatch(batch) / model.LossTerms(batch);
        double[][] blocks = [.. model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray())];
        Assert.Equal(ReferenceLoss(model.Config, blocks, batch), loss, 5);

        BlockGradientCheck.AssertMatches(model.Blocks, blocks, () => ReferenceLoss(model.Config, blocks, batch));
    }

    [Fact]
    public void Dropout_drops_in_training_only_and_draws_its_masks_from_the_seed_and_the_update()
    {
        SequenceModelConfig config = s_configs["tagger-gru-bi"] with { Layers = 2, Dropout = 0.5f };
        SequenceModel model = new(config, KernelSet.Active);
        model.Initialize(new Random(5));
        SequenceBatch batch = RandomBatch(config, s_lengths, new Random(6));
        SequenceModel plain = new(config with { Dropout = 0 }, KernelSet.Active);
        model.Blocks.Zip(plain.Blocks).ToList().ForEach(pair => pair.First.Values.CopyTo(pair.Second.Values, 0));

        double update3 = model.TrainBatch(batch, seed: 11, update: 3);
        Assert.Equal(update3, model.TrainBatch(batch, seed: 11, update: 3));
        Assert.NotEqual(update3, model.TrainBatch(batch, seed: 11, update: 4));
        Assert.NotEqual(update3, model.TrainBatch(batch, seed: 12, update: 3));
        // Evaluation drops nothing: the model with dropout evaluates as the same weights without it.
        Assert.Equal(plain.EvaluateBatch(batch), model.EvaluateBatch(batch));
        Assert.NotEqual(plain.EvaluateBatch(batch), update3);
    }

    [Theory]
    [InlineData("tagger-gru-bi")]
    [InlineData("classifier-lstm-bi-last")]
    [InlineData("regressor-rnn-bi-step")]
    public void What_padding_holds_changes_nothing(string name)
    {
        (SequenceModel model, SequenceBatch batch) = Create(name, KernelPaths.Active);
        (float[] loss, float[] gradients, float[] predictions) = Run(model, batch);
        SequenceReference.ScramblePadding(batch, model.Config.VocabularySize, new Random(99));
        (float[] loss2, float[] gradients2, float[] predictions2) = Run(model, batch);
        Assert.Equal(loss, loss2);
        Assert.Equal(gradients, gradients2);
        Assert.Equal(predictions, predictions2);
    }

    [Theory]
    [InlineData("classifier-lstm-bi-last")]
    [InlineData("classifier-lstm-onehot-mean")]
    [InlineData("regressor-gru-end")]
    public void A_wrong_length_changes_the_loss(string name)
    {
        // Negative control for the test above: the timesteps past a length are read once the length covers them.
        (SequenceModel model, SequenceBatch batch) = Create(name, KernelPaths.Active);
        double loss = model.EvaluateBatch(batch);
        batch.Lengths[0]++;
        Assert.NotEqual(loss, model.EvaluateBatch(batch));
    }

    private static (float[] Loss, float[] Gradients, float[] Predictions) Run(SequenceModel model, SequenceBatch batch)
    {
        model.ZeroGradients();
        float loss = (float)model.TrainBatch(batch);
        float[] predictions = new float[(model.Config.HeadPerTimestep ? Steps * Batch : Batch) * model.Config.Outputs];
        model.Predict(batch, predictions);
        return ([loss], [.. model.Blocks.SelectMany(b => b.Gradients)], predictions);
    }

    [Fact]
    public void Predictions_are_probabilities_at_valid_timesteps_and_zero_at_padding()
    {
        (SequenceModel model, SequenceBatch batch) = Create("tagger-gru-bi", KernelPaths.Active);
        float[] predictions = new float[Steps * Batch * 4];
        model.Predict(batch, predictions);
        for (int row = 0; row < Steps * Batch; row++)
        {
            float sum = predictions.AsSpan(row * 4, 4).ToArray().Sum();
            Assert.Equal(IsValid(batch, row) ? 1f : 0f, sum, 5);
        }
    }

    [Fact]
    public void A_replica_predicts_what_the_model_does_and_cannot_train()
    {
        (SequenceModel model, SequenceBatch batch) = Create("classifier-lstm-bi-last", KernelPaths.Active);
        SequenceModel replica = model.CreateInferenceReplica();
        float[] expected = new float[Batch * 3], got = new float[Batch * 3];
        model.Predict(batch, expected);
        replica.Predict(batch, got);
        Assert.Equal(expected, got);
        Assert.Equal(model.EvaluateBatch(batch), replica.EvaluateBatch(batch));
        Assert.Throws<InvalidOperationException>(() => replica.TrainBatch(batch));
    }

    [Fact]
    public void Loss_terms_are_what_pytorchs_mean_divides_by()
    {
        int positions = s_lengths.Sum();
        Assert.Equal(positions, Create("tagger-gru-bi", KernelPaths.Active).Item1.LossTerms(Create("tagger-gru-bi", KernelPaths.Active).Item2));
        (SequenceModel classifier, SequenceBatch classes) = Create("classifier-lstm-bi-last", KernelPaths.Active);
        Assert.Equal(Batch, classifier.LossTerms(classes));
        (SequenceModel perStep, SequenceBatch stepValues) = Create("regressor-rnn-bi-step", KernelPaths.Active);
        Assert.Equal(positions * 2, perStep.LossTerms(stepValues));
        (SequenceModel atEnd, SequenceBatch values) = Create("regressor-gru-end", KernelPaths.Active);
        Assert.Equal(Batch * 2, atEnd.LossTerms(values));
    }

    [Fact]
    public void Tensor_shapes_name_the_decoder_over_both_directions()
    {
        SequenceModelConfig config = s_configs["classifier-lstm-bi-last"];
        (string Name, int[] Shape)[] shapes = [.. config.TensorShapes()];
        Assert.Equal(["embedding.weight:5x3", "decoder.weight:3x6", "decoder.bias:3"], new[] { shapes[0], shapes[^2], shapes[^1] }.Select(s => $"{s.Name}:{string.Join("x", s.Shape)}"));
        Assert.Contains(shapes, s => s.Name == "rnn.weight_ih_l1_reverse" && s.Shape.SequenceEqual([12, 6]));
        SequenceModel model = new(config);
        Assert.Equal(shapes.Select(s => s.Name), model.NamedTensors().Select(t => t.Name));
        Assert.All(model.NamedTensors(), t => Assert.Equal(t.Shape.Aggregate(1, (a, b) => a * b), t.Values.Length));
        Assert.DoesNotContain(s_configs["regressor-gru-end"].TensorShapes(), s => s.Name == "embedding.weight");
    }

    public static TheoryData<SequenceModelConfig, string> InvalidConfigs() => new()
    {
        { Tokens(ModelKind.LanguageModel, CellType.Lstm, 1, 3), nameof(SequenceModelConfig.Kind) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 3) with { VocabularySize = 1 }, nameof(SequenceModelConfig.VocabularySize) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 3) with { EmbeddingSize = 0 }, nameof(SequenceModelConfig.EmbeddingSize) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 3) with { FeatureSize = 2 }, nameof(SequenceModelConfig.FeatureSize) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 1), nameof(SequenceModelConfig.Outputs) },
        { Tokens(ModelKind.Classifier, CellType.Lstm, 1, 3) with { PerStep = true }, nameof(SequenceModelConfig.PerStep) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 3) with { Pooling = SequencePooling.Mean }, nameof(SequenceModelConfig.Pooling) },
        { Tokens(ModelKind.Tagger, CellType.Lstm, 1, 3) with { Input = InputEncoding.OneHot }, nameof(SequenceModelConfig.EmbeddingSize) },
        { Dense(CellType.Gru, 1, perStep: true) with { FeatureSize = 0 }, nameof(SequenceModelConfig.FeatureSize) },
        { Dense(CellType.Gru, 1, perStep: true) with { VocabularySize = 10 }, nameof(SequenceModelConfig.VocabularySize) },
        { Dense(CellType.Gru, 1, perStep: true) with { HiddenSize = 0 }, "HiddenSize" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void An_invalid_config_is_refused_naming_the_field(SequenceModelConfig config, string field)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(config.Validate);
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void A_batch_that_does_not_fit_the_model_is_refused()
    {
        (SequenceModel tagger, SequenceBatch batch) = Create("tagger-gru-bi", KernelPaths.Active);
        batch.StepTargets[Batch * 3] = 0;   // timestep 3 of sequence 0 (length 2) is padding
        Assert.Throws<ArgumentException>(() => tagger.TrainBatch(batch));
        (SequenceModel regressor, SequenceBatch _) = Create("regressor-gru-end", KernelPaths.Active);
        Assert.Throws<ArgumentException>(() => regressor.TrainBatch(RandomBatch(s_configs["regressor-rnn-bi-step"], s_lengths, new Random(1))));
        (SequenceModel classifier, SequenceBatch classes) = Create("classifier-lstm-bi-last", KernelPaths.Active);
        classes.Tokens[0] = 5;
        Assert.Throws<ArgumentOutOfRangeException>(() => classifier.EvaluateBatch(classes));
    }
}

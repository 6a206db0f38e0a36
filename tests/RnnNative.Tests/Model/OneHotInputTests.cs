using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Cells;
using RnnNative.Tests.IO;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>
/// One-hot input (char-rnn's): layer 0 reads onehot(token) [V], so W_ih_l0 is [G*H, V] and there is
/// no embedding. Checked against finite differences of a double reference, and against the
/// embedding model it must equal exactly: E = V with the identity as its embedding.
/// </summary>
public class OneHotInputTests
{
    private const int V = 7;
    private static readonly LanguageModelConfig s_oneHot = new(V, 0, CellType.Lstm, HiddenSize: 4, Layers: 2, Input: InputEncoding.OneHot);

    private static LanguageModel OneHotModel(KernelPath path, LanguageModelConfig? config = null)
    {
        LanguageModel model = new(config ?? s_oneHot, KernelSet.For(path));
        model.Initialize(new Random(5));
        return model;
    }

    /// <summary>An embedding model with E = V whose embedding is the identity and whose other weights are <paramref name="oneHot"/>'s.</summary>
    private static LanguageModel IdentityEmbeddingTwin(LanguageModel oneHot)
    {
        LanguageModelConfig c = oneHot.Config;
        LanguageModel twin = new(c with { EmbeddingSize = c.VocabularySize, Input = InputEncoding.Embedding }, oneHot.Kernels);
        Span<float> embedding = twin.Blocks[0].Values;
        for (int v = 0; v < c.VocabularySize; v++) embedding[v * c.VocabularySize + v] = 1f;
        oneHot.Blocks[0].Values.CopyTo(twin.Blocks[1].Values, 0);
        oneHot.Blocks[1].Values.CopyTo(twin.Blocks[2].Values, 0);
        twin.MarkWeightsChanged();
        return twin;
    }

    /// <summary>Every path with a window of fewer rows than tokens (columns gathered per row) and one of more (from W_ih_l0ᵀ).</summary>
    public static TheoryData<KernelPath, int, int> Windows()
    {
        TheoryData<KernelPath, int, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            data.Add(path, 3, 2);
            data.Add(path, 4, 3);
        }
        return data;
    }

    private static (int[] Inputs, int[] Targets) Tokens(int rows)
    {
        Random random = new(rows);
        return (Enumerable.Range(0, rows).Select(_ => random.Next(V)).ToArray(), Enumerable.Range(0, rows).Select(_ => random.Next(V)).ToArray());
    }

    private static RecurrentState RandomState(LanguageModelConfig config, int batch)
    {
        RecurrentState state = new(config.Recurrent, batch);
        Random random = new(8);
        for (int i = 0; i < state.Hidden.Length; i++) state.Hidden[i] = (float)(random.NextDouble() - 0.5);
        for (int i = 0; i < state.Cell.Length; i++) state.Cell[i] = (float)(random.NextDouble() - 0.5);
        return state;
    }

    /// <summary>Mean cross-entropy of the window in double from the formulas: one-hot rows into the stack's double reference.</summary>
    private static double ReferenceLoss(LanguageModel model, double[] stack, double[] decoder, double[] h0, double[] c0, int[] inputs, int[] targets, int steps, int batch)
    {
        int h = s_oneHot.HiddenSize, rows = steps * batch;
        double[] x = new double[rows * V];
        for (int row = 0; row < rows; row++) x[row * V + inputs[row]] = 1;
        ReferenceRecurrent.Result result = ReferenceRecurrent.Forward(s_oneHot.Recurrent, model.Stack.Tensors, stack, x, steps, batch, h0, c0);
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            double[] logits = new double[V];
            for (int j = 0; j < V; j++)
            {
                logits[j] = decoder[V * h + j];
                for (int k = 0; k < h; k++) logits[j] += decoder[j * h + k] * result.Output[row * h + k];
            }
            double max = logits.Max();
            loss += Math.Log(logits.Sum(z => Math.Exp(z - max))) + max - logits[targets[row]];
        }
        return loss / rows;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Window_gradients_match_central_differences_of_the_reference(KernelPath path, int steps, int batch)
    {
        LanguageModel model = OneHotModel(path);
        (int[] inputs, int[] targets) = Tokens(steps * batch);
        RecurrentState state = RandomState(s_oneHot, batch);
        double[] h0 = state.Hidden.Select(f => (double)f).ToArray(), c0 = state.Cell.Select(f => (double)f).ToArray();

        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, steps, state) / (steps * batch);
        Assert.Equal(["rnn", "decoder"], model.Blocks.Select(b => b.Name));
        double[][] blocks = model.Blocks.Select(b => b.Values.Select(f => (double)f).ToArray()).ToArray();
        Assert.Equal(ReferenceLoss(model, blocks[0], blocks[1], h0, c0, inputs, targets, steps, batch), loss, 5);

        const double epsilon = 1e-6;
        for (int b = 0; b < blocks.Length; b++)
        {
            for (int i = 0; i < blocks[b].Length; i++)
            {
                double saved = blocks[b][i];
                blocks[b][i] = saved + epsilon;
                double plus = ReferenceLoss(model, blocks[0], blocks[1], h0, c0, inputs, targets, steps, batch);
                blocks[b][i] = saved - epsilon;
                double minus = ReferenceLoss(model, blocks[0], blocks[1], h0, c0, inputs, targets, steps, batch);
                blocks[b][i] = saved;
                double expected = (plus - minus) / (2 * epsilon), actual = model.Blocks[b].Gradients[i];
                Assert.True(Math.Abs(expected - actual) <= 1e-5 + 1e-4 * Math.Abs(expected), $"{model.Blocks[b].Name}[{i}]: expected {expected:G9}, got {actual:G9}");
            }
        }
    }

    /// <summary><see cref="Windows"/> for an LSTM and a ReLU Elman stack.</summary>
    public static TheoryData<KernelPath, int, int, CellType> WindowsAndCells()
    {
        TheoryData<KernelPath, int, int, CellType> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            foreach (CellType cell in new[] { CellType.Lstm, CellType.Elman, CellType.Gru })
            {
                data.Add(path, 3, 2, cell);
                data.Add(path, 4, 3, cell);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WindowsAndCells))]
    public void A_one_hot_model_computes_exactly_what_the_identity_embedding_computes(KernelPath path, int steps, int batch, CellType cell)
    {
        // The identity's products are exact (1·w plus zeros) and both sum a weight's rows in row
        // order from zero, so losses, states and the shared weights' gradients agree to the bit, on
        // both layer-0 paths, window after window with the state carried.
        LanguageModelConfig config = s_oneHot with { Cell = cell, Activation = cell == CellType.Elman ? Activation.Relu : Activation.Tanh };
        LanguageModel oneHot = OneHotModel(path, config), twin = IdentityEmbeddingTwin(oneHot);
        (int[] inputs, int[] targets) = Tokens(steps * batch);
        RecurrentState oneHotState = RandomState(config, batch), twinState = RandomState(twin.Config, batch);
        for (int window = 0; window < 2; window++)
        {
            oneHot.ZeroGradients();
            twin.ZeroGradients();
            Assert.Equal(twin.TrainWindow(inputs, targets, steps, twinState), oneHot.TrainWindow(inputs, targets, steps, oneHotState));
            Assert.Equal(twinState.Hidden, oneHotState.Hidden);
            Assert.Equal(twinState.Cell, oneHotState.Cell);
            Assert.Equal(twin.Blocks[1].Gradients, oneHot.Blocks[0].Gradients);
            Assert.Equal(twin.Blocks[2].Gradients, oneHot.Blocks[1].Gradients);
        }
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Sampling_steps_equal_the_identity_embedding_steps(KernelPath path)
    {
        // One stream (the token table of the single-token step) and three (the batched window path).
        LanguageModel oneHot = OneHotModel(path), twin = IdentityEmbeddingTwin(oneHot);
        foreach (int streams in new[] { 1, 3 })
        {
            RecurrentState a = new(s_oneHot.Recurrent, streams), b = new(twin.Config.Recurrent, streams);
            float[] oneHotLogits = new float[streams * V], twinLogits = new float[streams * V];
            foreach (int token in new[] { 3, 0, 6, 6, 2 })
            {
                int[] tokens = Enumerable.Range(0, streams).Select(s => (token + s) % V).ToArray();
                oneHot.Step(tokens, a, oneHotLogits);
                twin.Step(tokens, b, twinLogits);
                Assert.Equal(twinLogits, oneHotLogits);
            }
        }
    }

    [Fact]
    public void The_config_requires_no_embedding_size_and_a_vocabulary_the_first_layer_can_read()
    {
        Assert.Equal(V, s_oneHot.Recurrent.InputSize);
        ArgumentOutOfRangeException withEmbedding = Assert.Throws<ArgumentOutOfRangeException>(() => (s_oneHot with { EmbeddingSize = 3 }).Validate());
        Assert.Equal("EmbeddingSize", withEmbedding.ParamName);
        Assert.Contains("one-hot", withEmbedding.Message);
        ArgumentOutOfRangeException tooWide = Assert.Throws<ArgumentOutOfRangeException>(() => (s_oneHot with { VocabularySize = RecurrentConfig.MaxInputSize + 1 }).Validate());
        Assert.Equal("VocabularySize", tooWide.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => (s_oneHot with { Input = (InputEncoding)7 }).Validate());
        // An embedding model still needs its embedding.
        Assert.Equal("InputSize", Assert.Throws<ArgumentOutOfRangeException>(() => (s_oneHot with { Input = InputEncoding.Embedding }).Validate()).ParamName);
    }

    private static readonly Vocabulary s_vocabulary = ByteVocabulary.Instance;

    private static LanguageModel ByteModel()
    {
        LanguageModel model = new(new LanguageModelConfig(s_vocabulary.Count, 0, CellType.Elman, 5, 1, Activation.Relu, InputEncoding.OneHot));
        model.Initialize(new Random(2));
        return model;
    }

    [Fact]
    public void A_checkpoint_keeps_the_encoding_and_no_embedding_and_says_schema_2()
    {
        LanguageModel model = ByteModel();
        byte[] file = ModelFile.ToBytes(model, s_vocabulary);
        CheckpointReader reader = CheckpointReader.Read(file);
        Assert.False(reader.HasSection("embedding.weight"));
        using JsonDocument json = JsonDocument.Parse(reader.GetBlob("model.json").ToArray());
        Assert.Equal(2, json.RootElement.GetProperty("schema").GetInt32());
        Assert.Equal("one_hot", json.RootElement.GetProperty("input").GetString());

        LoadedModel loaded = ModelFile.Load(file);
        Assert.Equal(model.Config, loaded.Model.Config);
        Assert.Equal(model.Blocks.Select(b => b.Values), loaded.Model.Blocks.Select(b => b.Values));
    }

    [Fact]
    public void An_embedding_model_is_still_written_as_schema_1_without_an_input_field()
    {
        // Older builds read schema 1 only: models they can run must stay readable by them.
        LanguageModel model = new(new LanguageModelConfig(s_vocabulary.Count, 3, CellType.Lstm, 4, 1));
        using JsonDocument json = JsonDocument.Parse(CheckpointReader.Read(ModelFile.ToBytes(model, s_vocabulary)).GetBlob("model.json").ToArray());
        Assert.Equal(1, json.RootElement.GetProperty("schema").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("input", out _));
    }

    [Fact]
    public void An_unknown_input_encoding_in_a_checkpoint_is_rejected_by_name()
    {
        byte[] file = CheckpointSamples.WithModelJson(ModelFile.ToBytes(ByteModel(), s_vocabulary), json => json.Replace("\"one_hot\"", "\"two_hot\""));
        string message = Assert.Throws<CheckpointFormatException>(() => ModelFile.Load(file)).Message;
        Assert.Contains("input", message);
        Assert.Contains("two_hot", message);
    }

    [Fact]
    public void Safetensors_round_trip_with_metadata_and_from_the_shapes_alone()
    {
        LanguageModel model = OneHotModel(KernelPaths.Active, s_oneHot with { VocabularySize = s_vocabulary.Count });
        byte[] file = PyTorchExchange.ExportToBytes(model, s_vocabulary);
        SafetensorsReader reader = SafetensorsReader.Read(file);
        Assert.Equal("one_hot", reader.Metadata["input"]);
        Assert.Equal("2", reader.Metadata["rnnnative.schema"]);
        Assert.Equal("0", reader.Metadata["embedding_dim"]);
        Assert.False(reader.Contains("embedding.weight"));
        Assert.Equal([16, (long)s_vocabulary.Count], reader.Get("rnn.weight_ih_l0").Shape);

        LoadedModel imported = PyTorchExchange.Import(file);
        Assert.Equal(model.Config, imported.Model.Config);
        Assert.Equal(model.Blocks.Select(b => b.Values), imported.Model.Blocks.Select(b => b.Values));

        // A PyTorch state_dict saved without metadata: no embedding.weight means one-hot input.
        SafetensorsWriter bare = new();
        foreach (SafetensorsTensor tensor in reader.Tensors) bare.AddTensor(tensor.Name, tensor.Shape.Select(d => (int)d).ToArray(), reader.GetFloats(tensor.Name));
        LoadedModel fromShapes = PyTorchExchange.Import(bare.ToArray(), s_vocabulary);
        Assert.Equal(model.Config, fromShapes.Model.Config);
        Assert.Equal(model.Blocks.Select(b => b.Values), fromShapes.Model.Blocks.Select(b => b.Values));
    }
}

using System.Globalization;
using Xunit.Abstractions;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Model;

namespace RnnNative.Tests.PyTorch;

/// <summary>One sequence-model case: its config, the seed of its weights, its batch, and PyTorch's results.</summary>
public sealed record SequenceCase(SequenceModelConfig Config, int Seed, SequenceBatch Batch, SafetensorsReader Torch)
{
    public double TorchLoss => double.Parse(Torch.Metadata["loss"], CultureInfo.InvariantCulture);
}

/// <summary>
/// Taggers, classifiers and regressors against bindings/python/tests/sequence_torch.py, PyTorch's mirror built with
/// pack_padded_sequence, on the same weights (strict=True) and padded batch (T = 7, B = 5, lengths 1..7 with a
/// length-1 and a length-T sequence; padding holds random tokens, features and targets that both sides must
/// ignore). Odd sizes (H = 37, E = 11). One PyTorch run for all cases; the engine's side runs per kernel path.
/// </summary>
public sealed class SequenceParityFixture : IDisposable
{
    public const int Steps = 7, Batch = 5, Vocabulary = 13, Embedding = 11, Hidden = 37, Features = 3;

    /// <summary>The padded batches' lengths: one of a single timestep, one of all T.</summary>
    public static readonly int[] Lengths = [3, 7, 1, 5, 2];

    private static SequenceModelConfig Tokens(ModelKind kind, CellType cell, int layers, int outputs, bool bidirectional = true) =>
        new(kind, cell, Hidden, layers, outputs) { VocabularySize = Vocabulary, EmbeddingSize = Embedding, Bidirectional = bidirectional };

    private static SequenceModelConfig Dense(CellType cell, int layers, bool perStep) =>
        new(ModelKind.Regressor, cell, Hidden, layers, Outputs: 2) { Input = InputEncoding.Dense, FeatureSize = Features, Bidirectional = true, PerStep = perStep };

    /// <summary>Every case: its config and whether its sequences have <see cref="Lengths"/> (else all T).</summary>
    public static readonly Dictionary<string, (SequenceModelConfig Config, bool Padded)> Definitions = new()
    {
        ["tagger-lstm-bi"] = (Tokens(ModelKind.Tagger, CellType.Lstm, 2, 5), true),
        ["tagger-gru-bi"] = (Tokens(ModelKind.Tagger, CellType.Gru, 2, 5), true),
        ["classifier-lstm-bi-last"] = (Tokens(ModelKind.Classifier, CellType.Lstm, 2, 4), true),
        ["classifier-gru-bi-last"] = (Tokens(ModelKind.Classifier, CellType.Gru, 2, 4), true),
        ["classifier-lstm-bi-mean"] = (Tokens(ModelKind.Classifier, CellType.Lstm, 2, 4) with { Pooling = SequencePooling.Mean }, true),
        ["classifier-gru-bi-mean"] = (Tokens(ModelKind.Classifier, CellType.Gru, 1, 4) with { Pooling = SequencePooling.Mean }, true),
        // Unidirectional, all sequences full, T*B > V: the embedding's gathered token-table path.
        ["classifier-lstm-full"] = (Tokens(ModelKind.Classifier, CellType.Lstm, 2, 4, bidirectional: false), false),
        // One-hot input with lengths: the one-hot rows read as vectors.
        ["tagger-rnn-relu-onehot"] = (Tokens(ModelKind.Tagger, CellType.Elman, 2, 5, bidirectional: false) with { Input = InputEncoding.OneHot, EmbeddingSize = 0, Activation = Activation.Relu }, true),
        ["regressor-lstm-bi-step-dense"] = (Dense(CellType.Lstm, 1, perStep: true), true),
        ["regressor-gru-bi-end-dense"] = (Dense(CellType.Gru, 2, perStep: false), true),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-sequence-").FullName;

    public SequenceParityFixture()
    {
        List<string> jobs = [];
        Dictionary<string, (SequenceModelConfig, int, SequenceBatch)> ours = [];
        int seed = 70;
        foreach ((string name, (SequenceModelConfig config, bool padded)) in Definitions)
        {
            SequenceModel model = new(config);
            model.Initialize(new Random(seed));
            TorchComparison.WriteWeights(PathOf(name + ".weights.safetensors"), model.NamedTensors());
            SequenceBatch batch = RandomBatch(config, padded ? Lengths : [.. Lengths.Select(_ => Steps)], new Random(seed + 1));
            File.WriteAllBytes(PathOf(name + ".data.safetensors"), DataFile(config, batch));
            ours[name] = (config, seed, batch);
            jobs.Add($$"""{"config": {{ConfigJson(config)}}, "weights": "{{Escaped(PathOf(name + ".weights.safetensors"))}}", "data": "{{Escaped(PathOf(name + ".data.safetensors"))}}", "out": "{{Escaped(PathOf(name + ".torch.safetensors"))}}"}""");
            seed += 2;
        }
        File.WriteAllText(PathOf("jobs.json"), "[" + string.Join(",\n", jobs) + "]");
        TorchScript.Run(PathOf("jobs.json"), TimeSpan.FromMinutes(3), TorchScript.Sequence);
        foreach ((string name, (SequenceModelConfig config, int caseSeed, SequenceBatch batch)) in ours)
        {
            Cases[name] = new SequenceCase(config, caseSeed, batch, SafetensorsReader.ReadFile(PathOf(name + ".torch.safetensors")));
        }
    }

    public Dictionary<string, SequenceCase> Cases { get; } = [];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A batch of <paramref name="lengths"/> with random inputs everywhere (padding too: the models must not read it),
    /// random targets at the valid timesteps, IgnoreTarget at padding step targets, random values at padding values.</summary>
    public static SequenceBatch RandomBatch(SequenceModelConfig config, int[] lengths, Random random)
    {
        bool dense = config.Input == InputEncoding.Dense;
        SequenceBatch batch = new(Steps, lengths.Length, dense ? config.FeatureSize : 0, config.Target, config.Kind == ModelKind.Regressor ? config.Outputs : 0);
        lengths.CopyTo(batch.Lengths);
        for (int i = 0; i < batch.Tokens.Length; i++) batch.Tokens[i] = random.Next(config.VocabularySize);
        for (int i = 0; i < batch.Features.Length; i++) batch.Features[i] = (float)(random.NextDouble() * 2 - 1);
        for (int row = 0; row < batch.StepTargets.Length; row++)
        {
            batch.StepTargets[row] = row / batch.Batch < lengths[row % batch.Batch] ? random.Next(config.Outputs) : KernelSet.IgnoreTarget;
        }
        for (int i = 0; i < batch.Targets.Length; i++) batch.Targets[i] = random.Next(config.Outputs);
        for (int i = 0; i < batch.Values.Length; i++) batch.Values[i] = (float)(random.NextDouble() * 2 - 1);
        return batch;
    }

    private static byte[] DataFile(SequenceModelConfig config, SequenceBatch batch)
    {
        int t = batch.Timesteps, b = batch.Batch, o = batch.ValueSize;
        SafetensorsWriter data = new();
        if (batch.FeatureSize > 0) data.AddTensor("inputs", [t, b, batch.FeatureSize], batch.Features);
        else data.AddTensor("inputs", [t, b], [.. batch.Tokens.Select(token => (float)token)]);
        data.AddTensor("lengths", [b], [.. batch.Lengths.Select(length => (float)length)]);
        if (config.Target == TargetKind.StepClasses) data.AddTensor("targets", [t, b], [.. batch.StepTargets.Select(target => (float)target)]);
        if (config.Target == TargetKind.SequenceClass) data.AddTensor("targets", [b], [.. batch.Targets.Select(target => (float)target)]);
        if (config.Target == TargetKind.StepValues) data.AddTensor("values", [t, b, o], batch.Values);
        if (config.Target == TargetKind.SequenceValues) data.AddTensor("values", [b, o], batch.Values);
        return data.ToArray();
    }

    private static string ConfigJson(SequenceModelConfig c)
    {
        string input = c.Input switch { InputEncoding.OneHot => "onehot", InputEncoding.Dense => "dense", _ => "embedding" };
        return $$"""{"kind": "{{c.Kind.ToString().ToLowerInvariant()}}", "input": "{{input}}", "vocab_size": {{c.VocabularySize}}, "embedding_dim": {{c.EmbeddingSize}}, "feature_size": {{c.FeatureSize}}, "cell": "{{CellKind.Of(c.Cell).PyTorchName}}", "nonlinearity": "{{(c.Activation == Activation.Relu ? "relu" : "tanh")}}", "hidden_size": {{c.HiddenSize}}, "num_layers": {{c.Layers}}, "bidirectional": {{(c.Bidirectional ? "true" : "false")}}, "outputs": {{c.Outputs}}, "pooling": "{{c.Pooling.ToString().ToLowerInvariant()}}", "per_step": {{(c.PerStep ? "true" : "false")}}}""";
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}

/// <summary>Tolerance, for every element a (ours) and b (PyTorch's): |a - b| &lt;= 1e-5 * max(1, |b|) for the loss and
/// predictions, 1e-4 for gradients.</summary>
public sealed class SequenceParityTests(SequenceParityFixture fixture, ITestOutputHelper output) : IClassFixture<SequenceParityFixture>
{
    public static TheoryData<string, KernelPath> CasesOnEveryPath() => TorchComparison.OnEveryPath(SequenceParityFixture.Definitions.Keys);

    [Theory]
    [MemberData(nameof(CasesOnEveryPath))]
    public void Loss_predictions_and_every_gradient_match_pytorchs_packed_mirror(string name, KernelPath path)
    {
        SequenceCase parity = fixture.Cases[name];
        SequenceModel model = new(parity.Config, KernelSet.For(path));
        model.Initialize(new Random(parity.Seed));
        model.ZeroGradients();
        double loss = model.TrainBatch(parity.Batch) / model.LossTerms(parity.Batch);
        TorchComparison.AssertClose(output, name, "loss", [(float)loss], [(float)parity.TorchLoss], 1e-5);

        float[] predictions = new float[parity.Torch.GetFloats("predictions").Length];
        model.Predict(parity.Batch, predictions);
        TorchComparison.AssertClose(output, name, "predictions", predictions, parity.Torch.GetFloats("predictions"), 1e-5);

        TorchComparison.AssertEveryGradient(output, name, model.NamedTensors(gradients: true), parity.Torch, 1e-4);
    }

    [Fact]
    public void Padded_batches_really_have_padding_and_the_mirror_ignores_it()
    {
        // Negative control: the tagger's predictions are zero at padding in PyTorch's output and not elsewhere,
        // so a mirror that read the padded timesteps would not produce them.
        SequenceCase tagger = fixture.Cases["tagger-lstm-bi"];
        float[] predictions = tagger.Torch.GetFloats("predictions");
        int classes = tagger.Config.Outputs, batch = SequenceParityFixture.Batch;
        for (int row = 0; row < predictions.Length / classes; row++)
        {
            bool padding = row / batch >= SequenceParityFixture.Lengths[row % batch];
            Assert.Equal(padding, predictions.AsSpan(row * classes, classes).ToArray().All(p => p == 0));
        }
    }
}

using System.Text;
using RnnNative.Cells;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.PyTorch;

/// <summary>One window run both here and in PyTorch: logits [T, B, V], mean loss, and the gradients of that loss.</summary>
public sealed record ParityCase(string Name, float[] Logits, double Loss, SafetensorsReader Gradients, SafetensorsReader Torch)
{
    public float[] TorchLogits => Torch.GetFloats("logits");

    public double TorchLoss => double.Parse(Torch.Metadata["loss"], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Prepares every parity case, runs PyTorch once for all of them (importing torch costs seconds),
/// then computes this engine's side. Cases:
/// <list type="bullet">
/// <item>random-*: random weights (this engine's init) and tokens, exported here, loaded in PyTorch with strict=True;</item>
/// <item>trained: a model after a few Trainer steps on the addition corpus, exported with its vocabulary;</item>
/// <item>torch-*: models made by PyTorch (torch.manual_seed, default init), imported here.</item>
/// </list>
/// </summary>
public sealed class PyTorchParityFixture : IDisposable
{
    public const int Steps = 7, Batch = 3;

    private static readonly Vocabulary s_letters = Utf8CharVocabulary.Build("abcdefghijk"u8);
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-torch-").FullName;

    public PyTorchParityFixture()
    {
        LanguageModelConfig Random(CellType cell, int layers, Activation activation = Activation.Tanh) =>
            new(s_letters.Count, EmbeddingSize: 5, cell, HiddenSize: 8, layers, activation);
        Dictionary<string, LanguageModelConfig> random = new()
        {
            ["random-lstm-1"] = Random(CellType.Lstm, 1),
            ["random-lstm-2"] = Random(CellType.Lstm, 2),
            ["random-rnn-tanh-1"] = Random(CellType.Elman, 1),
            ["random-rnn-tanh-2"] = Random(CellType.Elman, 2),
            ["random-rnn-relu-1"] = Random(CellType.Elman, 1, Activation.Relu),
            ["random-rnn-relu-2"] = Random(CellType.Elman, 2, Activation.Relu),
            ["random-lstm-onehot-2"] = Random(CellType.Lstm, 2) with { EmbeddingSize = 0, Input = InputEncoding.OneHot },
        };
        List<string> jobs = [];
        Dictionary<string, (LanguageModel Model, int[] Inputs, int[] Targets)> ours = [];
        int seed = 10;
        foreach ((string name, LanguageModelConfig config) in random)
        {
            LanguageModel model = new(config);
            model.Initialize(new Random(seed++));
            PyTorchExchange.Export(PathOf(name + ".model.safetensors"), model, s_letters);
            ours[name] = (model, RandomTokens(seed++, config.VocabularySize), RandomTokens(seed++, config.VocabularySize));
            jobs.Add(ForwardJob(name, ours[name].Inputs, ours[name].Targets));
        }

        (LanguageModel trained, Vocabulary vocabulary, string text) = Train();
        PyTorchExchange.Export(PathOf("trained.model.safetensors"), trained, vocabulary);
        int[] ids = vocabulary.Encode(text);
        ours["trained"] = (trained, ids[..(Steps * Batch)], ids[1..(Steps * Batch + 1)]);
        jobs.Add(ForwardJob("trained", ours["trained"].Inputs, ours["trained"].Targets));

        int[] inputs = RandomTokens(90, s_letters.Count), targets = RandomTokens(91, s_letters.Count);
        jobs.Add(CreateJob("torch-lstm-2", """{"vocab_size": 11, "embedding_dim": 6, "hidden_size": 9, "num_layers": 2, "cell": "lstm"}""", metadata: false, inputs, targets));
        jobs.Add(CreateJob("torch-rnn-relu-2", """{"vocab_size": 11, "embedding_dim": 4, "hidden_size": 7, "num_layers": 2, "cell": "rnn", "nonlinearity": "relu"}""", metadata: true, inputs, targets));
        jobs.Add(CreateJob("torch-lstm-onehot-1", """{"vocab_size": 11, "embedding_dim": 0, "hidden_size": 9, "num_layers": 1, "cell": "lstm"}""", metadata: false, inputs, targets));

        File.WriteAllText(PathOf("jobs.json"), "[" + string.Join(",\n", jobs) + "]");
        TorchScript.Run(PathOf("jobs.json"), TimeSpan.FromMinutes(3));

        // Files PyTorch wrote come back without our metadata: bare LSTM state_dicts (one without an
        // embedding: one-hot input), and an RNN with config only.
        foreach (string name in new[] { "torch-lstm-2", "torch-rnn-relu-2", "torch-lstm-onehot-1" })
        {
            ours[name] = (PyTorchExchange.Import(PathOf(name + ".model.safetensors"), s_letters).Model, inputs, targets);
        }
        foreach ((string name, (LanguageModel model, int[] caseInputs, int[] caseTargets)) in ours)
        {
            Cases[name] = Compute(name, model, caseInputs, caseTargets);
        }
    }

    public Dictionary<string, ParityCase> Cases { get; } = [];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static int[] RandomTokens(int seed, int vocabularySize)
    {
        Random random = new(seed);
        return Enumerable.Range(0, Steps * Batch).Select(_ => random.Next(vocabularySize)).ToArray();
    }

    private string ForwardJob(string name, int[] inputs, int[] targets) =>
        $$"""{"op": "forward", "model": "{{Escaped(PathOf(name + ".model.safetensors"))}}", "inputs": "{{Escaped(WriteWindow(name, inputs, targets))}}", "out": "{{Escaped(PathOf(name + ".torch.safetensors"))}}"}""";

    private string CreateJob(string name, string config, bool metadata, int[] inputs, int[] targets) =>
        ForwardJob(name, inputs, targets).Replace("\"op\": \"forward\"", $"\"op\": \"create\", \"seed\": 1234, \"metadata\": {(metadata ? "true" : "false")}, \"config\": {config}");

    private string WriteWindow(string name, int[] inputs, int[] targets)
    {
        string path = PathOf(name + ".inputs.json");
        File.WriteAllText(path, $$"""{"steps": {{Steps}}, "batch": {{Batch}}, "inputs": [{{string.Join(", ", inputs)}}], "targets": [{{string.Join(", ", targets)}}]}""");
        return path;
    }

    private static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>A few Adam steps on the addition corpus: weights no initializer would produce.</summary>
    private static (LanguageModel, Vocabulary, string) Train()
    {
        byte[] corpus = AdditionCorpus.Generate(400, seed: 3);
        Vocabulary vocabulary = Utf8CharVocabulary.Build(corpus);
        LanguageModel model = new(new LanguageModelConfig(vocabulary.Count, 8, CellType.Lstm, 12, 2));
        model.Initialize(new Random(5));
        TrainingOptions options = new(SequenceLength: 8, BatchSize: 4, MaxSteps: 6, EvaluateEvery: 0, ValidationWindows: 1)
        {
            Optimizer = new OptimizerConfig(OptimizerKind.Adam, LearningRate: 3e-2f),
        };
        new Trainer(model, CorpusSplit.Create(TokenSequence.FromIds(vocabulary.Encode(corpus), vocabulary.Count)), options).Run();
        return (model, vocabulary, Encoding.UTF8.GetString(corpus));
    }

    /// <summary>Logits step by step (the sampling path), loss and gradients with one TrainWindow (the training path), both from a zero state.</summary>
    private ParityCase Compute(string name, LanguageModel model, int[] inputs, int[] targets)
    {
        int v = model.Config.VocabularySize;
        float[] logits = new float[Steps * Batch * v];
        RecurrentState state = new(model.Config.Recurrent, Batch);
        for (int t = 0; t < Steps; t++)
        {
            model.Step(inputs.AsSpan(t * Batch, Batch), state, logits.AsSpan(t * Batch * v, Batch * v));
        }
        model.ZeroGradients();
        double loss = model.TrainWindow(inputs, targets, Steps, new RecurrentState(model.Config.Recurrent, Batch)) / (Steps * Batch);
        SafetensorsReader gradients = SafetensorsReader.Read(PyTorchExchange.ExportGradientsToBytes(model));
        return new ParityCase(name, logits, loss, gradients, SafetensorsReader.ReadFile(PathOf(name + ".torch.safetensors")));
    }
}

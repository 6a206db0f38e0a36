using System.Globalization;
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
/// <item>torch-*: models made by PyTorch (torch.manual_seed, default init), imported here;</item>
/// <item>trajectories (<see cref="Trajectories"/>): a few Adam updates with clipping and state carried
/// between windows, here and in torch.optim.Adam, from the same weights.</item>
/// </list>
/// </summary>
public sealed class PyTorchParityFixture : IDisposable
{
    public const int Steps = 13, Batch = 3;

    /// <summary>The trajectories' Adam updates: rate, clip norm, epsilon (large enough that a gradient element at
    /// rounding-noise level cannot flip an update's sign), and how many.</summary>
    private const float TrajectoryRate = 1e-2f, TrajectoryClip = 0.5f, TrajectoryEpsilon = 1e-5f;
    private const int TrajectoryUpdates = 5;

    private static readonly Vocabulary s_letters = Utf8CharVocabulary.Build("abcdefghijk"u8);
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-torch-").FullName;

    public PyTorchParityFixture()
    {
        LanguageModelConfig Random(CellType cell, int layers, Activation activation = Activation.Tanh, int hidden = 8) =>
            new(s_letters.Count, EmbeddingSize: 5, cell, hidden, layers, activation);
        Dictionary<string, LanguageModelConfig> random = new()
        {
            ["random-lstm-1"] = Random(CellType.Lstm, 1),
            ["random-lstm-2"] = Random(CellType.Lstm, 2),
            ["random-rnn-tanh-1"] = Random(CellType.Elman, 1),
            ["random-rnn-tanh-2"] = Random(CellType.Elman, 2),
            ["random-rnn-relu-1"] = Random(CellType.Elman, 1, Activation.Relu),
            ["random-rnn-relu-2"] = Random(CellType.Elman, 2, Activation.Relu),
            ["random-lstm-onehot-2"] = Random(CellType.Lstm, 2) with { EmbeddingSize = 0, Input = InputEncoding.OneHot },
            ["random-gru-1"] = Random(CellType.Gru, 1),
            ["random-gru-2"] = Random(CellType.Gru, 2),
            ["random-gru-3-h37"] = Random(CellType.Gru, 3, hidden: 37),
            ["random-gru-onehot-2-h37"] = Random(CellType.Gru, 2, hidden: 37) with { EmbeddingSize = 0, Input = InputEncoding.OneHot },
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
        jobs.Add(CreateJob("torch-gru-2", """{"vocab_size": 11, "embedding_dim": 6, "hidden_size": 9, "num_layers": 2, "cell": "gru"}""", metadata: false, inputs, targets));

        Dictionary<string, LanguageModel> trajectories = new()
        {
            ["trajectory-gru-2"] = new LanguageModel(Random(CellType.Gru, 2, hidden: 13)),
            ["trajectory-lstm-2"] = new LanguageModel(Random(CellType.Lstm, 2, hidden: 13)),
            ["trajectory-rnn-relu-2"] = new LanguageModel(Random(CellType.Elman, 2, Activation.Relu, hidden: 13)),
        };
        List<(int[] Inputs, int[] Targets)> windows = [.. Enumerable.Range(0, TrajectoryUpdates).Select(w => (RandomTokens(200 + 2 * w, s_letters.Count), RandomTokens(201 + 2 * w, s_letters.Count)))];
        foreach ((string name, LanguageModel model) in trajectories)
        {
            model.Initialize(new Random(seed++));
            PyTorchExchange.Export(PathOf(name + ".model.safetensors"), model, s_letters);
            jobs.Add(TrainJob(name, windows));
        }

        File.WriteAllText(PathOf("jobs.json"), "[" + string.Join(",\n", jobs) + "]");
        TorchScript.Run(PathOf("jobs.json"), TimeSpan.FromMinutes(3));

        // Files PyTorch wrote come back without our metadata: bare LSTM state_dicts (one without an
        // embedding: one-hot input), and an RNN with config only.
        foreach (string name in new[] { "torch-lstm-2", "torch-rnn-relu-2", "torch-lstm-onehot-1", "torch-gru-2" })
        {
            ours[name] = (PyTorchExchange.Import(PathOf(name + ".model.safetensors"), s_letters).Model, inputs, targets);
        }
        foreach ((string name, (LanguageModel model, int[] caseInputs, int[] caseTargets)) in ours)
        {
            Cases[name] = Compute(name, model, caseInputs, caseTargets);
        }
        foreach ((string name, LanguageModel model) in trajectories)
        {
            Trajectories[name] = (Train(model, windows), SafetensorsReader.ReadFile(PathOf(name + ".torch.safetensors")));
        }
    }

    public Dictionary<string, ParityCase> Cases { get; } = [];

    /// <summary>Per trajectory: the weights after the updates here (PyTorch names) and in PyTorch.</summary>
    public Dictionary<string, (SafetensorsReader Ours, SafetensorsReader Torch)> Trajectories { get; } = [];

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

    private string TrainJob(string name, List<(int[] Inputs, int[] Targets)> windows)
    {
        string path = PathOf(name + ".windows.json");
        File.WriteAllText(path, $$"""{"steps": {{Steps}}, "batch": {{Batch}}, "windows": [{{string.Join(", ", windows.Select(w => $$"""{"inputs": [{{string.Join(", ", w.Inputs)}}], "targets": [{{string.Join(", ", w.Targets)}}]}"""))}}]}""");
        return string.Create(CultureInfo.InvariantCulture,
            $$"""{"op": "train", "model": "{{Escaped(PathOf(name + ".model.safetensors"))}}", "windows": "{{Escaped(path)}}", "lr": {{TrajectoryRate}}, "clip": {{TrajectoryClip}}, "eps": {{TrajectoryEpsilon}}, "out": "{{Escaped(PathOf(name + ".torch.safetensors"))}}"}""");
    }

    /// <summary>The trajectory here: per window TrainWindow (state carried), clipping to the global norm, an Adam update.</summary>
    private static SafetensorsReader Train(LanguageModel model, List<(int[] Inputs, int[] Targets)> windows)
    {
        Optimizer adam = new(new OptimizerConfig(OptimizerKind.Adam, TrajectoryRate, Epsilon: TrajectoryEpsilon), model.Blocks, model.Kernels);
        RecurrentState state = new(model.Config.Recurrent, Batch);
        foreach ((int[] inputs, int[] targets) in windows)
        {
            model.ZeroGradients();
            model.TrainWindow(inputs, targets, Steps, state);
            GradientClipping.ClipByGlobalNorm(model.Blocks, TrajectoryClip, model.Kernels);
            adam.Update(TrajectoryRate);
        }
        return SafetensorsReader.Read(PyTorchExchange.ExportToBytes(model, vocabulary: null));
    }

    private static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>A few Adam steps on the addition corpus: weights no initializer would produce.</summary>
    private static (LanguageModel, Vocabulary, string) Train()
    {
        byte[] corpus = AdditionCorpus.Generate(400, seed: 3);
        Vocabulary vocabulary = Utf8CharVocabulary.Build(corpus);
        LanguageModel model = new(new LanguageModelConfig(vocabulary.Count, 8, CellType.Lstm, 12, 2));
        model.Initialize(new Random(5));
        TrainingOptions options = new(SequenceLength: 8, BatchSize: 4, MaxUpdates: 6, EvaluateEvery: 0, ValidationWindows: 1)
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

// Writes the files of ../README.md with RnnNative 0.2.0 (commit 1cd2fc9): five model files, one
// PyTorch-format export, and for each a <file>.expected.json of what 0.2.0 computed with it, on every
// kernel path this machine runs. The tests (Model/FormatCompatibilityTests.cs) load the files with
// the current engine and require the same numbers. Usage: dotnet run -- <output folder>.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Fixtures;
using RnnNative.Text;
using RnnNative.Training;

string output = args.Length == 1 ? args[0] : throw new ArgumentException("usage: FixtureGenerator <output folder>");
Directory.CreateDirectory(output);

// The texts are repeated in the tests (FormatCompatibilityTests): the checkpoint resumes on CharText.
byte[] charText = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat, the rat ran.\n", 12)));
byte[] wordText = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a model file written by one version must load in the next version and give the same logits . ", 4)));
Vocabulary chars = Utf8CharVocabulary.Build(charText);
Vocabulary words = WordVocabulary.Build(wordText, maxWords: 100);

Write("lstm-embedding-0.2.rnn", chars, new LanguageModelConfig(chars.Count, 8, CellType.Lstm, 16, 2), seed: 11);
Write("elman-relu-0.2.rnn", chars, new LanguageModelConfig(chars.Count, 8, CellType.Elman, 12, 2, Activation.Relu), seed: 12);
Write("lstm-onehot-0.2.rnn", chars, new LanguageModelConfig(chars.Count, 0, CellType.Lstm, 10, 1, Input: InputEncoding.OneHot), seed: 13);
Write("lstm-word-0.2.rnn", words, new LanguageModelConfig(words.Count, 8, CellType.Lstm, 8, 1), seed: 14);
Write("lstm-pytorch-0.2.safetensors", chars, new LanguageModelConfig(chars.Count, 8, CellType.Lstm, 8, 2), seed: 15);
WriteCheckpoint("resumable-0.2.rnn");

// A model initialized from a seed, saved, then read back by 0.2.0 to compute the expected outputs
// from exactly what the file holds.
void Write(string name, Vocabulary vocabulary, LanguageModelConfig config, ulong seed)
{
    LanguageModel model = new(config);
    model.Initialize(seed);
    string path = Path.Combine(output, name);
    if (name.EndsWith(".safetensors", StringComparison.Ordinal)) PyTorchExchange.Export(path, model, vocabulary);
    else ModelFile.Save(path, model, vocabulary);
    JsonObject expected = Describe(name, Load(path, KernelSet.Active));
    expected["seed"] = seed;
    Save(name, expected);
}

// A run of 4 updates on charText, saved as the trainer saves checkpoints, then continued to
// update 8 from the file: the continuation's losses are what a resume must reproduce.
void WriteCheckpoint(string name)
{
    LanguageModelConfig config = new(chars.Count, 6, CellType.Lstm, 8, 1);
    TrainingOptions options = new(SequenceLength: 8, BatchSize: 2, MaxSteps: 4, EvaluateEvery: 2, ValidationWindows: 1);
    LanguageModel model = new(config);
    model.Initialize(16);
    Trainer trainer = new(model, CharData(), options);
    trainer.Run();
    string path = Path.Combine(output, name);
    trainer.SaveCheckpoint(path, chars);

    LoadedModel saved = Load(path, KernelSet.Active);
    JsonObject expected = Describe(name, saved);
    TrainingSnapshot snapshot = saved.Training!;
    expected["training"] = new JsonObject
    {
        ["options"] = JsonSerializer.SerializeToNode(new { saved.Options!.SequenceLength, saved.Options.BatchSize, saved.Options.MaxSteps, saved.Options.EvaluateEvery, saved.Options.ValidationWindows }),
        ["step"] = snapshot.Step,
        ["epoch"] = snapshot.Epoch,
        ["window"] = snapshot.Window,
        ["tokens_seen"] = snapshot.TokensSeen,
        ["best_validation_loss"] = snapshot.BestValidationLoss,
        ["training_losses"] = Array(snapshot.TrainingCurve.Select(p => p.Loss)),
        ["validation_losses"] = Array(snapshot.ValidationCurve.Select(p => p.Loss)),
        ["data"] = new JsonObject
        {
            ["source"] = snapshot.Data!.Origin.Source.ToString(),
            ["train_tokens"] = snapshot.Data.TrainTokens,
            ["validation_tokens"] = snapshot.Data.ValidationTokens,
            ["checksum"] = snapshot.Data.Checksum,
        },
        ["optimizer_state_sha256"] = Array(snapshot.OptimizerState.Select(s => FixtureOutputs.Sha256(s))),
        ["hidden_sha256"] = FixtureOutputs.Sha256(snapshot.Hidden),
        ["cell_sha256"] = FixtureOutputs.Sha256(snapshot.Cell),
    };
    JsonObject continued = [];
    foreach (KernelPath kernelPath in KernelPaths.Available)
    {
        LoadedModel again = Load(path, KernelSet.For(kernelPath));
        Trainer resumed = new(again.Model, CharData(), again.Options! with { MaxSteps = 8 });
        resumed.Resume(again);
        resumed.Run();
        continued[KernelPaths.Name(kernelPath)] = new JsonObject
        {
            ["training_losses"] = Array(resumed.Curve.Training.Skip((int)snapshot.Step).Select(p => p.Loss)),
            ["validation_losses"] = Array(resumed.Curve.Validation.Skip(snapshot.ValidationCurve.Length).Select(p => p.Loss)),
        };
    }
    expected["continuation"] = new JsonObject { ["max_steps"] = 8, ["paths"] = continued };
    Save(name, expected);
}

CorpusSplit CharData() => CorpusSplit.Create(TokenSequence.FromIds(chars.Encode(charText), chars.Count));

static LoadedModel Load(string path, KernelSet kernels) =>
    path.EndsWith(".safetensors", StringComparison.Ordinal) ? PyTorchExchange.Import(path, kernels: kernels) : ModelFile.Load(path, kernels);

// Config, vocabulary, tensor digests, and the outputs for two streams of T = 6 tokens (ids spread
// over the vocabulary, fixed by the config alone): their values on the scalar path, and on every
// kernel path this machine runs their digests (to tell whether a path still computes the same bits).
JsonObject Describe(string name, LoadedModel loaded)
{
    LanguageModelConfig config = loaded.Model.Config;
    const int T = 6;
    int[][] streams = [[.. Enumerable.Range(0, T + 1).Select(t => (3 * t + 1) % config.VocabularySize)],
                       [.. Enumerable.Range(0, T + 1).Select(t => (5 * t + 2) % config.VocabularySize)]];
    JsonObject paths = [];
    foreach (KernelPath kernelPath in KernelPaths.Available)
    {
        LanguageModel model = Load(Path.Combine(output, name), KernelSet.For(kernelPath)).Model;
        (float[] batched, float[] single, double windowLoss) = FixtureOutputs.Of(model, streams);
        paths[KernelPaths.Name(kernelPath)] = new JsonObject
        {
            ["batched_sha256"] = FixtureOutputs.Sha256(batched),
            ["single_sha256"] = FixtureOutputs.Sha256(single),
            ["window_loss"] = windowLoss,
        };
    }
    (float[] scalarBatched, float[] scalarSingle, double scalarLoss) = FixtureOutputs.Of(Load(Path.Combine(output, name), KernelSet.For(KernelPath.Scalar)).Model, streams);
    return new JsonObject
    {
        ["file"] = name,
        ["written_by"] = "RnnNative 0.2.0 (commit 1cd2fc9), tests/RnnNative.Tests/Fixtures/Generator",
        ["config"] = new JsonObject
        {
            ["vocabulary_size"] = config.VocabularySize,
            ["embedding_size"] = config.EmbeddingSize,
            ["cell"] = config.Cell.ToString(),
            ["hidden_size"] = config.HiddenSize,
            ["layers"] = config.Layers,
            ["activation"] = config.Activation.ToString(),
            ["input"] = config.Input.ToString(),
        },
        ["vocabulary"] = new JsonObject
        {
            ["kind"] = loaded.Vocabulary.Kind.ToString(),
            ["unknown_id"] = loaded.Vocabulary.UnknownId,
            ["tokens"] = Array(Enumerable.Range(0, loaded.Vocabulary.Count).Select(loaded.Vocabulary.TokenText)),
        },
        ["tensors"] = new JsonArray([.. loaded.Model.NamedTensors().Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name,
            ["shape"] = Array(t.Shape),
            ["sha256"] = FixtureOutputs.Sha256(t.Values.Span),
        })]),
        ["streams"] = new JsonArray([.. streams.Select(s => (JsonNode)Array(s))]),
        ["scalar"] = new JsonObject { ["batched"] = Array(scalarBatched), ["single"] = Array(scalarSingle), ["window_loss"] = scalarLoss },
        ["paths"] = paths,
    };
}

static JsonArray Array<T>(IEnumerable<T> values) => new([.. values.Select(value => JsonValue.Create(value))]);

void Save(string name, JsonObject expected) =>
    File.WriteAllText(Path.Combine(output, name + ".expected.json"), expected.ToJsonString() + "\n");

using System.Text.Json.Nodes;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Fixtures;
using RnnNative.Tests.Support;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>
/// The first sequence-model file (Fixtures/tagger-0.4.0.rnn, written by <see cref="WriteFixture"/> with 0.4.0, the version that introduced the format) keeps
/// loading in later versions: its config, vocabulary, labels, tensors and training state as recorded in its
/// .expected.json, and the tag probabilities 0.4.0 computed from it, on every kernel path.
/// </summary>
public class SequenceFormatCompatibilityTests
{
    private const string Fixture = "tagger-0.4.0.rnn";

    /// <summary>Between kernel paths (FMA, vector widths) the sums differ by about 1e-6 relative; probabilities are at most 1.</summary>
    private const double Tolerance = 1e-5;

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<KernelPath> Paths => [.. KernelPaths.Available];

    [Fact]
    public void The_0_3_0_tagger_loads_with_the_config_vocabulary_labels_tensors_and_training_state_it_was_written_with() =>
        CheckContents(FixtureDirectory);

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_0_3_0_tagger_gives_the_probabilities_0_3_0_computed(KernelPath path) =>
        CheckPredictions(FixtureDirectory, path);

    /// <summary>The writer makes a file these checks accept. To write the fixture of a new version (under a new name),
    /// set RNN_WRITE_SEQUENCE_FIXTURE to the Fixtures folder and run this test.</summary>
    [Fact]
    public void The_fixture_writer_writes_a_file_these_checks_accept()
    {
        string directory = Environment.GetEnvironmentVariable("RNN_WRITE_SEQUENCE_FIXTURE") is { Length: > 0 } target
            ? target
            : Directory.CreateTempSubdirectory("rnn-seqfixture-").FullName;
        WriteFixture(directory);
        CheckContents(directory);
        CheckPredictions(directory, KernelPath.Scalar);
    }

    /// <summary>
    /// The fixture: a bidirectional LSTM tagger (<see cref="SequenceSamples.Tagger"/>, dropout 0.1) initialized from seed 21,
    /// trained 3 updates (batch 4, Adam at 0.02, seed 5) on <see cref="SequenceSamples.Tagged"/>(10, 1) with
    /// <see cref="SequenceSamples.Tagged"/>(4, 2) held out, saved resumable; and its .expected.json: what the file holds and
    /// the probabilities [T*B, C] of a fixed batch on the scalar path.
    /// </summary>
    private static void WriteFixture(string directory)
    {
        TrainingOptions options = new(BatchSize: 4, MaxUpdates: 3, EvaluateEvery: 2) { Optimizer = new OptimizerConfig(LearningRate: 0.02f), Seed = 5 };
        SequenceModel model = new(SequenceSamples.Tagger);
        model.Initialize(21);
        TrainingLoop loop = new(new SequenceTask(model, SequenceSamples.Tagged(10, 1), SequenceSamples.Tagged(4, 2), options), options);
        loop.Run();
        string path = Path.Combine(directory, Fixture);
        SequenceModelFile.Save(path, model, SequenceSamples.Vocabulary, SequenceSamples.TagNames, options, loop.Capture());

        LoadedSequenceModel loaded = SequenceModelFile.Load(path, KernelSet.For(KernelPath.Scalar));
        (int[] lengths, int[] tokens) = (s_batchLengths, s_batchTokens);
        JsonObject expected = Contents(loaded);
        expected["batch"] = new JsonObject { ["lengths"] = Array(lengths), ["tokens"] = Array(tokens) };
        expected["probabilities"] = Array(Predict(loaded.Model, lengths, tokens));
        File.WriteAllText(path + ".expected.json", expected.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    private static readonly int[] s_batchLengths = [4, 1, 3];
    private static readonly int[] s_batchTokens = [0, 3, 6, 1, 0, 2, 5, 0, 4, 2, 0, 0];   // [T=4, B=3] time-major, 0 at padding

    private static void CheckContents(string directory)
    {
        LoadedSequenceModel loaded = SequenceModelFile.Load(Path.Combine(directory, Fixture));
        JsonNode expected = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, Fixture + ".expected.json")))!;
        JsonObject actual = Contents(loaded);
        foreach (string field in new[] { "config", "inputs", "labels", "tensors", "training" })
        {
            Assert.Equal(expected[field]!.ToJsonString(), actual[field]!.ToJsonString());
        }
        Assert.Equal(ModelKind.Tagger, ModelFiles.KindOf(Path.Combine(directory, Fixture)));
    }

    private static void CheckPredictions(string directory, KernelPath path)
    {
        JsonNode expected = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, Fixture + ".expected.json")))!;
        SequenceModel model = SequenceModelFile.Load(Path.Combine(directory, Fixture), KernelSet.For(path)).Model;
        float[] probabilities = Predict(model, Values<int>(expected["batch"]!["lengths"]), Values<int>(expected["batch"]!["tokens"]));
        float[] recorded = Values<float>(expected["probabilities"]);
        Assert.Equal(recorded.Length, probabilities.Length);
        for (int i = 0; i < recorded.Length; i++)
        {
            Assert.True(Math.Abs(recorded[i] - probabilities[i]) <= Tolerance, $"probability {i}: {probabilities[i]}, 0.4.0 computed {recorded[i]}");
        }
    }

    /// <summary>What the file holds, as the .expected.json records it (compared field by field as JSON text).</summary>
    private static JsonObject Contents(LoadedSequenceModel loaded)
    {
        SequenceModelConfig c = loaded.Model.Config;
        TokenVocabulary inputs = loaded.Inputs!;
        TrainingSnapshot training = loaded.Training!;
        return new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["kind"] = c.Kind.ToString(), ["cell"] = c.Cell.ToString(), ["hidden_size"] = c.HiddenSize, ["layers"] = c.Layers, ["outputs"] = c.Outputs,
                ["input"] = c.Input.ToString(), ["vocabulary_size"] = c.VocabularySize, ["embedding_size"] = c.EmbeddingSize, ["bidirectional"] = c.Bidirectional,
                ["dropout"] = c.Dropout, ["activation"] = c.Activation.ToString(), ["pooling"] = c.Pooling.ToString(), ["per_step"] = c.PerStep,
            },
            ["inputs"] = new JsonObject
            {
                ["unit"] = inputs.Unit.ToString(), ["lowercase"] = inputs.Lowercase,
                ["units"] = new JsonArray([.. Enumerable.Range(0, inputs.Count).Select(id => (JsonNode)inputs.UnitText(id))]),
            },
            ["labels"] = new JsonArray([.. loaded.Labels!.Names.Select(name => (JsonNode)name)]),
            ["tensors"] = new JsonArray([.. loaded.Model.NamedTensors().Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["shape"] = Array(t.Shape), ["sha256"] = FixtureOutputs.Sha256(t.Values.Span) })]),
            ["training"] = new JsonObject
            {
                ["batch_size"] = loaded.Options!.BatchSize, ["seed"] = training.Seed, ["update"] = training.Update, ["epoch"] = training.Epoch, ["batch"] = training.Window,
                ["train_sequences"] = training.Data!.TrainSequences, ["validation_sequences"] = training.Data.ValidationSequences,
                ["train_timesteps"] = training.Data.TrainTokens, ["crc32c"] = training.Data.Checksum,
                ["training_losses"] = Array(training.TrainingCurve.Select(p => p.Loss).ToArray()),
                ["validation_losses"] = Array(training.ValidationCurve.Select(p => p.Loss).ToArray()),
                ["optimizer_sha256"] = new JsonArray([.. training.OptimizerState.Select(s => (JsonNode)FixtureOutputs.Sha256(s))]),
            },
        };
    }

    private static float[] Predict(SequenceModel model, int[] lengths, int[] tokens)
    {
        SequenceBatch batch = new(tokens.Length / lengths.Length, lengths.Length, 0, TargetKind.StepClasses, 0);
        lengths.CopyTo(batch.Lengths);
        tokens.CopyTo(batch.Tokens);
        float[] probabilities = new float[tokens.Length * model.Config.Outputs];
        model.Predict(batch, probabilities);
        return probabilities;
    }

    private static JsonArray Array<T>(T[] values) => new([.. values.Select(v => JsonValue.Create(v))]);

    private static T[] Values<T>(JsonNode? array) => [.. array!.AsArray().Select(v => v!.GetValue<T>())];
}

using System.Text.Json.Nodes;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Fixtures;

namespace RnnNative.Tests.Model;

/// <summary>
/// The first encoder-decoder file (Fixtures/seq2seq-0.5.0.rnn, written by <see cref="WriteFixture"/> with 0.5.0, the version that
/// introduced the format) keeps loading in later versions: its config, vocabularies, tensors and training state as recorded
/// in its .expected.json, and the loss and decoding log-probabilities 0.5.0 computed from it, on every kernel path.
/// </summary>
public class Seq2SeqFormatCompatibilityTests
{
    private const string Fixture = "seq2seq-0.5.0.rnn";

    /// <summary>Between kernel paths (FMA, vector widths) the sums differ by about 1e-6 relative; the values are of order 1-10.</summary>
    private const double Tolerance = 1e-5;

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<KernelPath> Paths => [.. KernelPaths.Available];

    [Fact]
    public void The_0_5_0_seq2seq_model_loads_with_the_config_vocabularies_tensors_and_training_state_it_was_written_with() =>
        CheckContents(FixtureDirectory);

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_0_5_0_seq2seq_model_gives_the_loss_and_log_probabilities_0_5_0_computed(KernelPath path) =>
        CheckOutputs(FixtureDirectory, path);

    /// <summary>The writer makes a file these checks accept. To write the fixture of a new version (under a new name),
    /// set RNN_WRITE_SEQ2SEQ_FIXTURE to the Fixtures folder and run this test.</summary>
    [Fact]
    public void The_fixture_writer_writes_a_file_these_checks_accept()
    {
        string directory = Environment.GetEnvironmentVariable("RNN_WRITE_SEQ2SEQ_FIXTURE") is { Length: > 0 } target
            ? target
            : Directory.CreateTempSubdirectory("rnn-s2sfixture-").FullName;
        WriteFixture(directory);
        CheckContents(directory);
        CheckOutputs(directory, KernelPath.Scalar);
    }

    /// <summary>
    /// The fixture: <see cref="Seq2SeqModelFileTests.Trained"/> (a bidirectional GRU with a bridge, dropout 0.1, character
    /// vocabularies of the addition task, 3 Adam updates) saved resumable; and its .expected.json: what the file holds, the
    /// mean loss of <see cref="Seq2SeqModelFileTests.Batch"/> and the log-probabilities [Tt*B, Vt] of a decoding session
    /// stepped with its decoder inputs, on the scalar path.
    /// </summary>
    private static void WriteFixture(string directory)
    {
        (Seq2SeqModel model, TrainingOptions options, TrainingSnapshot training) = Seq2SeqModelFileTests.Trained();
        string path = Path.Combine(directory, Fixture);
        Seq2SeqModelFile.Save(path, model, Seq2SeqModelFileTests.Source, Seq2SeqModelFileTests.Target, options, training);

        LoadedSeq2SeqModel loaded = Seq2SeqModelFile.Load(path, KernelSet.For(KernelPath.Scalar));
        Seq2SeqBatch batch = Seq2SeqModelFileTests.Batch();
        JsonObject expected = Contents(loaded);
        expected["batch"] = new JsonObject
        {
            ["source_timesteps"] = batch.SourceTimesteps, ["source_lengths"] = Array(batch.SourceLengths), ["source_tokens"] = Array(batch.SourceTokens),
            ["target_timesteps"] = batch.TargetTimesteps, ["target_lengths"] = Array(batch.TargetLengths),
            ["decoder_inputs"] = Array(batch.DecoderInputs), ["decoder_targets"] = Array(batch.DecoderTargets),
        };
        expected["loss"] = loaded.Model.EvaluateBatch(batch) / batch.Positions;
        expected["log_probabilities"] = Array(Decode(loaded.Model, batch));
        File.WriteAllText(path + ".expected.json", expected.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    private static void CheckContents(string directory)
    {
        LoadedSeq2SeqModel loaded = Seq2SeqModelFile.Load(Path.Combine(directory, Fixture));
        JsonNode expected = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, Fixture + ".expected.json")))!;
        JsonObject actual = Contents(loaded);
        foreach (string field in new[] { "config", "source", "target", "tensors", "training" })
        {
            Assert.Equal(expected[field]!.ToJsonString(), actual[field]!.ToJsonString());
        }
        Assert.Equal(ModelKind.Seq2Seq, ModelFiles.KindOf(Path.Combine(directory, Fixture)));
    }

    private static void CheckOutputs(string directory, KernelPath path)
    {
        JsonNode expected = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, Fixture + ".expected.json")))!;
        Seq2SeqModel model = Seq2SeqModelFile.Load(Path.Combine(directory, Fixture), KernelSet.For(path)).Model;
        JsonNode b = expected["batch"]!;
        int[] sourceLengths = Values<int>(b["source_lengths"]), targetLengths = Values<int>(b["target_lengths"]);
        Seq2SeqBatch batch = new(b["source_timesteps"]!.GetValue<int>(), b["target_timesteps"]!.GetValue<int>(), sourceLengths.Length);
        sourceLengths.CopyTo(batch.SourceLengths);
        targetLengths.CopyTo(batch.TargetLengths);
        Values<int>(b["source_tokens"]).CopyTo(batch.SourceTokens);
        Values<int>(b["decoder_inputs"]).CopyTo(batch.DecoderInputs);
        Values<int>(b["decoder_targets"]).CopyTo(batch.DecoderTargets);
        double loss = model.EvaluateBatch(batch) / batch.Positions;
        Assert.True(Math.Abs(loss - expected["loss"]!.GetValue<double>()) <= Tolerance, $"loss {loss}, 0.5.0 computed {expected["loss"]}");
        float[] logP = Decode(model, batch), recorded = Values<float>(expected["log_probabilities"]);
        Assert.Equal(recorded.Length, logP.Length);
        for (int i = 0; i < recorded.Length; i++)
        {
            Assert.True(Math.Abs(recorded[i] - logP[i]) <= Tolerance * Math.Max(1, Math.Abs(recorded[i])), $"log-probability {i}: {logP[i]}, 0.5.0 computed {recorded[i]}");
        }
    }

    /// <summary>A session over the batch's sources stepped with its decoder inputs: the log-probabilities [Tt*B, Vt].</summary>
    private static float[] Decode(Seq2SeqModel model, Seq2SeqBatch batch)
    {
        IStepDecoder session = model.StartDecoding(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps);
        int rows = batch.Batch, v = session.Vocabulary;
        float[] logP = new float[batch.TargetTimesteps * rows * v];
        for (int t = 0; t < batch.TargetTimesteps; t++)
        {
            session.Step(batch.DecoderInputs.AsSpan(t * rows, rows), logP.AsSpan(t * rows * v, rows * v));
        }
        return logP;
    }

    /// <summary>What the file holds, as the .expected.json records it (compared field by field as JSON text).</summary>
    private static JsonObject Contents(LoadedSeq2SeqModel loaded)
    {
        Seq2SeqConfig c = loaded.Model.Config;
        TrainingSnapshot training = loaded.Training!;
        return new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["cell"] = c.Cell.ToString(), ["source_vocabulary_size"] = c.SourceVocabularySize, ["target_vocabulary_size"] = c.TargetVocabularySize,
                ["hidden_size"] = c.HiddenSize, ["layers"] = c.Layers, ["embedding_size"] = c.EmbeddingSize, ["target_embedding_size"] = c.TargetEmbeddingSize,
                ["bidirectional"] = c.Bidirectional, ["decoder_hidden_size"] = c.DecoderHiddenSize, ["decoder_layers"] = c.DecoderLayers,
                ["activation"] = c.Activation.ToString(), ["dropout"] = c.Dropout, ["initialization"] = c.Initialization.ToString(), ["identity_scale"] = c.IdentityScale,
            },
            ["source"] = Vocabulary(loaded.Source),
            ["target"] = Vocabulary(loaded.Target),
            ["tensors"] = new JsonArray([.. loaded.Model.NamedTensors().Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["shape"] = Array(t.Shape), ["sha256"] = FixtureOutputs.Sha256(t.Values.Span) })]),
            ["training"] = new JsonObject
            {
                ["batch_size"] = loaded.Options!.BatchSize, ["learning_rate"] = loaded.Options.Optimizer.LearningRate, ["seed"] = training.Seed, ["update"] = training.Update,
                ["epoch"] = training.Epoch, ["batch"] = training.Window,
                ["training_losses"] = Array(training.TrainingCurve.Select(p => p.Loss).ToArray()),
                ["optimizer_sha256"] = new JsonArray([.. training.OptimizerState.Select(s => (JsonNode)FixtureOutputs.Sha256(s))]),
            },
        };
    }

    private static JsonObject Vocabulary(TokenVocabulary vocabulary) => new()
    {
        ["unit"] = vocabulary.Unit.ToString(), ["lowercase"] = vocabulary.Lowercase, ["special_tokens"] = vocabulary.HasSpecialTokens,
        ["tokens"] = new JsonArray([.. vocabulary.Tokens.Select(token => (JsonNode)token)]),
    };

    private static JsonArray Array<T>(T[] values) => new([.. values.Select(v => JsonValue.Create(v))]);

    private static T[] Values<T>(JsonNode? array) => [.. array!.AsArray().Select(v => v!.GetValue<T>())];
}

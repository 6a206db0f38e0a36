using System.Text;
using System.Text.Json.Nodes;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Fixtures;
using RnnNative.Tests.Support;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>
/// Files written by 0.2.0 (Fixtures/*-0.2.*, made by Fixtures/Generator with the 0.2.0 engine, see
/// Fixtures/README.md) load with the config, vocabulary and tensors they were written with, and give
/// the logits and losses 0.2.0 computed from them; the 0.2.0 checkpoint resumes and trains on as 0.2.0 did.
/// </summary>
public class FormatCompatibilityTests
{
    /// <summary>The text the checkpoint fixture was trained on (the generator's charText).</summary>
    private static readonly byte[] s_charText = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat, the rat ran.\n", 12)));

    /// <summary>The char text of the 0.2.0 fixtures (the generator's charText), for the fixtures of later versions.</summary>
    internal static ReadOnlySpan<byte> CharText => s_charText;

    /// <summary>Relative tolerance between paths: the kernel paths sum in different orders (FMA, vector
    /// widths), and batch-1 steps in another order than batched ones, each about 1e-6 relative.</summary>
    internal const double Tolerance = 1e-5;

    public static TheoryData<string> Files => ["lstm-embedding-0.2.rnn", "elman-relu-0.2.rnn", "lstm-onehot-0.2.rnn", "lstm-word-0.2.rnn", "lstm-pytorch-0.2.safetensors", "resumable-0.2.rnn"];

    public static TheoryData<string, KernelPath> FilesOnEveryPath => OnEveryPath(Files);

    /// <summary>Each file with each kernel path this machine runs (shared with the fixtures of later versions).</summary>
    internal static TheoryData<string, KernelPath> OnEveryPath(IEnumerable<string> files)
    {
        TheoryData<string, KernelPath> data = [];
        foreach (string file in files)
        {
            foreach (KernelPath path in KernelPaths.Available) data.Add(file, path);
        }
        return data;
    }

    private static string FixturePath(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    private static JsonNode Expected(string file) => JsonNode.Parse(File.ReadAllText(FixturePath(file + ".expected.json")))!;

    private static LoadedModel Load(string file, KernelSet? kernels = null) =>
        file.EndsWith(".safetensors", StringComparison.Ordinal) ? PyTorchExchange.Import(FixturePath(file), kernels: kernels) : ModelFile.Load(FixturePath(file), kernels);

    internal static T[] Values<T>(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<T>()).ToArray();

    [Theory]
    [MemberData(nameof(Files))]
    public void A_0_2_0_file_loads_with_the_config_vocabulary_and_tensors_it_was_written_with(string file)
    {
        JsonNode expected = Expected(file);
        LoadedModel loaded = Load(file);
        JsonNode config = expected["config"]!;
        LanguageModelConfig c = loaded.Model.Config;
        Assert.Equal(
            (config["vocabulary_size"]!.GetValue<int>(), config["embedding_size"]!.GetValue<int>(), config["cell"]!.GetValue<string>(), config["hidden_size"]!.GetValue<int>(),
             config["layers"]!.GetValue<int>(), config["activation"]!.GetValue<string>(), config["input"]!.GetValue<string>()),
            (c.VocabularySize, c.EmbeddingSize, c.Cell.ToString(), c.HiddenSize, c.Layers, c.Activation.ToString(), c.Input.ToString()));

        JsonNode vocabulary = expected["vocabulary"]!;
        Assert.Equal(vocabulary["kind"]!.GetValue<string>(), loaded.Vocabulary.Kind.ToString());
        Assert.Equal(vocabulary["unknown_id"]?.GetValue<int>(), loaded.Vocabulary.UnknownId);
        Assert.Equal(Values<string>(vocabulary["tokens"]), Enumerable.Range(0, loaded.Vocabulary.Count).Select(loaded.Vocabulary.TokenText));

        // Every tensor, bit for bit, in 0.2.0's order.
        var tensors = expected["tensors"]!.AsArray().Select(t => (t!["name"]!.GetValue<string>(), string.Join(",", Values<int>(t["shape"])), t["sha256"]!.GetValue<string>()));
        Assert.Equal(tensors, loaded.Model.NamedTensors().Select(t => (t.Name, string.Join(",", t.Shape), FixtureOutputs.Sha256(t.Values.Span))));
    }

    [Theory]
    [MemberData(nameof(FilesOnEveryPath))]
    public void A_0_2_0_file_gives_the_logits_and_loss_0_2_0_computed(string file, KernelPath path) =>
        CheckOutputs(Expected(file), Load(file, KernelSet.For(path)).Model, path);

    /// <summary>The outputs of <paramref name="model"/> (loaded on <paramref name="path"/>) for <paramref name="expected"/>'s
    /// streams are within the tolerance of the recorded scalar values, and bit for bit the recorded ones on a recorded path.
    /// Shared with the fixtures of later versions (<see cref="Schema4FormatCompatibilityTests"/>).</summary>
    internal static void CheckOutputs(JsonNode expected, LanguageModel model, KernelPath path, Func<LanguageModel, int, RecurrentState>? zeroState = null)
    {
        int[][] streams = [.. expected["streams"]!.AsArray().Select(Values<int>)];
        (float[] batched, float[] single, double windowLoss) = FixtureOutputs.Of(model, streams, zeroState);

        // Within the tolerance of the writing version's scalar path, on every path.
        JsonNode scalar = expected["scalar"]!;
        int v = model.Config.VocabularySize;
        Assert.Null(Mismatch(Values<float>(scalar["batched"]), batched, v, Tolerance));
        Assert.Null(Mismatch(Values<float>(scalar["single"]), single, v, Tolerance));
        Assert.Null(Mismatch<double>([scalar["window_loss"]!.GetValue<double>()], [windowLoss], 1, Tolerance));

        // And bit for bit on a path the writing version ran on too: the kernels' summation order has not changed. Two
        // exceptions since 0.6.0, on purpose, both held to the tolerance above: batched steps of a stack model moved from the
        // training forward's GEMMs to the step kernels (BatchedTokenStep; BatchedTokenStepTests hold them to each stream's
        // single-token step), and the single-token steps of a stack model whose layer 0 reads a token table sum W_hh_l0 · h
        // a token ahead and add the table row after, where the row used to start the sums (SingleTokenStep;
        // SingleTokenStepTests hold them to the fused kernel's). A Jordan network's still run the window forward.
        if (expected["paths"]![KernelPaths.Name(path)] is JsonNode same)
        {
            bool jordan = model.Config.Cell == CellType.Jordan;
            if (jordan) Assert.Equal(same["batched_sha256"]!.GetValue<string>(), FixtureOutputs.Sha256(batched));
            if (jordan || !StepWeights.UsesTokenTable(model.Config)) Assert.Equal(same["single_sha256"]!.GetValue<string>(), FixtureOutputs.Sha256(single));
            Assert.Equal(same["window_loss"]!.GetValue<double>(), windowLoss);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void The_0_2_0_checkpoint_resumes_and_trains_on_as_0_2_0_did(KernelPath path)
    {
        JsonNode expected = Expected("resumable-0.2.rnn");
        JsonNode training = expected["training"]!;
        LoadedModel loaded = Load("resumable-0.2.rnn", KernelSet.For(path));
        TrainingOptions options = loaded.Options!;
        JsonNode recordedOptions = training["options"]!;
        Assert.Equal(
            (recordedOptions["SequenceLength"]!.GetValue<int>(), recordedOptions["BatchSize"]!.GetValue<int>(), recordedOptions["MaxSteps"]!.GetValue<long>(),
             recordedOptions["EvaluateEvery"]!.GetValue<int>(), recordedOptions["ValidationWindows"]!.GetValue<int>()),
            (options.SequenceLength, options.BatchSize, options.MaxUpdates, options.EvaluateEvery, options.ValidationWindows));
        TrainingSnapshot snapshot = loaded.Training!;
        Assert.Equal(
            (training["step"]!.GetValue<long>(), training["epoch"]!.GetValue<long>(), training["window"]!.GetValue<long>(), training["tokens_seen"]!.GetValue<long>(), training["best_validation_loss"]!.GetValue<double>()),
            (snapshot.Update, snapshot.Epoch, snapshot.Window, snapshot.TokensSeen, snapshot.BestValidationLoss));
        Assert.Equal(Values<double>(training["training_losses"]), snapshot.TrainingCurve.Select(p => p.Loss));
        Assert.Equal(Values<double>(training["validation_losses"]), snapshot.ValidationCurve.Select(p => p.Loss));
        JsonNode data = training["data"]!;
        Assert.Equal(
            (data["source"]!.GetValue<string>(), data["train_tokens"]!.GetValue<long>(), data["validation_tokens"]!.GetValue<long>(), data["checksum"]!.GetValue<uint>()),
            (snapshot.Data!.Origin.Source.ToString(), snapshot.Data.TrainTokens, snapshot.Data.ValidationTokens, snapshot.Data.Checksum));
        Assert.Equal(Values<string>(training["optimizer_state_sha256"]), snapshot.OptimizerState.Select(s => FixtureOutputs.Sha256(s)));
        Assert.Equal((training["hidden_sha256"]!.GetValue<string>(), training["cell_sha256"]!.GetValue<string>()), (FixtureOutputs.Sha256(snapshot.Hidden), FixtureOutputs.Sha256(snapshot.Cell)));

        // The data record is read, not only carried: the same ids in another order are refused.
        int[] ids = loaded.Vocabulary.Encode(s_charText);
        int[] swapped = (int[])ids.Clone();
        (swapped[1], swapped[2]) = (swapped[2], swapped[1]);
        Trainer other = new(Load("resumable-0.2.rnn", KernelSet.For(path)).Model, CorpusSplit.Create(TokenSequence.FromIds(swapped, loaded.Vocabulary.Count)), options);
        Assert.Throws<OtherDataException>(() => other.Resume(loaded));

        // Resumed on the text it recorded, it makes the updates 0.2.0 made after it.
        JsonNode continuation = expected["continuation"]!;
        Trainer trainer = new(loaded.Model, CorpusSplit.Create(TokenSequence.FromIds(ids, loaded.Vocabulary.Count)),
            options with { MaxUpdates = continuation["max_steps"]!.GetValue<long>() });
        trainer.Resume(loaded);
        Assert.Equal(TrainingStop.Completed, trainer.Run());
        double[] losses = [.. trainer.Curve.Training.Skip((int)snapshot.Update).Select(p => p.Loss)];
        double[] validation = [.. trainer.Curve.Validation.Skip(snapshot.ValidationCurve.Length).Select(p => p.Loss)];
        JsonNode paths = continuation["paths"]!;
        JsonNode reference = paths[KernelPaths.Name(KernelPath.Scalar)]!;
        Assert.Null(Mismatch(Values<double>(reference["training_losses"]), losses, 1, Tolerance));
        Assert.Null(Mismatch(Values<double>(reference["validation_losses"]), validation, 1, Tolerance));
        if (paths[KernelPaths.Name(path)] is JsonNode same)
        {
            Assert.Equal(Values<double>(same["training_losses"]), losses);
            Assert.Equal(Values<double>(same["validation_losses"]), validation);
        }
    }

    [Fact]
    public void The_comparison_fails_on_a_perturbed_logit_and_a_missing_one()
    {
        JsonNode expected = Expected("lstm-embedding-0.2.rnn");
        float[] logits = Values<float>(expected["scalar"]!["batched"]);
        int v = expected["config"]!["vocabulary_size"]!.GetValue<int>();
        Assert.Null(Mismatch(logits, logits, v, Tolerance));

        // Row 3's smallest logit moved by a tenth of the tolerance passes, by ten times fails: the
        // tolerance is relative to the row's largest logit.
        int row = 3;
        float[] rowValues = logits[(row * v)..((row + 1) * v)];
        float largest = rowValues.Max(MathF.Abs);
        int smallest = row * v + Array.IndexOf(rowValues, rowValues.MinBy(MathF.Abs));
        float[] close = (float[])logits.Clone(), far = (float[])logits.Clone();
        close[smallest] += 1e-6f * largest;
        far[smallest] += 1e-4f * largest;
        Assert.Null(Mismatch(logits, close, v, Tolerance));
        Assert.StartsWith($"element {smallest}:", Mismatch(logits, far, v, Tolerance));
        Assert.NotNull(Mismatch(logits, logits[..^1], v, Tolerance));
        Assert.NotEqual(FixtureOutputs.Sha256(logits), FixtureOutputs.Sha256(close));
    }

    /// <summary>null when every actual value is within <paramref name="tolerance"/> times the largest
    /// magnitude of its row of <paramref name="width"/> expected values (a logit near zero is judged
    /// against its row's scale, not against itself); else says which element is out and by how much.</summary>
    internal static string? Mismatch<T>(T[] expected, T[] actual, int width, double tolerance) where T : struct, IConvertible
    {
        if (expected.Length != actual.Length)
        {
            return $"expected {expected.Length} values, got {actual.Length}";
        }
        for (int i = 0; i < expected.Length; i++)
        {
            int start = i / width * width;
            double scale = expected.Skip(start).Take(width).Max(e => Math.Abs(e.ToDouble(null)));
            double error = Math.Abs(actual[i].ToDouble(null) - expected[i].ToDouble(null));
            if (!(error <= tolerance * scale))
            {
                return $"element {i}: expected {expected[i]}, got {actual[i]} (off by {error / scale:g3} of its row's scale {scale:g3})";
            }
        }
        return null;
    }
}

using System.Text.Json.Nodes;
using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Tests.Fixtures;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>
/// The int8 files 0.6.0 introduced (schema 5, <see cref="ModelFile.SaveInt8"/>) keep loading in later versions:
/// Fixtures/int8-lstm-0.6.0.rnn (an LSTM 2x8 over an embedding: a token table made from the int8 embedding and W_ih_l0)
/// and Fixtures/int8-gru-onehot-0.6.0.rnn (a GRU 1x8 over one-hot input), written by <see cref="WriteFixture"/> with 0.6.0.
/// Their .expected.json records the config, vocabulary and the dequantised tensors, and the outputs 0.6.0 computed on the
/// scalar path: the window loss (float32 over the dequantised weights, checked on every path) and steps of two streams
/// and of one (int8, as every step of an int8 model, checked on the scalar path, where int8 steps are reproducible: on
/// other paths the float32 rounding of h may move an input's quantised value by one).
/// </summary>
public class Int8FileFormatCompatibilityTests
{
    private const string Lstm = "int8-lstm-0.6.0.rnn", GruOneHot = "int8-gru-onehot-0.6.0.rnn";

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<string> Files => [Lstm, GruOneHot];

    public static TheoryData<string, KernelPath> FilesOnEveryPath => FormatCompatibilityTests.OnEveryPath(Files);

    [Theory]
    [MemberData(nameof(Files))]
    public void A_0_6_0_int8_file_loads_as_an_int8_model_with_the_config_vocabulary_and_tensors_it_was_written_with(string file) =>
        CheckContents(FixtureDirectory, file);

    [Theory]
    [MemberData(nameof(FilesOnEveryPath))]
    public void A_0_6_0_int8_file_gives_the_outputs_0_6_0_computed(string file, KernelPath path) =>
        CheckOutputs(FixtureDirectory, file, path);

    /// <summary>The writer makes files these checks accept. To write the fixtures of a new version (under new names),
    /// set RNN_WRITE_INT8_FIXTURES to the Fixtures folder and run this test.</summary>
    [Fact]
    public void The_fixture_writer_writes_files_these_checks_accept()
    {
        string directory = Environment.GetEnvironmentVariable("RNN_WRITE_INT8_FIXTURES") is { Length: > 0 } target
            ? target
            : Directory.CreateTempSubdirectory("rnn-int8fixture-").FullName;
        WriteFixture(directory);
        foreach (string file in Files)
        {
            CheckContents(directory, file);
            CheckOutputs(directory, file, KernelPath.Scalar);
        }
    }

    /// <summary>The fixtures: an LSTM 2x8, E = 6 (seed 31) and a GRU 1x8 over one-hot input (seed 32), both over the char
    /// text's vocabulary, initialized and saved as int8 files, then read back to compute their .expected.json.</summary>
    private static void WriteFixture(string directory)
    {
        Vocabulary chars = Utf8CharVocabulary.Build(FormatCompatibilityTests.CharText);
        LanguageModel lstm = new(new LanguageModelConfig(chars.Count, 6, CellType.Lstm, 8, 2));
        lstm.Initialize(31);
        Write(directory, Lstm, lstm, chars, seed: 31);
        LanguageModel gru = new(new LanguageModelConfig(chars.Count, 0, CellType.Gru, 8, 1, Input: InputEncoding.OneHot));
        gru.Initialize(32);
        Write(directory, GruOneHot, gru, chars, seed: 32);
    }

    private static void Write(string directory, string file, LanguageModel model, Vocabulary vocabulary, ulong seed)
    {
        string path = Path.Combine(directory, file);
        ModelFile.SaveInt8(path, model, vocabulary);
        LoadedModel loaded = ModelFile.Load(path, KernelSet.For(KernelPath.Scalar));
        JsonObject expected = Schema4FormatCompatibilityTests.Contents(loaded);
        expected["file"] = file;
        expected["written_by"] = "RnnNative 0.6.0, Model/Int8FileFormatCompatibilityTests.WriteFixture";
        expected["seed"] = seed;
        const int T = 6;
        int v = loaded.Model.Config.VocabularySize;
        int[][] streams = [[.. Enumerable.Range(0, T + 1).Select(t => (3 * t + 1) % v)], [.. Enumerable.Range(0, T + 1).Select(t => (5 * t + 2) % v)]];
        expected["streams"] = new JsonArray([.. streams.Select(s => (JsonNode)Schema4FormatCompatibilityTests.Array(s))]);
        (float[] batched, float[] single, double windowLoss) = FixtureOutputs.Of(loaded.Model, streams);
        expected["scalar"] = new JsonObject
        {
            ["batched_int8"] = Schema4FormatCompatibilityTests.Array(batched), ["single_int8"] = Schema4FormatCompatibilityTests.Array(single), ["window_loss"] = windowLoss,
        };
        File.WriteAllText(path + ".expected.json", expected.ToJsonString() + "\n");
    }

    private static void CheckContents(string directory, string file)
    {
        JsonNode expected = Expected(directory, file);
        string path = Path.Combine(directory, file);
        LoadedModel loaded = ModelFile.Load(path);
        JsonObject actual = Schema4FormatCompatibilityTests.Contents(loaded);
        foreach (string field in new[] { "config", "vocabulary", "tensors" })
        {
            Assert.Equal(expected[field]?.ToJsonString(), actual[field]?.ToJsonString());
        }
        Assert.Equal(path, loaded.Model.Int8Source);
        Assert.Equal(WeightPrecision.Int8, loaded.Model.StepPrecision);
        Assert.Null(loaded.Training);
    }

    private static void CheckOutputs(string directory, string file, KernelPath path)
    {
        JsonNode expected = Expected(directory, file);
        LanguageModel model = ModelFile.Load(Path.Combine(directory, file), KernelSet.For(path)).Model;
        int[][] streams = [.. expected["streams"]!.AsArray().Select(FormatCompatibilityTests.Values<int>)];
        (float[] batched, float[] single, double windowLoss) = FixtureOutputs.Of(model, streams);
        JsonNode scalar = expected["scalar"]!;
        int v = model.Config.VocabularySize;
        Assert.Null(FormatCompatibilityTests.Mismatch<double>([scalar["window_loss"]!.GetValue<double>()], [windowLoss], 1, FormatCompatibilityTests.Tolerance));
        if (path == KernelPath.Scalar)
        {
            Assert.Null(FormatCompatibilityTests.Mismatch(FormatCompatibilityTests.Values<float>(scalar["batched_int8"]), batched, v, FormatCompatibilityTests.Tolerance));
            Assert.Null(FormatCompatibilityTests.Mismatch(FormatCompatibilityTests.Values<float>(scalar["single_int8"]), single, v, FormatCompatibilityTests.Tolerance));
        }
    }

    private static JsonNode Expected(string directory, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, file + ".expected.json")))!;
}

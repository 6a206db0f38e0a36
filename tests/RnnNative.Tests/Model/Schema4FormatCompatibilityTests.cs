using System.Text;
using System.Text.Json.Nodes;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Fixtures;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>
/// The two language models 0.5.0 introduced in schema 4 of <see cref="ModelFile"/> (Fixtures/jordan-0.5.0.rnn, a Jordan
/// network, and Fixtures/class-softmax-0.5.0.rnn, a class-factored softmax whose classes move its decoder rows; written by <see cref="WriteFixture"/>
/// with 0.5.0) keep loading in later versions: the config, vocabulary, word classes and tensors recorded in their
/// .expected.json, and the logits and window loss 0.5.0 computed from them (<see cref="FixtureOutputs"/>), on every kernel path.
/// </summary>
public class Schema4FormatCompatibilityTests
{
    private const string Jordan = "jordan-0.5.0.rnn", ClassSoftmax = "class-softmax-0.5.0.rnn";

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<string> Files => [Jordan, ClassSoftmax];

    public static TheoryData<string, KernelPath> FilesOnEveryPath => FormatCompatibilityTests.OnEveryPath(Files);

    [Theory]
    [MemberData(nameof(Files))]
    public void A_0_5_0_schema_4_file_loads_with_the_config_vocabulary_classes_and_tensors_it_was_written_with(string file) =>
        CheckContents(FixtureDirectory, file);

    [Theory]
    [MemberData(nameof(FilesOnEveryPath))]
    public void A_0_5_0_schema_4_file_gives_the_logits_and_loss_0_5_0_computed(string file, KernelPath path) =>
        CheckOutputs(FixtureDirectory, file, path);

    [Fact]
    public void The_class_softmax_file_holds_its_fitted_classes_that_move_rows_not_the_placeholder()
    {
        LoadedModel loaded = ModelFile.Load(Path.Combine(FixtureDirectory, ClassSoftmax));
        WordClasses classes = loaded.Model.Classes!;
        WordClasses fitted = FittedClasses(loaded.Vocabulary, 4);
        Assert.NotEqual(Enumerable.Range(0, classes.VocabularySize).ToArray(), classes.Order.ToArray());   // rows do move
        Assert.True(classes.Fitted);
        Assert.Equal(fitted.ClassOf.ToArray(), classes.ClassOf.ToArray());
        Assert.Equal(fitted.Order.ToArray(), classes.Order.ToArray());
        // A reader that lost the map and fell back to a new model's placeholder would differ.
        Assert.NotEqual(WordClasses.Contiguous(classes.VocabularySize, 4).ClassOf.ToArray(), classes.ClassOf.ToArray());
        Assert.Null(ModelFile.Load(Path.Combine(FixtureDirectory, Jordan)).Model.Classes);
    }

    /// <summary>Frequency classes (<see cref="WordClasses.ByFrequency"/>, as the trainer fits them) of counts that rise with
    /// the id, 1..V: the most frequent token is the last id, so the classes reverse the decoder's rows (vocabularies list
    /// frequent tokens first, so a text's own counts would leave the rows nearly in place and a reader that ignored the
    /// row order unseen).</summary>
    private static WordClasses FittedClasses(Vocabulary vocabulary, int count) =>
        WordClasses.ByFrequency([.. Enumerable.Range(1, vocabulary.Count).Select(id => (long)id)], count);

    /// <summary>The writer makes files these checks accept. To write the fixtures of a new version (under new names),
    /// set RNN_WRITE_SCHEMA4_FIXTURES to the Fixtures folder and run this test.</summary>
    [Fact]
    public void The_fixture_writer_writes_files_these_checks_accept()
    {
        string directory = Environment.GetEnvironmentVariable("RNN_WRITE_SCHEMA4_FIXTURES") is { Length: > 0 } target
            ? target
            : Directory.CreateTempSubdirectory("rnn-schema4fixture-").FullName;
        WriteFixture(directory);
        foreach (string file in Files)
        {
            CheckContents(directory, file);
            CheckOutputs(directory, file, KernelPath.Scalar);
        }
    }

    /// <summary>
    /// The fixtures: a Jordan network (V of the char text, E = 6, H = 8, seed 21) and an LSTM 1x8, E = 8, with a
    /// class-factored softmax of K = 4 over the char text's vocabulary (seed 22), its frequency classes fitted to counts
    /// rising with the id (<see cref="FittedClasses"/>); each initialized, saved and read back to compute its .expected.json.
    /// </summary>
    private static void WriteFixture(string directory)
    {
        Vocabulary chars = Utf8CharVocabulary.Build(FormatCompatibilityTests.CharText);
        LanguageModel jordan = new(new LanguageModelConfig(chars.Count, 6, CellType.Jordan, 8, 1));
        jordan.Initialize(21);
        Write(directory, Jordan, jordan, chars, seed: 21);

        // Classes that move the decoder's rows (Order is not the identity): a reader that ignored the row order would compute
        // other logits.
        LanguageModel factored = new(new LanguageModelConfig(chars.Count, 8, CellType.Lstm, 8, 1) { Softmax = SoftmaxKind.Class, Classes = 4 });
        factored.Initialize(22);
        factored.SetClasses(FittedClasses(chars, factored.Config.ClassCount));
        Write(directory, ClassSoftmax, factored, chars, seed: 22);
    }

    // What FormatCompatibilityTests' 0.2.0 records hold (config, vocabulary, tensors, streams, scalar outputs, per-path
    // digests), plus the schema 4 fields: softmax, K and the class map.
    private static void Write(string directory, string file, LanguageModel model, Vocabulary vocabulary, ulong seed)
    {
        string path = Path.Combine(directory, file);
        ModelFile.Save(path, model, vocabulary);
        LoadedModel loaded = ModelFile.Load(path, KernelSet.For(KernelPath.Scalar));
        JsonObject expected = Contents(loaded);
        expected["file"] = file;
        expected["written_by"] = "RnnNative 0.5.0, Model/Schema4FormatCompatibilityTests.WriteFixture";
        expected["seed"] = seed;
        const int T = 6;
        int v = loaded.Model.Config.VocabularySize;
        int[][] streams = [[.. Enumerable.Range(0, T + 1).Select(t => (3 * t + 1) % v)], [.. Enumerable.Range(0, T + 1).Select(t => (5 * t + 2) % v)]];
        expected["streams"] = new JsonArray([.. streams.Select(s => (JsonNode)Array(s))]);
        (float[] batched, float[] single, double windowLoss) = FixtureOutputs.Of(loaded.Model, streams, ZeroState);
        expected["scalar"] = new JsonObject { ["batched"] = Array(batched), ["single"] = Array(single), ["window_loss"] = windowLoss };
        JsonObject paths = [];
        foreach (KernelPath kernelPath in KernelPaths.Available)
        {
            (float[] b, float[] s, double loss) = FixtureOutputs.Of(ModelFile.Load(path, KernelSet.For(kernelPath)).Model, streams, ZeroState);
            paths[KernelPaths.Name(kernelPath)] = new JsonObject { ["batched_sha256"] = FixtureOutputs.Sha256(b), ["single_sha256"] = FixtureOutputs.Sha256(s), ["window_loss"] = loss };
        }
        expected["paths"] = paths;
        File.WriteAllText(path + ".expected.json", expected.ToJsonString() + "\n");
    }

    private static void CheckContents(string directory, string file)
    {
        JsonNode expected = Expected(directory, file);
        JsonObject actual = Contents(ModelFile.Load(Path.Combine(directory, file)));
        foreach (string field in new[] { "config", "vocabulary", "classes", "tensors" })
        {
            Assert.Equal(expected[field]?.ToJsonString(), actual[field]?.ToJsonString());
        }
    }

    private static void CheckOutputs(string directory, string file, KernelPath path) =>
        FormatCompatibilityTests.CheckOutputs(Expected(directory, file), ModelFile.Load(Path.Combine(directory, file), KernelSet.For(path)).Model, path, ZeroState);

    /// <summary>A language model's zero state: a Jordan network carries its last output [1, B, V].</summary>
    private static RecurrentState ZeroState(LanguageModel model, int batch) => new(model.Config, batch);

    private static JsonNode Expected(string directory, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, file + ".expected.json")))!;

    /// <summary>What the file holds, as the .expected.json records it (compared field by field as JSON text): the word
    /// classes (null for a full softmax) with K, whether fitted, and each token's class, so a class map read otherwise fails.</summary>
    internal static JsonObject Contents(LoadedModel loaded)
    {
        LanguageModelConfig c = loaded.Model.Config;
        Vocabulary vocabulary = loaded.Vocabulary;
        return new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["vocabulary_size"] = c.VocabularySize, ["embedding_size"] = c.EmbeddingSize, ["cell"] = c.Cell.ToString(), ["hidden_size"] = c.HiddenSize,
                ["layers"] = c.Layers, ["activation"] = c.Activation.ToString(), ["input"] = c.Input.ToString(),
                ["softmax"] = c.Softmax.ToString(), ["class_count"] = c.ClassCount,
            },
            ["vocabulary"] = new JsonObject
            {
                ["kind"] = vocabulary.Kind.ToString(), ["unknown_id"] = vocabulary.UnknownId,
                ["tokens"] = Array(Enumerable.Range(0, vocabulary.Count).Select(vocabulary.TokenText).ToArray()),
            },
            ["classes"] = loaded.Model.Classes is { } classes
                ? new JsonObject { ["count"] = classes.Count, ["fitted"] = classes.Fitted, ["class_of"] = Array(classes.ClassOf.ToArray()) }
                : null,
            ["tensors"] = new JsonArray([.. loaded.Model.NamedTensors().Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["shape"] = Array(t.Shape), ["sha256"] = FixtureOutputs.Sha256(t.Values.Span) })]),
        };
    }

    internal static JsonArray Array<T>(T[] values) => new([.. values.Select(v => JsonValue.Create(v))]);
}

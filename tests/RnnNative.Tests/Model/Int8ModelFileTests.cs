using System.Text;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>
/// Inference-only int8 files (<see cref="ModelFile.SaveInt8"/>): about a quarter of the float32 file; loaded, a model
/// whose float32 weights are the int8 values dequantised and whose int8 steps give exactly the logits of the original
/// model's int8 steps (one quantisation, <see cref="Int8Weights"/>), for every cell, input and softmax, with and without a
/// token table, on every kernel path; and the refusals (training, resume, safetensors, float32 saves, other step precisions)
/// as one line naming the file.
/// </summary>
public class Int8ModelFileTests
{
    private static readonly int[] s_tokens = [3, 36, 0, 17, 17, 5, 30, 2, 36, 11, 250, 1];

    private static readonly Vocabulary s_words = WordVocabulary.Build(Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Range(0, 299).Select(i => $"w{i}"))), 400);

    /// <summary>Byte vocabulary (V = 256: layer 0 reads a token table), one-hot input, a word vocabulary of 300 (> 256 and > E:
    /// layer 0 reads the int8 embedding row and W_ih), a class-factored softmax; H = 45 is no multiple of any register width.</summary>
    private static readonly (LanguageModelConfig Config, Vocabulary Vocabulary)[] s_models =
    [
        (new(256, 19, CellType.Lstm, 45, 2), ByteVocabulary.Instance),
        (new(256, 19, CellType.Gru, 45, 2), ByteVocabulary.Instance),
        (new(256, 19, CellType.Elman, 45, 2, Activation.Relu), ByteVocabulary.Instance),
        (new(256, 0, CellType.Gru, 45, 2, Input: InputEncoding.OneHot), ByteVocabulary.Instance),
        (new(s_words.Count, 19, CellType.Lstm, 45, 2), s_words),
        (new(s_words.Count, 19, CellType.Gru, 45, 3), s_words),
        (new(256, 19, CellType.Lstm, 45, 1) { Softmax = SoftmaxKind.Class, Classes = 8 }, ByteVocabulary.Instance),
    ];

    public static TheoryData<KernelPath, int> PathsAndModels()
    {
        TheoryData<KernelPath, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            for (int model = 0; model < s_models.Length; model++) data.Add(path, model);
        }
        return data;
    }

    private static LanguageModel Create(LanguageModelConfig config, KernelPath path = KernelPath.Scalar)
    {
        LanguageModel model = new(config, KernelSet.For(path));
        model.Initialize(new Random(17));
        return model;
    }

    private static string TempFile() => Path.Combine(Directory.CreateTempSubdirectory("rnn-int8file-").FullName, "model.int8.rnn");

    /// <summary>The logits of int8 batch-1 steps over <see cref="s_tokens"/> (ids taken modulo V), one row per token.</summary>
    private static float[] Int8Steps(LanguageModel model)
    {
        model.StepPrecision = WeightPrecision.Int8;
        int v = model.Config.VocabularySize;
        RecurrentState state = new(model.Config.Recurrent, 1);
        float[] logits = new float[s_tokens.Length * v];
        for (int t = 0; t < s_tokens.Length; t++) model.Step([s_tokens[t] % v], state, logits.AsSpan(t * v, v));
        return logits;
    }

    [Theory]
    [MemberData(nameof(PathsAndModels))]
    public void A_loaded_int8_file_steps_exactly_as_the_original_models_int8_step(KernelPath path, int index)
    {
        (LanguageModelConfig config, Vocabulary vocabulary) = s_models[index];
        LanguageModel original = Create(config, path);
        string file = TempFile();
        ModelFile.SaveInt8(file, original, vocabulary);
        LoadedModel loaded = ModelFile.Load(file, KernelSet.For(path));

        Assert.Equal(file, loaded.Model.Int8Source);
        Assert.Equal(WeightPrecision.Int8, loaded.Model.StepPrecision);   // before any setting
        Assert.Equal(Int8Steps(original), Int8Steps(loaded.Model));         // bit for bit
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(6)]
    public void The_loaded_weights_are_the_int8_values_dequantised_and_quantise_to_the_same_file(int index)
    {
        (LanguageModelConfig config, Vocabulary vocabulary) = s_models[index];
        LanguageModel original = Create(config);
        byte[] bytes = ModelFile.ToInt8Bytes(original, vocabulary);
        LoadedModel loaded = ModelFile.Load(bytes);

        Dictionary<string, Int8Rows> quantized = Int8Weights.Quantize(original);
        Dictionary<string, Memory<float>> originalTensors = original.NamedTensors().ToDictionary(t => t.Name, t => t.Values);
        foreach ((string name, int[] _, Memory<float> values) in loaded.Model.NamedTensors())
        {
            float[] expected = originalTensors[name].ToArray();
            if (quantized.TryGetValue(name, out Int8Rows? rows)) rows.Dequantize(expected);
            else Assert.False(Int8Weights.IsQuantized(name), name);
            Assert.Equal(expected, values.ToArray());
            Assert.True(!quantized.ContainsKey(name) || !expected.SequenceEqual(originalTensors[name].ToArray()), $"{name} was not quantised");
        }
        // Quantising the dequantised weights again gives the same values and scales: the same file.
        Assert.Equal(bytes, ModelFile.ToInt8Bytes(loaded.Model, loaded.Vocabulary));
        Assert.Equal("the int8 model loaded from memory", loaded.Model.Int8Source);
    }

    [Fact]
    public void An_int8_file_is_about_a_quarter_of_the_float32_file()
    {
        // A char model's shape: V = 65, E = 64, LSTM 2x128.
        LanguageModel model = Create(new LanguageModelConfig(65, 64, CellType.Lstm, 128, 2));
        Vocabulary vocabulary = Utf8CharVocabulary.Build(Encoding.UTF8.GetBytes(new string([.. Enumerable.Range(0, 65).Select(i => (char)('!' + i))])));
        Assert.Equal(65, vocabulary.Count);
        long float32 = ModelFile.ToBytes(model, vocabulary).Length, int8 = ModelFile.ToInt8Bytes(model, vocabulary).Length;

        // One byte per quantised weight, four per scale and per float32 value left (biases), plus what both files have
        // (model.json, vocabulary, section table): within 4 KiB of that.
        long weights = model.NamedTensors().Where(t => Int8Weights.IsQuantized(t.Name)).Sum(t => (long)t.Values.Length);
        long rows = model.NamedTensors().Where(t => Int8Weights.IsQuantized(t.Name)).Sum(t => (long)t.Shape[0]);
        long floats = model.NamedTensors().Where(t => !Int8Weights.IsQuantized(t.Name)).Sum(t => (long)t.Values.Length);
        Assert.InRange(int8 - (weights + 4 * (rows + floats)), 0, 4096);
        Assert.InRange((double)int8 / float32, 0.25, 0.27);
    }

    [Fact]
    public void A_loaded_int8_model_samples_steps_in_batches_and_evaluates_close_to_the_original()
    {
        (LanguageModelConfig config, Vocabulary vocabulary) = s_models[0];
        LanguageModel original = Create(config);
        LanguageModel loaded = ModelFile.Load(ModelFile.ToInt8Bytes(original, vocabulary)).Model;
        int[] inputs = [.. s_tokens.Take(10)], targets = [.. s_tokens.Skip(1).Take(10)];
        double expected = original.EvaluateWindow(inputs, targets, 5, new RecurrentState(config.Recurrent, 2));
        double actual = loaded.EvaluateWindow(inputs, targets, 5, new RecurrentState(config.Recurrent, 2));
        Assert.InRange(actual - expected, -0.01 * Math.Abs(expected), 0.01 * Math.Abs(expected));
        Assert.NotEqual(expected, actual);   // the dequantised weights, not the original ones

        // Batched steps (B > 1) run over the dequantised float32 weights.
        float[] logits = new float[2 * config.VocabularySize];
        loaded.Step([1, 2], new RecurrentState(config.Recurrent, 2), logits);
        Assert.All(logits, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(WeightPrecision.Int8, loaded.CreateInferenceReplica().StepPrecision);
    }

    [Fact]
    public void A_loaded_int8_model_refuses_training_resume_safetensors_float_saves_and_float_steps_naming_the_file()
    {
        (LanguageModelConfig config, Vocabulary vocabulary) = s_models[0];
        string file = TempFile();
        LanguageModel original = Create(config);
        ModelFile.SaveInt8(file, original, vocabulary);
        LanguageModel model = ModelFile.Load(file).Model;
        CorpusSplit data = CorpusSplit.Create(TokenSequence.FromIds([.. Enumerable.Range(0, 400).Select(i => i % 256)], 256));
        TrainingOptions options = new(SequenceLength: 5, BatchSize: 2) { MaxUpdates = 1 };

        void Refused(Action action, string what)
        {
            NotSupportedException e = Assert.Throws<NotSupportedException>(action);
            Assert.StartsWith($"{file} holds int8 weights for inference only: the model cannot {what}", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Refused(() => model.StepPrecision = WeightPrecision.Float32, "step in Float32");
        Refused(() => model.StepPrecision = WeightPrecision.BFloat16, "step in BFloat16");
        Refused(() => _ = new Trainer(model, data, options), "train");
        Refused(() => model.TrainWindow([1, 2], [2, 3], 1, new RecurrentState(config.Recurrent, 2)), "train");
        Refused(() => new Trainer(Create(config), data, options).Resume(ModelFile.Load(file)), "train or resume");
        Refused(() => PyTorchExchange.ExportToBytes(model, vocabulary), "be exported to safetensors");
        Refused(() => ModelFile.ToBytes(model, vocabulary), "be saved as a float32 file");
        model.StepPrecision = WeightPrecision.Int8;   // its own precision stays allowed
    }

    [Fact]
    public void An_int8_file_says_schema_5_and_int8_weights_and_a_newer_schema_is_refused()
    {
        (LanguageModelConfig config, Vocabulary vocabulary) = s_models[0];
        CheckpointReader reader = CheckpointReader.Read(ModelFile.ToInt8Bytes(Create(config), vocabulary));
        string json = Encoding.UTF8.GetString(reader.GetBlob("model.json"));
        Assert.Contains("\"schema\": 5", json);
        Assert.Contains("\"weights\": \"int8\"", json);
        Assert.False(reader.HasSection("rnn.weight_hh_l0"));   // a pre-0.6.0 reader, past its schema check, would find no float32 weights
        Assert.True(reader.HasSection("rnn.weight_hh_l0.int8"));
        Assert.Equal(5, ModelFile.SchemaVersion);
        // A float32 file keeps the oldest schema that describes its model.
        Assert.Contains("\"schema\": 1", Encoding.UTF8.GetString(CheckpointReader.Read(ModelFile.ToBytes(Create(config), vocabulary)).GetBlob("model.json")));
    }

    [Fact]
    public void A_jordan_network_has_no_int8_file()
    {
        LanguageModel jordan = Create(new LanguageModelConfig(256, 6, CellType.Jordan, 8, 1));
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => ModelFile.ToInt8Bytes(jordan, ByteVocabulary.Instance));
        Assert.Contains("float32 only", e.Message);
    }
}

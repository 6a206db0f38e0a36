using System.Text;
using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>Export and import without Python; parity with PyTorch itself is in PyTorch/PyTorchParityTests.</summary>
public class PyTorchExchangeTests
{
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build("hello, wörld\n"u8);
    private static readonly LanguageModelConfig s_lstm = new(s_vocabulary.Count, 5, CellType.Lstm, 6, 2);
    private static readonly LanguageModelConfig s_relu = new(s_vocabulary.Count, 4, CellType.Elman, 3, 1, Activation.Relu);
    private static readonly LanguageModelConfig s_gru = new(s_vocabulary.Count, 5, CellType.Gru, 6, 2);

    private static LanguageModel NewModel(LanguageModelConfig config, int seed = 1)
    {
        LanguageModel model = new(config);
        model.Initialize(new Random(seed));
        return model;
    }

    private static string[] ExpectedNames(int layers) =>
        ["embedding.weight", .. Enumerable.Range(0, layers).SelectMany(k => new[] { $"rnn.weight_ih_l{k}", $"rnn.weight_hh_l{k}", $"rnn.bias_ih_l{k}", $"rnn.bias_hh_l{k}" }), "decoder.weight", "decoder.bias"];

    /// <summary>The tensors of <paramref name="file"/> copied into a new file, edited by <paramref name="edit"/> (null drops a tensor), with or without the metadata.</summary>
    private static byte[] Rewrite(byte[] file, bool metadata, Func<string, (string Name, int[] Shape, float[] Values), (string, int[], float[])?>? edit = null)
    {
        SafetensorsReader reader = SafetensorsReader.Read(file);
        SafetensorsWriter writer = new();
        if (metadata)
        {
            foreach ((string key, string value) in reader.Metadata) writer.SetMetadata(key, value);
        }
        foreach (SafetensorsTensor tensor in reader.Tensors)
        {
            (string Name, int[] Shape, float[] Values) original = (tensor.Name, tensor.Shape.Select(d => (int)d).ToArray(), reader.GetFloats(tensor.Name));
            if ((edit is null ? original : edit(tensor.Name, original)) is (string name, int[] shape, float[] values))
            {
                writer.AddTensor(name, shape, values);
            }
        }
        return writer.ToArray();
    }

    private static string Rejects(byte[] file, Vocabulary? vocabulary = null, LanguageModelConfig? config = null) =>
        Assert.Throws<CheckpointFormatException>(() => PyTorchExchange.Import(file, vocabulary, config)).Message;

    private static void AssertSameWeights(LanguageModel expected, LanguageModel actual)
    {
        Assert.Equal(expected.Config, actual.Config);
        for (int b = 0; b < expected.Blocks.Count; b++)
        {
            Assert.Equal(expected.Blocks[b].Values, actual.Blocks[b].Values);
        }
    }

    [Fact]
    public void Export_then_import_is_bit_exact_with_the_vocabulary()
    {
        foreach (LanguageModelConfig config in new[] { s_lstm, s_relu, s_gru })
        {
            LanguageModel model = NewModel(config);
            LoadedModel loaded = PyTorchExchange.Import(PyTorchExchange.ExportToBytes(model, s_vocabulary));
            AssertSameWeights(model, loaded.Model);
            Assert.Equal(VocabularyKind.Utf8Char, loaded.Vocabulary.Kind);
            Assert.Equal(s_vocabulary.Encode("world, hello"), loaded.Vocabulary.Encode("world, hello"));
            Assert.Null(loaded.Options);
        }
    }

    [Fact]
    public void Files_carry_pytorch_names_shapes_and_string_metadata()
    {
        SafetensorsReader reader = SafetensorsReader.Read(PyTorchExchange.ExportToBytes(NewModel(s_lstm), s_vocabulary));
        Assert.Equal(ExpectedNames(2), reader.Tensors.Select(t => t.Name));
        int v = s_vocabulary.Count;
        Assert.Equal([v, 5L], reader.Get("embedding.weight").Shape);
        Assert.Equal([24L, 5L], reader.Get("rnn.weight_ih_l0").Shape);
        Assert.Equal([24L, 6L], reader.Get("rnn.weight_ih_l1").Shape);
        Assert.Equal([24L, 6L], reader.Get("rnn.weight_hh_l1").Shape);
        Assert.Equal([24L], reader.Get("rnn.bias_hh_l1").Shape);
        Assert.Equal([v, 6L], reader.Get("decoder.weight").Shape);
        Assert.Equal([(long)v], reader.Get("decoder.bias").Shape);

        IReadOnlyDictionary<string, string> m = reader.Metadata;
        Assert.Equal("pt", m["format"]);
        Assert.Equal("lstm", m["cell"]);
        Assert.False(m.ContainsKey("nonlinearity"));
        Assert.Equal(v.ToString(), m["vocab_size"]);
        Assert.Equal("5", m["embedding_dim"]);
        Assert.Equal("6", m["hidden_size"]);
        Assert.Equal("2", m["num_layers"]);
        Assert.Equal("utf8_char", m["vocabulary_kind"]);
        string[] tokens = JsonDocument.Parse(m["tokens"]).RootElement.EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(Enumerable.Range(0, v).Select(id => s_vocabulary.Decode([id])), tokens);
        Assert.Contains("ö", tokens);

        IReadOnlyDictionary<string, string> relu = SafetensorsReader.Read(PyTorchExchange.ExportToBytes(NewModel(s_relu), s_vocabulary)).Metadata;
        Assert.Equal(("rnn", "relu"), (relu["cell"], relu["nonlinearity"]));
    }

    [Fact]
    public void Gradients_export_under_the_same_names()
    {
        LanguageModel model = NewModel(s_relu);
        for (int b = 0; b < model.Blocks.Count; b++)
        {
            for (int i = 0; i < model.Blocks[b].Length; i++) model.Blocks[b].Gradients[i] = b * 1000 + i;
        }
        SafetensorsReader reader = SafetensorsReader.Read(PyTorchExchange.ExportGradientsToBytes(model));
        Assert.Equal(ExpectedNames(1), reader.Tensors.Select(t => t.Name));
        Assert.Equal(model.Blocks[0].Gradients, reader.GetFloats("embedding.weight"));
        Assert.Equal(model.Blocks[1].Gradients.AsSpan(model.Stack.Tensors[1].Offset, model.Stack.Tensors[1].Length).ToArray(), reader.GetFloats("rnn.weight_hh_l0"));
        Assert.Equal(model.Blocks[2].Gradients[^s_vocabulary.Count..], reader.GetFloats("decoder.bias"));
        Assert.False(reader.Metadata.ContainsKey("vocabulary"));
    }

    [Fact]
    public void Export_to_a_path_is_atomic_and_imports_back()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-pt-{Guid.NewGuid():N}.safetensors");
        try
        {
            LanguageModel model = NewModel(s_lstm);
            PyTorchExchange.Export(path, model, s_vocabulary);
            AssertSameWeights(model, PyTorchExchange.Import(path).Model);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_bare_state_dict_imports_with_the_callers_vocabulary_and_an_lstm_config_inferred_from_shapes()
    {
        LanguageModel model = NewModel(s_lstm);
        byte[] bare = Rewrite(PyTorchExchange.ExportToBytes(model, s_vocabulary), metadata: false);
        Assert.Contains("no vocabulary in its metadata", Rejects(bare));
        AssertSameWeights(model, PyTorchExchange.Import(bare, s_vocabulary).Model);
    }

    [Fact]
    public void A_bare_rnn_state_dict_needs_the_config_for_its_nonlinearity()
    {
        LanguageModel model = NewModel(s_relu);
        byte[] bare = Rewrite(PyTorchExchange.ExportToBytes(model, s_vocabulary), metadata: false);
        Assert.Contains("nonlinearity", Rejects(bare, s_vocabulary));
        AssertSameWeights(model, PyTorchExchange.Import(bare, s_vocabulary, s_relu).Model);
    }

    [Fact]
    public void A_config_passed_by_the_caller_overrides_the_metadata_and_is_checked_against_the_shapes()
    {
        byte[] file = PyTorchExchange.ExportToBytes(NewModel(s_lstm), s_vocabulary);
        string message = Rejects(file, config: s_lstm with { HiddenSize = 7 });
        Assert.Contains("tensor 'rnn.weight_ih_l0' has shape [24, 5] but a LSTM model (V=", message);
        Assert.Contains("needs [28, 5]", message);
        Assert.Contains("unexpected tensor 'rnn.weight_ih_l1'", Rejects(file, config: s_lstm with { Layers = 1 }));
        Assert.Contains("the vocabulary has 256 tokens but the model", Rejects(file, ByteVocabulary.Instance));
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_tensors_are_rejected_by_name()
    {
        byte[] file = PyTorchExchange.ExportToBytes(NewModel(s_lstm), s_vocabulary);
        Assert.Contains("tensor 'decoder.bias' is missing", Rejects(Rewrite(file, true, (name, t) => name == "decoder.bias" ? null : t)));
        Assert.Contains("tensor 'rnn.bias_hh_l1' is missing", Rejects(Rewrite(file, true, (name, t) => name == "rnn.bias_hh_l1" ? null : t)));
        Assert.Contains("unexpected tensor 'output.weight'", Rejects(Rewrite(file, true, (name, t) => name == "decoder.weight" ? ("output.weight", t.Shape, t.Values) : t)));
        Assert.Contains("unexpected tensor 'extra'", Rejects(Rewrite(file, true, (name, t) => name == "decoder.bias" ? ("extra", t.Shape, t.Values) : t)));
        Assert.Contains("'decoder.weight' has shape [6, " + s_vocabulary.Count + "]",
            Rejects(Rewrite(file, true, (name, t) => name == "decoder.weight" ? (name, [t.Shape[1], t.Shape[0]], t.Values) : t)));
        Assert.Contains("'decoder.bias' has shape [1, " + s_vocabulary.Count + "]",
            Rejects(Rewrite(file, true, (name, t) => name == "decoder.bias" ? (name, [1, t.Shape[0]], t.Values) : t)));
    }

    [Fact]
    public void A_tensor_of_another_dtype_is_rejected_with_advice()
    {
        byte[] file = PyTorchExchange.ExportToBytes(NewModel(s_lstm), s_vocabulary);
        // Same width, so the header stays consistent: only the dtype is wrong.
        byte[] from = Encoding.UTF8.GetBytes("\"dtype\":\"F32\""), to = Encoding.UTF8.GetBytes("\"dtype\":\"I32\"");
        int at = file.AsSpan().IndexOf(from);
        to.CopyTo(file, at);
        string message = Rejects(file);
        Assert.Contains("dtype I32; only F32", message);
        Assert.Contains("tensor.float()", message);
    }

    [Fact]
    public void Bad_metadata_is_rejected_by_key()
    {
        byte[] file = PyTorchExchange.ExportToBytes(NewModel(s_lstm), s_vocabulary);
        byte[] WithMetadata(string key, string value)
        {
            SafetensorsReader reader = SafetensorsReader.Read(file);
            SafetensorsWriter writer = new();
            foreach ((string k, string v) in reader.Metadata) writer.SetMetadata(k, v);
            writer.SetMetadata(key, value);
            foreach (SafetensorsTensor t in reader.Tensors) writer.AddTensor(t.Name, t.Shape.Select(d => (int)d).ToArray(), reader.GetFloats(t.Name));
            return writer.ToArray();
        }
        Assert.Contains("metadata 'cell' is 'transformer'; expected one of 'rnn', 'lstm', 'gru'", Rejects(WithMetadata("cell", "transformer")));
        Assert.Contains("metadata 'hidden_size' is '6.0'", Rejects(WithMetadata("hidden_size", "6.0")));
        Assert.Contains("rnnnative.schema '5'", Rejects(WithMetadata("rnnnative.schema", "5")));
        Assert.Contains("metadata 'input' is 'two_hot'", Rejects(WithMetadata("input", "two_hot")));
        Assert.Contains("metadata 'vocabulary' is not a valid vocabulary", Rejects(WithMetadata("vocabulary", "not base64!")));
        Assert.Contains("metadata 'vocabulary' is not a valid vocabulary", Rejects(WithMetadata("vocabulary", Convert.ToBase64String(new byte[12]))));
        Assert.Contains("invalid model", Rejects(WithMetadata("num_layers", "0")));
    }
}

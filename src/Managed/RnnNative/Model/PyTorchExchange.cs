using System.Globalization;
using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Kernels;
using RnnNative.Text;

namespace RnnNative.Model;

/// <summary>
/// Exchanges language models with PyTorch as safetensors files whose tensors are the
/// <c>state_dict</c> of this char-rnn module (reference: bindings/python/tests/charrnn_torch.py):
/// <code>
/// class CharRnn(nn.Module):
///     embedding = nn.Embedding(V, E)                        embedding.weight    [V, E]        (none with one-hot input)
///     rnn = nn.LSTM(I, H, L, dropout=p), nn.GRU(I, H, L, dropout=p)
///           or nn.RNN(I, H, L, nonlinearity, dropout=p)     rnn.weight_ih_l{k}  [G*H, I_k]   G = 4 (i, f, g, o), 3 (r, z, n) or 1;
///                                                                                  I_0 = E, or V with one-hot input
///                                                           rnn.weight_hh_l{k}  [G*H, H]
///                                                           rnn.bias_ih_l{k}    [G*H]
///                                                           rnn.bias_hh_l{k}    [G*H]
///     decoder = nn.Linear(H, V)                             decoder.weight      [V, H]
///                                                           decoder.bias        [V]
/// </code>
/// (with p > 0 also nn.Dropout(p) on the embedding and before the decoder, which have no tensors)
/// so <c>load_state_dict(strict=True)</c> accepts an exported file unchanged (sequence-first input,
/// <c>batch_first=False</c>; zero initial state; one-hot models feed <c>F.one_hot(tokens, V)</c>). The layouts are this engine's own, so tensors are
/// copied bit-exactly both ways. <c>__metadata__</c> (strings only, per the format):
/// <code>
/// format            "pt"                     (what Hugging Face tools expect of PyTorch weights)
/// rnnnative.schema  "1", "2" with one-hot input (which schema-1 readers cannot load), "3" for a GRU
///                   (<see cref="ModelFile.SchemaFor"/>)
/// cell              "lstm" | "gru" | "rnn"
/// nonlinearity      "tanh" | "relu"          (rnn only, nn.RNN's argument)
/// input             "one_hot"                (one-hot input only; absent: an embedding)
/// dropout           p, CharRnn's dropout     (only when p > 0; since 0.3.0, which older readers ignore: it changes no weight)
/// vocab_size, embedding_dim, hidden_size, num_layers    decimal integers, the nn constructors' names (embedding_dim 0 with one-hot input)
/// vocabulary        base64 of Vocabulary.Write: the exact vocabulary, for RnnNative
/// vocabulary_kind   "byte" | "utf8_char" | "word"
/// tokens            JSON list of each id's text (Vocabulary.Decode of that id alone), for Python users
/// </code>
/// Import takes the configuration from the caller, else from the metadata, else from the tensor
/// shapes (LSTM only: the shapes of nn.RNN do not tell its nonlinearity; no embedding.weight means
/// one-hot input, V then from decoder.weight); the vocabulary from the
/// caller, else from the metadata. Any tensor missing, unexpected or of the wrong shape is a
/// <see cref="CheckpointFormatException"/>, as <c>strict=True</c> would be.
/// </summary>
public static class PyTorchExchange
{
    /// <summary>The newest rnnnative.schema this build reads; files are written with the oldest that describes the model.
    /// Model files' schema 4 (the class-factored softmax) is never exchanged, so the exchange stays at 3.</summary>
    public const int SchemaVersion = 3;

    /// <summary>Writes the model atomically as a safetensors file. Without a vocabulary the metadata
    /// has no vocabulary keys (importing it then needs one).</summary>
    public static void Export(string path, LanguageModel model, Vocabulary? vocabulary) =>
        Build(model, vocabulary, gradients: false).WriteFileAtomically(path);

    /// <summary>The safetensors file's bytes (for the C ABI, the Python binding, hosts that store files themselves).</summary>
    public static byte[] ExportToBytes(LanguageModel model, Vocabulary? vocabulary) =>
        Build(model, vocabulary, gradients: false).ToArray();

    /// <summary>The model's current gradients under the same names and shapes (to compare with
    /// PyTorch's <c>param.grad</c> after a backward pass); with config metadata, no vocabulary.</summary>
    public static byte[] ExportGradientsToBytes(LanguageModel model) =>
        Build(model, null, gradients: true).ToArray();

    /// <summary>Imports a file, as <see cref="Import(ReadOnlySpan{byte}, Vocabulary?, LanguageModelConfig?, KernelSet?)"/>;
    /// a <see cref="CheckpointFormatException"/> starts with <paramref name="path"/>.</summary>
    public static LoadedModel Import(string path, Vocabulary? vocabulary = null, LanguageModelConfig? config = null, KernelSet? kernels = null)
    {
        try
        {
            return Import(SafetensorsReader.ReadFile(path), vocabulary, config, kernels);
        }
        catch (CheckpointFormatException e)
        {
            throw new CheckpointFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Imports from the bytes of a safetensors file; <paramref name="vocabulary"/> and
    /// <paramref name="config"/>, when given, take precedence over the file's metadata.</summary>
    public static LoadedModel Import(ReadOnlySpan<byte> bytes, Vocabulary? vocabulary = null, LanguageModelConfig? config = null, KernelSet? kernels = null) =>
        Import(SafetensorsReader.Read(bytes), vocabulary, config, kernels);

    /// <summary>Why a class-factored model is not exchanged: CharRnn's decoder is one nn.Linear over V.</summary>
    private const string ClassSoftmaxRefusal = "PyTorch exchange holds CharRnn's full softmax (one nn.Linear over V); a class-factored softmax's word classes and class layer have no place in its state_dict: save it as an RnnNative model file.";

    private static SafetensorsWriter Build(LanguageModel model, Vocabulary? vocabulary, bool gradients)
    {
        ArgumentNullException.ThrowIfNull(model);
        LanguageModelConfig c = model.Config;
        if (model.Int8Source is not null)
        {
            throw new NotSupportedException(model.Int8Refusal("be exported to safetensors (PyTorch exchange holds float32 weights: export the float32 model it was made from)"));
        }
        if (c.Softmax != SoftmaxKind.Full)
        {
            throw new NotSupportedException(ClassSoftmaxRefusal);
        }
        SafetensorsWriter writer = new();
        writer.SetMetadata("format", "pt");
        writer.SetMetadata("rnnnative.schema", Invariant(ModelFile.SchemaFor(c)));
        CellKind cell = CellKind.Of(c.Cell);
        string pyTorchName = cell.PyTorchName
            ?? throw new NotSupportedException($"a {cell.DisplayName} network has no PyTorch module, so it has no PyTorch exchange file: save it as an RnnNative model file instead.");
        writer.SetMetadata("cell", pyTorchName);
        if (cell.HasActivation)
        {
            writer.SetMetadata("nonlinearity", c.Activation == Activation.Relu ? "relu" : "tanh");
        }
        if (c.Input == InputEncoding.OneHot)
        {
            writer.SetMetadata("input", "one_hot");
        }
        writer.SetMetadata("vocab_size", Invariant(c.VocabularySize));
        writer.SetMetadata("embedding_dim", Invariant(c.EmbeddingSize));
        writer.SetMetadata("hidden_size", Invariant(c.HiddenSize));
        writer.SetMetadata("num_layers", Invariant(c.Layers));
        if (c.Dropout > 0)
        {
            writer.SetMetadata("dropout", c.Dropout.ToString(CultureInfo.InvariantCulture));
        }
        if (vocabulary is not null)
        {
            if (vocabulary.Count != c.VocabularySize)
            {
                throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model {c.VocabularySize}.", nameof(vocabulary));
            }
            using MemoryStream blob = new();
            vocabulary.Write(blob);
            writer.SetMetadata("vocabulary", Convert.ToBase64String(blob.ToArray()));
            writer.SetMetadata("vocabulary_kind", vocabulary.Kind switch { VocabularyKind.Byte => "byte", VocabularyKind.Utf8Char => "utf8_char", _ => "word" });
            writer.SetMetadata("tokens", TokensJson(vocabulary));
        }
        foreach ((string name, int[] shape, Memory<float> values) in model.NamedTensors(gradients))
        {
            writer.AddTensor(name, shape, values.Span);
        }
        return writer;
    }

    private static LoadedModel Import(SafetensorsReader reader, Vocabulary? vocabulary, LanguageModelConfig? config, KernelSet? kernels)
    {
        config ??= reader.Metadata.ContainsKey("cell") ? ConfigFromMetadata(reader.Metadata) : ConfigFromShapes(reader);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"the safetensors file describes an invalid model: {e.Message}");
        }
        if (config.Softmax != SoftmaxKind.Full)
        {
            throw new NotSupportedException(ClassSoftmaxRefusal);
        }
        vocabulary ??= VocabularyFromMetadata(reader.Metadata);
        if (vocabulary.Count != config.VocabularySize)
        {
            throw new CheckpointFormatException($"the vocabulary has {vocabulary.Count} tokens but the model {config.VocabularySize}.");
        }

        // Every tensor is checked against the config before the model is allocated: a small file
        // declaring a large model fails here, not after allocating it.
        List<(string Name, int[] Shape)> expected = [.. config.TensorShapes()];
        foreach (SafetensorsTensor tensor in reader.Tensors)
        {
            if (!expected.Exists(e => e.Name == tensor.Name))
            {
                throw new CheckpointFormatException($"unexpected tensor '{tensor.Name}' for a {Describe(config)}; expected exactly: {string.Join(", ", expected.Select(e => e.Name))}.");
            }
        }
        foreach ((string name, int[] shape) in expected)
        {
            if (!reader.Contains(name))
            {
                throw new CheckpointFormatException($"tensor '{name}' is missing; a {Describe(config)} needs it.");
            }
            SafetensorsTensor tensor = reader.Get(name);
            if (!tensor.Shape.SequenceEqual(shape.Select(d => (long)d)))
            {
                throw new CheckpointFormatException($"tensor '{name}' has shape {tensor.ShapeText} but a {Describe(config)} needs [{string.Join(", ", shape)}].");
            }
        }

        LanguageModel model = new(config, kernels);
        foreach ((string name, int[] _, Memory<float> values) in model.NamedTensors())
        {
            reader.ReadFloats(name, values.Span);
        }
        return new LoadedModel(model, vocabulary, null, null);
    }

    private static LanguageModelConfig ConfigFromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue("rnnnative.schema", out string? schema) && (!int.TryParse(schema, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version > SchemaVersion))
        {
            throw new CheckpointFormatException($"the file was exported with rnnnative.schema '{schema}'; this RnnNative reads up to {SchemaVersion}: update RnnNative.");
        }
        string cellName = Text(metadata, "cell");
        CellKind cell = CellKind.PyTorchKinds.FirstOrDefault(kind => kind.PyTorchName == cellName)
            ?? throw new CheckpointFormatException($"metadata 'cell' is '{cellName}'; expected one of {string.Join(", ", CellKind.PyTorchKinds.Select(kind => $"'{kind.PyTorchName}'"))}.");
        Activation activation = !cell.HasActivation ? Activation.Tanh : Text(metadata, "nonlinearity") switch
        {
            "tanh" => Activation.Tanh,
            "relu" => Activation.Relu,
            string other => throw new CheckpointFormatException($"metadata 'nonlinearity' is '{other}'; expected 'tanh' or 'relu'."),
        };
        InputEncoding input = !metadata.TryGetValue("input", out string? inputText) ? InputEncoding.Embedding : inputText switch
        {
            "one_hot" => InputEncoding.OneHot,
            "embedding" => InputEncoding.Embedding,
            _ => throw new CheckpointFormatException($"metadata 'input' is '{inputText}'; expected 'one_hot' or 'embedding'."),
        };
        return new LanguageModelConfig(Number(metadata, "vocab_size"), Number(metadata, "embedding_dim"), cell.Type, Number(metadata, "hidden_size"), Number(metadata, "num_layers"), activation, input)
        {
            Dropout = metadata.ContainsKey("dropout") ? Decimal(metadata, "dropout") : 0f,
        };
    }

    /// <summary>V, E from embedding.weight [V, E] (absent: one-hot input, V from decoder.weight [V, H]);
    /// H and the gate count from rnn.weight_hh_l0 [G*H, H]; L from the weight_ih_l{k} present.</summary>
    private static LanguageModelConfig ConfigFromShapes(SafetensorsReader reader)
    {
        const string advice = "the file has no RnnNative metadata, and";
        bool oneHot = !reader.Contains("embedding.weight");
        string vocabularyTensor = oneHot ? "decoder.weight" : "embedding.weight";
        if (!reader.Contains(vocabularyTensor) || !reader.Contains("rnn.weight_hh_l0"))
        {
            throw new CheckpointFormatException($"{advice} no embedding.weight (or decoder.weight) and rnn.weight_hh_l0 to infer the model from: it is not a CharRnn state_dict (pass a LanguageModelConfig if the names are right).");
        }
        long[] embedding = reader.Get(vocabularyTensor).Shape, hh = reader.Get("rnn.weight_hh_l0").Shape;
        if (embedding.Length != 2 || hh.Length != 2 || hh[1] == 0 || hh[0] % hh[1] != 0 || embedding[0] > int.MaxValue || embedding[1] > int.MaxValue || hh[1] > int.MaxValue)
        {
            throw new CheckpointFormatException($"{advice} {vocabularyTensor} {reader.Get(vocabularyTensor).ShapeText} and rnn.weight_hh_l0 {reader.Get("rnn.weight_hh_l0").ShapeText} are not [V, {(oneHot ? "H" : "E")}] and [G*H, H].");
        }
        int layers = 0;
        while (reader.Contains($"rnn.weight_ih_l{layers}")) layers++;
        long gates = hh[0] / hh[1];
        CellKind kind = CellKind.PyTorchKinds.FirstOrDefault(kind => kind.GateCount == gates)
            ?? throw new CheckpointFormatException($"{advice} rnn.weight_hh_l0 has {gates} gate blocks; expected {string.Join(" or ", CellKind.PyTorchKinds.Select(kind => $"{kind.GateCount} ({kind.DisplayName})"))}.");
        if (kind.HasActivation)
        {
            throw new CheckpointFormatException($"{advice} an nn.{kind.DisplayName}'s tensors do not tell its nonlinearity (tanh or relu): pass a LanguageModelConfig.");
        }
        CellType cell = kind.Type;
        return oneHot
            ? new LanguageModelConfig((int)embedding[0], 0, cell, (int)hh[1], layers, Input: InputEncoding.OneHot)
            : new LanguageModelConfig((int)embedding[0], (int)embedding[1], cell, (int)hh[1], layers);
    }

    private static Vocabulary VocabularyFromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("vocabulary", out string? base64))
        {
            throw new CheckpointFormatException("the file has no vocabulary in its metadata (key 'vocabulary'): pass the Vocabulary the model was trained with.");
        }
        try
        {
            return Vocabulary.FromBlob(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            throw new CheckpointFormatException($"metadata 'vocabulary' is not a valid vocabulary: {e.Message}", e);
        }
    }

    private static string TokensJson(Vocabulary vocabulary)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter json = new(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            for (int id = 0; id < vocabulary.Count; id++)
            {
                json.WriteStringValue(vocabulary.Decode([id]));
            }
            json.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Text(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? value) ? value : throw new CheckpointFormatException($"metadata '{key}' is missing.");

    private static int Number(IReadOnlyDictionary<string, string> metadata, string key) =>
        int.TryParse(Text(metadata, key), NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new CheckpointFormatException($"metadata '{key}' is '{metadata[key]}'; expected a non-negative decimal integer.");

    private static float Decimal(IReadOnlyDictionary<string, string> metadata, string key) =>
        float.TryParse(Text(metadata, key), NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw new CheckpointFormatException($"metadata '{key}' is '{metadata[key]}'; expected a decimal number.");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(LanguageModelConfig c) =>
        $"{CellKind.Of(c.Cell).Describe(c.Activation)} model (V={c.VocabularySize}, {(c.Input == InputEncoding.OneHot ? "one-hot input" : $"E={c.EmbeddingSize}")}, H={c.HiddenSize}, L={c.Layers})";
}

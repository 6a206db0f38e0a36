using System.Text.Json;
using RnnNative.Cells;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Tests.IO;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>The options of 0.3.0 (GRU, dropout, identity initialization) in model files and PyTorch exchange files.</summary>
public class ModelOptionFilesTests
{
    private static readonly Vocabulary s_vocabulary = Vocabulary.Build(VocabularyKind.Utf8Char, new MemoryStream("abcdefg"u8.ToArray()));

    private static LanguageModel NewModel(LanguageModelConfig config)
    {
        LanguageModel model = new(config);
        model.Initialize(seed: 11);
        return model;
    }

    private static readonly LanguageModelConfig s_irnn = new(s_vocabulary.Count, 3, CellType.Elman, 5, 2, Activation.Relu)
    {
        Dropout = 0.25f,
        Initialization = RecurrentInitialization.Identity,
        IdentityScale = 0.5f,
    };

    [Fact]
    public void Dropout_and_identity_initialization_survive_a_model_file_which_stays_schema_1()
    {
        LanguageModel model = NewModel(s_irnn);
        byte[] file = ModelFile.ToBytes(model, s_vocabulary);
        using JsonDocument json = JsonDocument.Parse(CheckpointReader.Read(file).GetBlob("model.json").ToArray());
        // Older readers ignore the new fields and run the same weights: no new schema needed.
        Assert.Equal(1, json.RootElement.GetProperty("schema").GetInt32());
        Assert.Equal(0.25f, json.RootElement.GetProperty("dropout").GetSingle());
        Assert.Equal("identity", json.RootElement.GetProperty("initialization").GetString());
        LoadedModel loaded = ModelFile.Load(file);
        Assert.Equal(model.Config, loaded.Model.Config);
    }

    [Fact]
    public void A_gru_model_needs_schema_3_a_class_softmax_4_and_others_keep_theirs()
    {
        LanguageModelConfig lstm = new(s_vocabulary.Count, 3, CellType.Lstm, 5, 1);
        Assert.Equal(1, ModelFile.SchemaFor(lstm));
        Assert.Equal(2, ModelFile.SchemaFor(lstm with { Input = InputEncoding.OneHot, EmbeddingSize = 0 }));
        Assert.Equal(1, ModelFile.SchemaFor(s_irnn));
        Assert.Equal(3, ModelFile.SchemaFor(lstm with { Cell = CellType.Gru }));
        Assert.Equal(3, ModelFile.SchemaFor(lstm with { Cell = CellType.Gru, Input = InputEncoding.OneHot, EmbeddingSize = 0 }));
        Assert.Equal(4, ModelFile.SchemaFor(lstm with { Softmax = SoftmaxKind.Class }));
        Assert.Equal(5, ModelFile.SchemaVersion);   // schema 5: int8 files only (Int8ModelFileTests)
        // Schema 4 (the class softmax, the Jordan network) is never exchanged with PyTorch.
        Assert.Equal(3, PyTorchExchange.SchemaVersion);
    }

    [Fact]
    public void A_newer_schema_asks_for_an_update_of_rnnnative()
    {
        byte[] file = CheckpointSamples.WithModelJson(ModelFile.ToBytes(NewModel(s_irnn), s_vocabulary), json => json.Replace("\"schema\": 1", "\"schema\": 6"));
        string message = Assert.Throws<CheckpointFormatException>(() => ModelFile.Load(file)).Message;
        Assert.Contains("schema 6; this RnnNative reads up to 5: update RnnNative", message);
    }

    [Fact]
    public void Dropout_is_in_the_pytorch_metadata_only_when_on_and_comes_back_on_import()
    {
        LanguageModel model = NewModel(s_irnn);
        byte[] file = PyTorchExchange.ExportToBytes(model, s_vocabulary);
        Assert.Equal("0.25", SafetensorsReader.Read(file).Metadata["dropout"]);
        Assert.Equal("1", SafetensorsReader.Read(file).Metadata["rnnnative.schema"]);
        LoadedModel imported = PyTorchExchange.Import(file);
        Assert.Equal(0.25f, imported.Model.Config.Dropout);
        Assert.Equal(model.Blocks.Select(b => b.Values), imported.Model.Blocks.Select(b => b.Values));

        byte[] plain = PyTorchExchange.ExportToBytes(NewModel(s_irnn with { Dropout = 0 }), s_vocabulary);
        Assert.False(SafetensorsReader.Read(plain).Metadata.ContainsKey("dropout"));
    }

    /// <summary>Needs the GRU layer of issue 14.</summary>
    [Fact]
    public void A_gru_model_file_says_schema_3_and_round_trips()
    {
        LanguageModel model = NewModel(new LanguageModelConfig(s_vocabulary.Count, 3, CellType.Gru, 5, 2) { Dropout = 0.1f });
        byte[] file = ModelFile.ToBytes(model, s_vocabulary);
        using JsonDocument json = JsonDocument.Parse(CheckpointReader.Read(file).GetBlob("model.json").ToArray());
        Assert.Equal(3, json.RootElement.GetProperty("schema").GetInt32());
        Assert.Equal("gru", json.RootElement.GetProperty("cell").GetString());
        Assert.Equal(model.Config, ModelFile.Load(file).Model.Config);
        SafetensorsReader exported = SafetensorsReader.Read(PyTorchExchange.ExportToBytes(model, s_vocabulary));
        Assert.Equal("gru", exported.Metadata["cell"]);
        Assert.Equal("3", exported.Metadata["rnnnative.schema"]);
    }
}

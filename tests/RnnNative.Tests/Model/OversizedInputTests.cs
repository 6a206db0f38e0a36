using System.Text;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Sizes;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>Sizes that come from input and would overflow 32-bit buffer arithmetic are refused
/// where they enter, naming the field, and loaders check a file against its declared model before
/// allocating the model.</summary>
public class OversizedInputTests
{
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build("abcdefgh"u8);

    private static LanguageModelConfig Small => new(s_vocabulary.Count, 4, CellType.Lstm, 8, 1);

    [Theory]
    [InlineData(8, 8, CellType.Lstm, 65536, 1, "HiddenSize")]         // 4H x H = 2^34 weights
    [InlineData(65536, 65536, CellType.Lstm, 8, 1, "EmbeddingSize")]  // V x E = 2^32: used to wrap to an empty embedding
    [InlineData(8, 8, CellType.Lstm, 8000, 64, "Layers")]             // 64 layers of 4H x (2H + 2): 3.3e10
    [InlineData(1 << 22, 8, CellType.Elman, 1024, 1, "HiddenSize")]   // the decoder V x (H + 1)
    public void Models_whose_buffers_overflow_are_refused_naming_the_field(int v, int e, CellType cell, int h, int layers, string field)
    {
        LanguageModelConfig config = new(v, e, cell, h, layers);
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModel(config));
        Assert.Equal(field, error.ParamName);
        Assert.Contains("would exceed 2,147,483,591 elements", error.Message);
    }

    [Fact]
    public void The_largest_models_that_fit_are_still_valid()
    {
        new LanguageModelConfig(65536, 32767, CellType.Lstm, 64, 1).Validate();   // V x E just under the cap
        new LanguageModelConfig(256, 64, CellType.Lstm, 16383, 1).Validate();    // 4H x (E + H + 2) just under it
    }

    [Fact]
    public void Buffer_lengths_are_checked_products()
    {
        Assert.Equal(6, BufferLength.Product(2, 3));
        Assert.Equal(0, BufferLength.Product(0, long.MaxValue));
        Assert.Equal(-1, BufferLength.Product(65536, 65536));
        Assert.Equal(-1, BufferLength.Product(long.MaxValue, 2));
        Assert.Equal(-1, BufferLength.Product(-1, 2));
        Assert.Equal(BufferLength.Max, BufferLength.Product(BufferLength.Max, 1));
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => BufferLength.Sum("n", "x", BufferLength.Max, 1)).ParamName);
    }

    [Fact]
    public void A_training_window_too_large_for_the_model_is_refused_when_the_trainer_is_created()
    {
        LanguageModel model = new(Small);
        CorpusSplit data = CorpusSplit.Create(TokenSequence.FromIds(s_vocabulary.Encode("abcdefghabcdefghabcdefgh"u8), s_vocabulary.Count));
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(model, data, new TrainingOptions(8192, 4096 * 16, MaxUpdates: 1)));
        Assert.Equal(nameof(TrainingOptions.SequenceLength), error.ParamName);
        Assert.Contains("a window of 8192 timesteps x 65536 streams", error.Message);
    }

    [Theory]
    [InlineData(int.MaxValue, 1, "steps")]
    [InlineData(1, int.MaxValue, "batchSize")]
    public void An_evaluation_window_too_large_names_its_argument(int steps, int batch, string field)
    {
        TokenSequence tokens = TokenSequence.FromIds(s_vocabulary.Encode("abcdefgh"u8), s_vocabulary.Count);
        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.MeanLoss(new LanguageModel(Small), tokens, batch, steps)).ParamName);
    }

    [Fact]
    public void A_generator_of_more_streams_than_its_buffers_hold_names_streams()
    {
        LanguageModelConfig wide = new(1 << 22, 4, CellType.Elman, 8, 1);   // V = 4M: logits [B, V] of 1024 streams exceed a buffer
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new RnnNative.Sampling.TextGenerator(new LanguageModel(wide), ByteVocabulary.Instance, new RnnNative.Sampling.SamplingOptions(), streams: 1024));
        Assert.Equal("streams", error.ParamName);
    }

    /// <summary>A checkpoint of model.json (as written for <paramref name="config"/>), the vocabulary and <paramref name="more"/> sections.</summary>
    private static byte[] Checkpoint(LanguageModelConfig config, Action<CheckpointWriter>? more = null, byte[]? vocabulary = null)
    {
        CheckpointWriter writer = new();
        writer.AddBlob("model.json", ModelJson.WriteConfig(config));
        using MemoryStream blob = new();
        s_vocabulary.Write(blob);
        writer.AddBlob("vocabulary", vocabulary ?? blob.ToArray());
        more?.Invoke(writer);
        return writer.ToArray();
    }

    private static string Rejects(byte[] file) => Assert.Throws<CheckpointFormatException>(() => ModelFile.Load(file)).Message;

    [Fact]
    public void A_model_file_declaring_layers_too_large_is_a_format_error()
    {
        string message = Rejects(Checkpoint(Small with { HiddenSize = 8000, Layers = 64 }));
        Assert.Contains("model.json holds an invalid configuration", message);
        Assert.Contains("would exceed", message);
    }

    [Fact]
    public void A_small_model_file_declaring_a_large_model_is_refused_before_the_model_is_allocated()
    {
        byte[] file = Checkpoint(Small with { HiddenSize = 16384 });
        Assert.True(file.Length < 1000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("tensor 'embedding.weight' is missing", Rejects(file));
        // The model would be 4 x 16384 x 16390 floats, twice (weights and gradients): 4 GiB.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the loader allocated the model before checking its tensors");
    }

    [Fact]
    public void Trailing_bytes_after_the_vocabulary_are_a_format_error()
    {
        using MemoryStream blob = new();
        s_vocabulary.Write(blob);
        string message = Rejects(Checkpoint(Small, vocabulary: [.. blob.ToArray(), 0]));
        Assert.Contains("the vocabulary section is invalid: 1 bytes follow the vocabulary blob", message);
    }

    /// <summary>A resumable file of <see cref="Small"/> whose training.json says <paramref name="options"/>.</summary>
    private static byte[] Resumable(TrainingOptions options) => Checkpoint(Small, writer =>
    {
        foreach ((string name, int[] shape, Memory<float> values) in new LanguageModel(Small).NamedTensors())
        {
            writer.AddTensor(name, shape, values.Span);
        }
        writer.AddBlob("training.json", ModelJson.WriteTraining(options, new TrainingSnapshot()));
    });

    [Fact]
    public void A_checkpoint_with_an_impossible_batch_size_is_a_format_error_not_an_overflow()
    {
        string message = Rejects(Resumable(new TrainingOptions(BatchSize: int.MaxValue, MaxUpdates: 10)));
        Assert.Contains("batch size 2147483647 is impossibly large", message);
    }

    [Fact]
    public void A_checkpoint_whose_training_state_does_not_match_its_batch_is_refused_before_allocating_it()
    {
        // [L, B, H] = 1 x 1000000 x 8 floats: allowed, but the file has no such tensor.
        Assert.Contains("tensor 'training.hidden' is missing", Rejects(Resumable(new TrainingOptions(BatchSize: 1_000_000, MaxUpdates: 10))));
    }

    [Fact]
    public void Format_errors_of_a_file_start_with_its_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-oversized-{Guid.NewGuid():N}.rnn");
        File.WriteAllBytes(path, Checkpoint(Small with { HiddenSize = 16384 }));
        try
        {
            Assert.StartsWith($"{path}: tensor 'embedding.weight' is missing", Assert.Throws<CheckpointFormatException>(() => ModelFile.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rnn_info_on_a_crafted_checkpoint_prints_one_line_naming_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnn-crafted-{Guid.NewGuid():N}.rnn");
        File.WriteAllBytes(path, Resumable(new TrainingOptions(BatchSize: int.MaxValue, MaxUpdates: 10)));
        try
        {
            StringWriter output = new(), error = new();
            int code = RnnNative.Cli.Program.Run(["info", "--model", path], output, error, interactive: false, CancellationToken.None);
            Assert.Equal(1, code);
            string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"rnn: {path}: training.json's batch size 2147483647 is impossibly large", line);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_small_safetensors_file_declaring_a_large_model_is_refused_before_the_model_is_allocated()
    {
        SafetensorsWriter writer = new();
        foreach ((string key, string value) in new[] { ("cell", "lstm"), ("vocab_size", "8"), ("embedding_dim", "4"), ("hidden_size", "16384"), ("num_layers", "1") })
        {
            writer.SetMetadata(key, value);
        }
        byte[] file = writer.ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = Assert.Throws<CheckpointFormatException>(() => PyTorchExchange.Import(file, s_vocabulary)).Message;
        Assert.Contains("tensor 'embedding.weight' is missing", message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the importer allocated the model before checking its tensors");
    }

    [Fact]
    public void Safetensors_metadata_declaring_layers_too_large_is_a_format_error()
    {
        SafetensorsWriter writer = new();
        foreach ((string key, string value) in new[] { ("cell", "lstm"), ("vocab_size", "8"), ("embedding_dim", "4"), ("hidden_size", "8000"), ("num_layers", "64") })
        {
            writer.SetMetadata(key, value);
        }
        string message = Assert.Throws<CheckpointFormatException>(() => PyTorchExchange.Import(writer.ToArray(), s_vocabulary)).Message;
        Assert.Contains("describes an invalid model", message);
        Assert.Contains("would exceed", message);
    }
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Tests.Support;
using RnnNative.Text;

namespace RnnNative.Tests.Model;

/// <summary>
/// <see cref="SequenceModelFile"/>: every kind round-trips with identical predictions, vocabulary and labels; malformed
/// files give one clear <see cref="CheckpointFormatException"/>; language-model and sequence-model files refuse each
/// other's loader and <see cref="ModelFiles.KindOf(string)"/> tells them apart.
/// </summary>
public class SequenceModelFileTests
{
    private static readonly TokenVocabulary s_characters = TokenVocabulary.Build(["a", "b", "c", "D", "e"], TokenUnit.Characters, lowercase: true);

    private static readonly Dictionary<string, (SequenceModelConfig Config, TokenVocabulary? Inputs, LabelSet? Labels)> s_models = new()
    {
        ["tagger-lstm-bi-embedding"] = (SequenceSamples.Tagger, SequenceSamples.Vocabulary, SequenceSamples.TagNames),
        ["classifier-gru-onehot-mean"] = (new(ModelKind.Classifier, CellType.Gru, 5, 1, 2) { Input = InputEncoding.OneHot, VocabularySize = s_characters.Count, Pooling = SequencePooling.Mean }, s_characters, LabelSet.FromNames(["neg", "pos"])),
        ["classifier-elman-bi-last-relu"] = (new(ModelKind.Classifier, CellType.Elman, 4, 2, 3) { VocabularySize = s_characters.Count, EmbeddingSize = 3, Bidirectional = true, Activation = Activation.Relu }, s_characters, LabelSet.FromNames(["x", "y", "z"])),
        ["regressor-elman-bi-dense-per-step"] = (new(ModelKind.Regressor, CellType.Elman, 4, 1, 2) { Input = InputEncoding.Dense, FeatureSize = 3, Bidirectional = true, PerStep = true, Initialization = RecurrentInitialization.Identity, IdentityScale = 0.5f }, null, null),
        ["regressor-gru-dense-end"] = (SequenceSamples.Regressor, null, null),
    };

    public static TheoryData<string> Models => [.. s_models.Keys];

    private static SequenceModel Create(SequenceModelConfig config, int seed = 9)
    {
        SequenceModel model = new(config);
        model.Initialize((ulong)seed);
        return model;
    }

    /// <summary>A batch of three sequences (lengths 3, 1, 2) with inputs and targets drawn from a fixed seed.</summary>
    internal static SequenceBatch Batch(SequenceModelConfig config)
    {
        Random random = new(4);
        int[] lengths = [3, 1, 2];
        SequenceBatch batch = new(3, lengths.Length, config.Input == InputEncoding.Dense ? config.FeatureSize : 0, config.Target, config.Kind == ModelKind.Regressor ? config.Outputs : 0);
        lengths.CopyTo(batch.Lengths);
        for (int i = 0; i < batch.Tokens.Length; i++) batch.Tokens[i] = random.Next(config.VocabularySize);
        for (int i = 0; i < batch.Features.Length; i++) batch.Features[i] = (float)(random.NextDouble() * 2 - 1);
        return batch;
    }

    internal static float[] Predict(SequenceModel model, SequenceBatch batch)
    {
        float[] outputs = new float[(model.Config.HeadPerTimestep ? batch.Timesteps * batch.Batch : batch.Batch) * model.Config.Outputs];
        model.Predict(batch, outputs);
        return outputs;
    }

    private static byte[] File(string name)
    {
        (SequenceModelConfig config, TokenVocabulary? inputs, LabelSet? labels) = s_models[name];
        return SequenceModelFile.ToBytes(Create(config), inputs, labels);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_saved_model_loads_with_its_config_vocabulary_labels_and_predictions(string name)
    {
        (SequenceModelConfig config, TokenVocabulary? inputs, LabelSet? labels) = s_models[name];
        SequenceModel model = Create(config);
        string path = Path.Combine(Path.GetTempPath(), $"rnn-seqfile-{name}-{Environment.ProcessId}.rnn");
        try
        {
            SequenceModelFile.Save(path, model, inputs, labels);
            LoadedSequenceModel loaded = SequenceModelFile.Load(path);

            Assert.Equal(config, loaded.Model.Config);
            Assert.Equal(inputs?.Serialize(), loaded.Inputs?.Serialize());
            Assert.Equal(labels?.Names, loaded.Labels?.Names);
            Assert.Null(loaded.Options);
            Assert.Null(loaded.Training);
            SequenceBatch batch = Batch(config);
            Assert.Equal(Predict(model, batch), Predict(loaded.Model, batch));
            Assert.Equal(config.Kind, ModelFiles.KindOf(path));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void A_truncated_file_is_refused_in_one_line()
    {
        byte[] file = File("tagger-lstm-bi-embedding");
        CheckpointFormatException e = Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(file.AsSpan(0, file.Length - 9)));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_refused_naming_it()
    {
        byte[] file = Rewrite(File("tagger-lstm-bi-embedding"), (name, shape, values) => name == "decoder.bias" ? ([4], [.. values, 0f]) : (shape, values));
        CheckpointFormatException e = Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(file));
        Assert.Equal("tensor 'decoder.bias' has shape [4] but the model needs [3].", e.Message);
    }

    [Fact]
    public void Missing_or_mismatched_labels_and_vocabularies_are_refused()
    {
        byte[] tagger = File("tagger-lstm-bi-embedding");
        Assert.Equal("a tagger needs the names of its 3 tags: the label set ('labels') is missing.",
            Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(Rewrite(tagger, skip: "labels"))).Message);
        Assert.Equal("model.json says the inputs are Words but the input vocabulary ('inputs') of 7 ids is missing.",
            Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(Rewrite(tagger, skip: "inputs"))).Message);
        byte[] otherLabels = Rewrite(tagger, blob: ("labels", LabelSet.FromNames(["A", "B"]).Serialize()));
        Assert.Contains("has 2 names but a tagger of 3 outputs needs 3", Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(otherLabels)).Message);
        byte[] corrupt = Rewrite(tagger, blob: ("labels", [1, 2, 3]));
        Assert.StartsWith("the 'labels' section is invalid:", Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(corrupt)).Message);

        SequenceModel model = Create(SequenceSamples.Tagger);
        Assert.Throws<ArgumentException>(() => SequenceModelFile.ToBytes(model, SequenceSamples.Vocabulary, null));
        Assert.Throws<ArgumentException>(() => SequenceModelFile.ToBytes(model, s_characters, SequenceSamples.TagNames));
        Assert.Throws<ArgumentException>(() => SequenceModelFile.ToBytes(Create(SequenceSamples.Regressor), null, SequenceSamples.TagNames));
    }

    [Fact]
    public void Each_loader_refuses_the_other_kind_of_file_and_KindOf_tells_them_apart()
    {
        Vocabulary characters = Vocabulary.Build(VocabularyKind.Byte, new MemoryStream("abcd"u8.ToArray()));
        LanguageModel languageModel = new(new LanguageModelConfig(characters.Count, EmbeddingSize: 2, CellType.Lstm, HiddenSize: 3, Layers: 1));
        byte[] lm = ModelFile.ToBytes(languageModel, characters);
        byte[] tagger = File("tagger-lstm-bi-embedding");

        Assert.Equal("the file is a tagger, not a language model: it predicts, evaluates and trains as a task model, not samples text.",
            Assert.Throws<CheckpointFormatException>(() => ModelFile.Load(tagger)).Message);
        Assert.Equal("the file is a language model, not a tagger, classifier or regressor: it samples and evaluates text as a language model.",
            Assert.Throws<CheckpointFormatException>(() => SequenceModelFile.Load(lm)).Message);
        Assert.Equal(ModelKind.LanguageModel, ModelFiles.KindOf(lm));
        Assert.Equal(ModelKind.Tagger, ModelFiles.KindOf(tagger));
        Assert.Equal(ModelKind.Regressor, ModelFiles.KindOf(File("regressor-gru-dense-end")));
        Assert.Throws<CheckpointFormatException>(() => ModelFiles.KindOf(Rewrite(tagger, skip: "model.json")));
    }

    /// <summary>The file's sections copied in order, <paramref name="skip"/> left out, <paramref name="blob"/> replacing the blob of its name, and each tensor passed through <paramref name="tensor"/>.</summary>
    internal static byte[] Rewrite(byte[] file, Func<string, int[], float[], (int[], float[])>? tensor = null, string? skip = null, (string Name, byte[] Bytes)? blob = null)
    {
        CheckpointReader reader = CheckpointReader.Read(file);
        CheckpointWriter writer = new();
        foreach (CheckpointSection section in reader.Sections)
        {
            if (section.Name == skip) continue;
            if (section.Kind == CheckpointSectionKind.Blob)
            {
                writer.AddBlob(section.Name, blob is { } b && b.Name == section.Name ? b.Bytes : reader.GetBlob(section.Name));
                continue;
            }
            float[] values = reader.GetTensor(section.Name, out int[] shape);
            (int[] newShape, float[] newValues) = tensor?.Invoke(section.Name, shape, values) ?? (shape, values);
            writer.AddTensor(section.Name, newShape, newValues);
        }
        return writer.ToArray();
    }
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Reporting;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Model;

/// <summary>Seq2SeqModelFile: a round trip keeps weights, vocabularies and training state; the other loaders refuse the
/// format (and it theirs) with one line; a damaged file is refused with a line that says what is wrong.</summary>
public sealed class Seq2SeqModelFileTests
{
    /// <summary>The addition task's characters: sources of digits and '+', targets of digits.</summary>
    internal static readonly TokenVocabulary Source = TokenVocabulary.BuildWithSpecialTokens([.. "0123456789+".Select(c => c.ToString())], TokenUnit.Characters);
    internal static readonly TokenVocabulary Target = TokenVocabulary.BuildWithSpecialTokens([.. "0123456789".Select(c => c.ToString())], TokenUnit.Characters);

    /// <summary>A bidirectional GRU with a bridge (Hd differs), dropout 0.1: every tensor kind a file holds.</summary>
    internal static Seq2SeqConfig Config => new(CellType.Gru, Source.Count, Target.Count, HiddenSize: 6, Layers: 1)
    {
        EmbeddingSize = 4,
        TargetEmbeddingSize = 3,
        Bidirectional = true,
        DecoderHiddenSize = 5,
        Dropout = 0.1f,
    };

    /// <summary>Four additions as a teacher-forcing batch.</summary>
    internal static Seq2SeqBatch Batch()
    {
        (string Question, string Answer)[] pairs = [("12+7", "19"), ("5+5", "10"), ("103+9", "112"), ("8+41", "49")];
        PairSet set = PairSet.FromTokens([.. pairs.Select(p => Source.Encode(p.Question))], [.. pairs.Select(p => Target.Encode(p.Answer))]);
        return set.CreateBatch([0, 1, 2, 3]);
    }

    /// <summary>A model initialized from seed 21 and trained 3 updates (Adam at 0.02, dropout seed 5) on <see cref="Batch"/>,
    /// with the options and snapshot of that run.</summary>
    internal static (Seq2SeqModel Model, TrainingOptions Options, TrainingSnapshot Training) Trained()
    {
        TrainingOptions options = new(BatchSize: 4, MaxUpdates: 3) { Optimizer = new OptimizerConfig(LearningRate: 0.02f), Seed = 5 };
        Seq2SeqModel model = new(Config);
        model.Initialize(21);
        Optimizer optimizer = new(options.Optimizer, model.Blocks);
        Seq2SeqBatch batch = Batch();
        List<CurvePoint> curve = [];
        for (long update = 0; update < options.MaxUpdates; update++)
        {
            model.ZeroGradients();
            double loss = model.TrainBatch(batch, options.Seed, update) / batch.Positions;
            optimizer.Update(options.Optimizer.LearningRate);
            curve.Add(new CurvePoint(update + 1, loss, 0));
        }
        TrainingSnapshot training = new()
        {
            Update = options.MaxUpdates,
            Seed = options.Seed,
            Epoch = 3,
            OptimizerState = [.. optimizer.State.Select(s => (float[])s.Clone())],
            TrainingCurve = [.. curve],
        };
        return (model, options, training);
    }

    [Fact]
    public void A_resumable_file_loads_back_with_its_weights_vocabularies_and_training_state()
    {
        (Seq2SeqModel model, TrainingOptions options, TrainingSnapshot training) = Trained();
        string path = Path.Combine(Directory.CreateTempSubdirectory("rnn-s2sfile-").FullName, "model.rnn");
        Seq2SeqModelFile.Save(path, model, Source, Target, options, training);
        Assert.Equal(ModelKind.Seq2Seq, ModelFiles.KindOf(path));
        LoadedSeq2SeqModel loaded = Seq2SeqModelFile.Load(path);

        Assert.Equal(model.Config, loaded.Model.Config);
        Assert.Equal(Source.Tokens, loaded.Source.Tokens);
        Assert.Equal(Target.Tokens, loaded.Target.Tokens);
        Assert.Equal(TokenUnit.Characters, loaded.Target.Unit);
        foreach (((string name, _, Memory<float> saved), (string loadedName, _, Memory<float> values)) in model.NamedTensors().Zip(loaded.Model.NamedTensors()))
        {
            Assert.Equal(name, loadedName);
            Assert.Equal(saved.ToArray(), values.ToArray());
        }
        Assert.Equal((options.BatchSize, options.MaxUpdates, options.Seed, options.Optimizer.LearningRate), (loaded.Options!.BatchSize, loaded.Options.MaxUpdates, loaded.Options.Seed, loaded.Options.Optimizer.LearningRate));
        Assert.Equal(3, loaded.Training!.Update);
        Assert.Equal(training.TrainingCurve, loaded.Training.TrainingCurve);
        Assert.Equal(training.OptimizerState.Length, loaded.Training.OptimizerState.Length);
        for (int i = 0; i < training.OptimizerState.Length; i++) Assert.Equal(training.OptimizerState[i], loaded.Training.OptimizerState[i]);
        Seq2SeqBatch batch = Batch();
        Assert.Equal(model.EvaluateBatch(batch), loaded.Model.EvaluateBatch(batch));

        // Without training state: no options, no snapshot; the bytes load as the file does.
        LoadedSeq2SeqModel plain = Seq2SeqModelFile.Load(Seq2SeqModelFile.ToBytes(model, Source, Target));
        Assert.Null(plain.Options);
        Assert.Null(plain.Training);
        Assert.Equal(model.EvaluateBatch(batch), plain.Model.EvaluateBatch(batch));
    }

    [Fact]
    public void The_other_loaders_refuse_a_seq2seq_file_and_it_theirs_in_one_line()
    {
        byte[] seq2seq = Seq2SeqModelFile.ToBytes(Trained().Model, Source, Target);
        foreach (Action load in new Action[] { () => ModelFile.Load(seq2seq), () => SequenceModelFile.Load(seq2seq) })
        {
            CheckpointFormatException e = Assert.Throws<CheckpointFormatException>(load);
            Assert.Contains("sequence-to-sequence model", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        SequenceModel tagger = new(new SequenceModelConfig(ModelKind.Tagger, CellType.Lstm, 4, 1, 3) { VocabularySize = 7, EmbeddingSize = 2 });
        byte[] sequence = SequenceModelFile.ToBytes(tagger, null, LabelSet.FromNames(["A", "B", "C"]));
        Assert.Contains("a tagger, not a sequence-to-sequence model", Assert.Throws<CheckpointFormatException>(() => Seq2SeqModelFile.Load(sequence)).Message);
    }

    [Fact]
    public void A_damaged_or_mismatched_file_is_refused_with_what_is_wrong()
    {
        Seq2SeqModel model = Trained().Model;
        // A vocabulary that does not fit, or lacks the special tokens, is refused when saving.
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => Seq2SeqModelFile.ToBytes(model, Source, Source)).ParamName);
        TokenVocabulary plain = TokenVocabulary.Build([.. "0123456789+xyz".Select(c => c.ToString())], TokenUnit.Characters);
        Assert.Equal(Source.Count, plain.Count);
        Assert.Contains("special tokens", Assert.Throws<ArgumentException>(() => Seq2SeqModelFile.ToBytes(model, plain, Target)).Message);

        // A file whose tensor does not fit its config.
        CheckpointWriter writer = new();
        CheckpointReader good = CheckpointReader.Read(Seq2SeqModelFile.ToBytes(model, Source, Target));
        foreach (string section in new[] { "model.json", "source", "target" }) writer.AddBlob(section, good.GetBlob(section));
        foreach ((string name, int[] shape, Memory<float> values) in model.NamedTensors())
        {
            if (name == "bridge.weight") writer.AddTensor(name, [shape[0] + 1, shape[1]], new float[(shape[0] + 1) * shape[1]]);
            else writer.AddTensor(name, shape, values.Span);
        }
        CheckpointFormatException e = Assert.Throws<CheckpointFormatException>(() => Seq2SeqModelFile.Load(writer.ToArray()));
        Assert.Equal("tensor 'bridge.weight' has shape [6, 12] but the model needs [5, 12].", e.Message);

        // A file without its target vocabulary.
        CheckpointWriter missing = new();
        foreach (string section in new[] { "model.json", "source" }) missing.AddBlob(section, good.GetBlob(section));
        Assert.Contains("no 'target' section", Assert.Throws<CheckpointFormatException>(() => Seq2SeqModelFile.Load(missing.ToArray())).Message);
    }
}

using System.Text;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>What the engine defines once for the CLI, C and Python: vocabulary factory, seed, defaults, cosine length, checkpoint policy.</summary>
public sealed class FrontDoorPolicyTests : IDisposable
{
    private static readonly byte[] s_text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40)));
    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-policy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void One_vocabulary_factory_with_the_same_caps_for_every_door()
    {
        Assert.Same(ByteVocabulary.Instance, Vocabulary.Build(VocabularyKind.Byte, new MemoryStream(s_text), 7));
        Assert.Equal(11, Vocabulary.Build(VocabularyKind.Utf8Char, new MemoryStream(s_text)).Count);   // "the casonm." and space
        Vocabulary capped = Vocabulary.Build(VocabularyKind.Utf8Char, new MemoryStream(s_text), 4);
        Assert.Equal((4, 3), (capped.Count, capped.UnknownId));
        Assert.Equal(7, Vocabulary.Build(VocabularyKind.Word, new MemoryStream(s_text)).Count);       // the cat sat on mat . <unk>
        Assert.Equal(3, Vocabulary.Build(VocabularyKind.Word, new MemoryStream(s_text), 2).Count);
        Assert.Equal("maxSize", Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(VocabularyKind.Word, new MemoryStream(s_text), 1)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build((VocabularyKind)9, new MemoryStream(s_text))).ParamName);
    }

    [Fact]
    public void A_seed_maps_to_weights_once_keeping_31_bit_seeds_and_using_the_high_bits()
    {
        Assert.Equal(12345, LanguageModel.InitializationSeed(12345));
        Assert.Equal(int.MaxValue, LanguageModel.InitializationSeed(int.MaxValue));
        Assert.NotEqual(LanguageModel.InitializationSeed(5), LanguageModel.InitializationSeed((1UL << 32) | 5));
        Assert.NotEqual(LanguageModel.InitializationSeed(5), LanguageModel.InitializationSeed((1UL << 31) | 5));
        LanguageModelConfig config = new(5, 4, CellType.Lstm, 8, 1);
        LanguageModel a = new(config), b = new(config);
        a.Initialize(7UL);
        b.Initialize(new Random(7));
        Assert.Equal(b.Blocks[0].Values, a.Blocks[0].Values);
    }

    [Fact]
    public void Defaults_are_the_engines_t_b_50_and_embedding_min_hidden_64()
    {
        TrainingOptions options = new();
        Assert.Equal((50, 50), (options.SequenceLength, options.BatchSize));
        Assert.Equal(32, new LanguageModelConfig(5, 0, CellType.Lstm, 32, 1).WithDefaults().EmbeddingSize);
        Assert.Equal(64, new LanguageModelConfig(5, 0, CellType.Lstm, 256, 1).WithDefaults().EmbeddingSize);
        Assert.Equal(0, new LanguageModelConfig(5, 0, CellType.Lstm, 32, 1, Input: InputEncoding.OneHot).WithDefaults().EmbeddingSize);
        Assert.Equal(16, new LanguageModelConfig(5, 16, CellType.Lstm, 256, 1).WithDefaults().EmbeddingSize);
        LanguageModelConfig model = LanguageModelConfig.Default(5).WithDefaults();
        Assert.Equal((CellType.Lstm, 128, 2, 64), (model.Cell, model.HiddenSize, model.Layers, model.EmbeddingSize));   // char-rnn's
    }

    [Fact]
    public void The_cosine_runs_over_the_runs_updates_unless_given_a_length()
    {
        LearningRateSchedule cosine = new(ScheduleKind.Cosine);
        Assert.Equal(40, cosine.ForRun(40).TotalUpdates);
        Assert.Equal(LearningRateSchedule.FallbackTotalUpdates, cosine.ForRun(0).TotalUpdates);
        Assert.Equal(7, (cosine with { TotalUpdates = 7 }).ForRun(40).TotalUpdates);

        (Trainer trainer, _) = NewTrainer(new TrainingOptions(SequenceLength: 8, BatchSize: 4, MaxUpdates: 20, EvaluateEvery: 0)
        {
            Optimizer = new OptimizerConfig(LearningRate: 0.01f),
            Schedule = cosine,
        });
        List<double> rates = [];
        trainer.Progress = p => rates.Add(p.LearningRate);
        trainer.Run();
        Assert.Equal(0.005, rates[10], 6);    // update 11 of 20 (0-based step 10) is half-way down
        Assert.True(rates[19] < 1e-4, $"{rates[19]}");
    }

    [Fact]
    public void The_trainer_keeps_the_latest_and_the_best_checkpoint_itself()
    {
        (Trainer trainer, Vocabulary vocabulary) = NewTrainer(new TrainingOptions(SequenceLength: 8, BatchSize: 4, MaxUpdates: 6, EvaluateEvery: 2));
        string path = Path.Combine(_directory, "m.rnn");
        trainer.Checkpoints = new CheckpointFiles(path, vocabulary);
        Assert.Equal(Path.Combine(_directory, "m.best.rnn"), trainer.Checkpoints.BestPath);
        List<long> savedAt = [];
        trainer.Progress = p =>
        {
            if (p.ValidationLoss is not null) savedAt.Add(ModelFile.Load(path).Training!.Update);
        };
        Assert.Equal(TrainingStop.UpdatesDone, trainer.Run(updates: 3));
        Assert.Equal(3, ModelFile.Load(path).Training!.Update);        // a call that spends its budget saves too
        using CancellationTokenSource cancel = new();
        trainer.Progress = p =>
        {
            if (p.ValidationLoss is not null) savedAt.Add(ModelFile.Load(path).Training!.Update);
            if (p.Update == 5) cancel.Cancel();
        };
        Assert.Equal(TrainingStop.Cancelled, trainer.Run(cancel.Token));
        Assert.Equal(5, ModelFile.Load(path).Training!.Update);
        Assert.Equal(TrainingStop.Completed, trainer.Run());
        Assert.Equal(6, ModelFile.Load(path).Training!.Update);
        Assert.Equal([2L, 4L, 6L], savedAt);                          // each validation saw its own checkpoint
        LoadedModel best = ModelFile.Load(trainer.Checkpoints.BestPath);
        Assert.Equal(trainer.BestValidationLoss, best.Training!.BestValidationLoss);

        ArgumentException wrong = Assert.Throws<ArgumentException>(() => trainer.Checkpoints = new CheckpointFiles(path, ByteVocabulary.Instance));
        Assert.StartsWith("the vocabulary has 256 ids but the model 11.", wrong.Message);
    }

    private static (Trainer, Vocabulary) NewTrainer(TrainingOptions options)
    {
        Vocabulary vocabulary = Vocabulary.Build(VocabularyKind.Utf8Char, new MemoryStream(s_text));
        LanguageModel model = new(new LanguageModelConfig(vocabulary.Count, 4, CellType.Lstm, 8, 1));
        model.Initialize(3UL);
        return (new Trainer(model, CorpusSplit.Create(TokenSequence.FromIds(vocabulary.Encode(s_text), vocabulary.Count)), options), vocabulary);
    }
}

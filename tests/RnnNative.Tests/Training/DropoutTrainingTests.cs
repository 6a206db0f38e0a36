using RnnNative.Cells;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Text;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>Training with dropout: the run's seed decides the masks, checkpoints keep it, and a resumed
/// run drops what the unbroken run dropped, so it ends with the same weights.</summary>
public class DropoutTrainingTests
{
    private static readonly byte[] s_corpus = AdditionCorpus.Generate(3000, seed: 5);
    private static readonly Vocabulary s_vocabulary = Utf8CharVocabulary.Build(s_corpus);

    private static CorpusSplit Data() => CorpusSplit.Create(TokenSequence.FromIds(s_vocabulary.Encode(s_corpus), s_vocabulary.Count));

    private static LanguageModel NewModel(float dropout)
    {
        LanguageModel model = new(new LanguageModelConfig(s_vocabulary.Count, 16, CellType.Lstm, 32, 2) { Dropout = dropout });
        model.Initialize(new Random(7));
        return model;
    }

    private static TrainingOptions Options(long steps, ulong seed) => new(SequenceLength: 16, BatchSize: 8, MaxUpdates: steps, EvaluateEvery: 4, ValidationWindows: 2)
    {
        Optimizer = new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-2f),
        Seed = seed,
    };

    private static float[][] Train(float dropout, ulong seed, long steps)
    {
        LanguageModel model = NewModel(dropout);
        new Trainer(model, Data(), Options(steps, seed)).Run();
        return model.Blocks.Select(b => b.Values.ToArray()).ToArray();
    }

    [Fact]
    public void A_run_with_dropout_interrupted_saved_loaded_and_resumed_ends_with_the_same_weights()
    {
        float[][] straight = Train(0.3f, seed: 42, steps: 12);

        LanguageModel first = NewModel(0.3f);
        Trainer interrupted = new(first, Data(), Options(6, seed: 42));
        interrupted.Run();
        LoadedModel loaded = ModelFile.Load(ModelFile.ToBytes(first, s_vocabulary, interrupted.Options, interrupted.Capture()));
        Assert.Equal(42UL, loaded.Options!.Seed);
        Assert.Equal(0.3f, loaded.Model.Config.Dropout);
        Assert.Equal(42UL, loaded.Training!.Seed);
        // A trainer made with another seed (C's and Python's default 0) takes the run's from the snapshot.
        Trainer resumed = new(loaded.Model, Data(), loaded.Options with { MaxUpdates = 12, Seed = 0 });
        resumed.Restore(loaded.Training!);
        resumed.Run();

        for (int b = 0; b < straight.Length; b++)
        {
            Assert.Equal(straight[b], loaded.Model.Blocks[b].Values);
        }
    }

    [Fact]
    public void The_seed_changes_a_run_with_dropout_and_not_one_without()
    {
        float[][] reference = Train(0.3f, seed: 1, steps: 3);
        Assert.Equal(reference, Train(0.3f, seed: 1, steps: 3));
        Assert.NotEqual(reference, Train(0.3f, seed: 2, steps: 3));
        Assert.NotEqual(reference, Train(0f, seed: 1, steps: 3));
        Assert.Equal(Train(0f, seed: 1, steps: 3), Train(0f, seed: 2, steps: 3));
    }

    [Fact]
    public void A_checkpoint_written_before_the_seed_reads_seed_zero()
    {
        LoadedModel old = ModelFile.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "resumable-0.1.rnn"));
        Assert.NotNull(old.Options);
        Assert.Equal(0UL, old.Options.Seed);
    }
}

using RnnNative.Cells;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// The encoder-decoder trained through the shared <see cref="TrainingLoop"/> by <see cref="Seq2SeqTask"/> on addition pairs:
/// the loss falls, validation is the mean per predicted token, a run stopped and resumed ends bit for bit as the unbroken
/// run, and sets that do not fit the model, or other data on resume, are refused.
/// </summary>
public class Seq2SeqTaskTests
{
    private static readonly TrainingOptions s_options = new(BatchSize: 16, MaxUpdates: 40, EvaluateEvery: 10)
    {
        Optimizer = new OptimizerConfig(LearningRate: 0.01f),
        Seed = 5,
    };

    /// <summary>Addition pairs of up to 2 digits (reversed questions), the training pairs' vocabularies and the held-out pairs' encoding.</summary>
    private static readonly Lazy<(PairSet Train, PairSet Validation, TokenVocabulary Source, TokenVocabulary Target)> s_addition = new(() =>
    {
        AdditionPairs data = AdditionPairs.Generate(training: 160, heldOut: 40, digits: 2, seed: 3);
        PairFile train = PairFile.FromPairs(data.Training), heldOut = PairFile.FromPairs(data.HeldOut, "held-out");
        (TokenVocabulary source, TokenVocabulary target) = PairDataset.Fit(train, TokenUnit.Characters);
        return (PairDataset.Encode(train, source, target), PairDataset.Encode(heldOut, source, target), source, target);
    });

    private static Seq2SeqModel NewModel(float dropout = 0)
    {
        (_, _, TokenVocabulary source, TokenVocabulary target) = s_addition.Value;
        Seq2SeqModel model = new(new Seq2SeqConfig(CellType.Gru, source.Count, target.Count, HiddenSize: 24, Layers: 1) { EmbeddingSize = 8, Dropout = dropout });
        model.Initialize(7);
        return model;
    }

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void A_small_encoder_decoder_lowers_its_loss_on_addition_pairs()
    {
        (PairSet train, PairSet validation, _, _) = s_addition.Value;
        Seq2SeqTask task = new(NewModel(), train, validation, s_options);
        double before = task.Validate(0);
        TrainingLoop loop = new(task, s_options);

        Assert.Equal(TrainingStop.Completed, loop.Run());

        Assert.Equal(40, loop.Curve.Training.Count);
        Assert.Equal([10L, 20, 30, 40], loop.Curve.Validation.Select(p => p.Update));
        Assert.True(loop.Curve.Validation[^1].Loss < 0.7 * before, $"validation {before} -> {loop.Curve.Validation[^1].Loss}");
        double first = Mean(loop.Curve.Training.Take(8).Select(p => p.Loss)), last = Mean(loop.Curve.Training.TakeLast(8).Select(p => p.Loss));
        Assert.True(last < 0.8 * first, $"training {first} -> {last}");   // measured: 2.34 -> 1.67
    }

    [Fact]
    public void Validation_is_the_loss_summed_over_batches_divided_by_the_predicted_tokens()
    {
        (PairSet train, PairSet validation, _, _) = s_addition.Value;
        Seq2SeqModel model = NewModel();
        Seq2SeqTask task = new(model, train, validation, s_options);
        double loss = 0, terms = 0;
        foreach (int[] examples in new[] { Enumerable.Range(0, 16).ToArray(), Enumerable.Range(16, 16).ToArray() })
        {
            Seq2SeqBatch batch = validation.CreateBatch(examples);
            loss += model.EvaluateBatch(batch);
            terms += batch.Positions;
        }

        Assert.Equal(loss / terms, task.Validate(2), 12);
        Assert.NotEqual(task.Validate(2), task.Validate(0));
        Assert.True(task.CanValidate);
        Assert.False(new Seq2SeqTask(model, train, null, s_options).CanValidate);
    }

    [Fact]
    public void A_batch_walk_gives_every_pair_once_per_epoch_and_counts_its_predicted_tokens()
    {
        (PairSet train, _, _, _) = s_addition.Value;
        Seq2SeqTask task = new(NewModel(), train, null, s_options);
        long items = 0;
        int batches = 0;
        while (task.NextBatch())
        {
            items += task.ItemsPerBatch;
            batches++;
        }

        Assert.Equal(10, task.BatchesPerEpoch);
        Assert.Equal((10, train.TargetTokens.Length + train.Count), (batches, items));
        Assert.Equal((1L, 0L), (task.Epoch, task.Batch));
        Assert.True(double.IsNaN(task.Validate(0)));
    }

    [Fact]
    public void A_run_stopped_mid_epoch_and_resumed_from_its_snapshot_ends_bit_for_bit_as_the_unbroken_run()
    {
        (PairSet train, PairSet validation, _, _) = s_addition.Value;
        TrainingOptions options = s_options with { MaxUpdates = 16, EvaluateEvery = 5 };
        Seq2SeqModel unbrokenModel = NewModel(dropout: 0.1f);
        TrainingLoop unbroken = new(new Seq2SeqTask(unbrokenModel, train, validation, options), options);
        unbroken.Run();

        Seq2SeqModel firstModel = NewModel(dropout: 0.1f);
        TrainingLoop first = new(new Seq2SeqTask(firstModel, train, validation, options), options);
        Assert.Equal(TrainingStop.UpdatesDone, first.Run(updates: 13));   // stops mid-epoch (10 batches per epoch)
        TrainingSnapshot snapshot = first.Capture();

        Seq2SeqModel resumedModel = NewModel(dropout: 0.1f);
        foreach ((ParameterBlock from, ParameterBlock to) in firstModel.Blocks.Zip(resumedModel.Blocks)) from.Values.CopyTo(to.Values, 0);
        TrainingLoop resumed = new(new Seq2SeqTask(resumedModel, train, validation, options), options);
        resumed.Restore(snapshot);
        resumed.Run();

        Assert.Equal(Weights(unbrokenModel), Weights(resumedModel));
        Assert.Equal(unbroken.Curve.Training.Select(p => (p.Update, p.Loss)), resumed.Curve.Training.Select(p => (p.Update, p.Loss)));
        Assert.Equal(unbroken.Curve.Validation.Select(p => (p.Update, p.Loss)), resumed.Curve.Validation.Select(p => (p.Update, p.Loss)));
        Assert.Equal(unbroken.Optimizer.State, resumed.Optimizer.State);
    }

    [Fact]
    public void A_resume_on_other_pairs_is_refused_naming_the_difference()
    {
        (PairSet train, PairSet validation, _, _) = s_addition.Value;
        TrainingLoop loop = new(new Seq2SeqTask(NewModel(), train, validation, s_options), s_options);
        loop.Run(updates: 3);
        TrainingSnapshot snapshot = loop.Capture();
        int[] targets = [.. train.TargetTokens];
        targets[5] = targets[5] == 4 ? 5 : 4;
        PairSet changed = PairSet.FromTokens(train.SourceTokens, Lengths(train.SourceOffsets), targets, Lengths(train.TargetOffsets));

        OtherDataException refused = Assert.Throws<OtherDataException>(() => Resume(changed, validation, snapshot));
        Assert.Contains("as many sequences and timesteps as the run's data but not the same ones", refused.Message);
        Assert.Contains("it has 199 sequences where the run's data had 200", Assert.Throws<OtherDataException>(() => Resume(train.Subset([.. Enumerable.Range(1, 159)]), validation, snapshot)).Message);

        Resume(train, validation, snapshot);   // the same data resumes
    }

    [Fact]
    public void Sets_with_ids_outside_the_model_vocabularies_are_refused()
    {
        Seq2SeqModel model = NewModel();
        int vs = model.Config.SourceVocabularySize, vt = model.Config.TargetVocabularySize;

        Assert.Contains($"source token id {vs}", Assert.Throws<ArgumentException>(() => new Seq2SeqTask(model, PairSet.FromTokens([[vs]], [[4]]), null, s_options)).Message);
        Assert.Contains($"target token id {vt}", Assert.Throws<ArgumentException>(() => new Seq2SeqTask(model, s_addition.Value.Train, PairSet.FromTokens([[4]], [[vt]]), s_options)).Message);
    }

    private static void Resume(PairSet train, PairSet validation, TrainingSnapshot snapshot)
    {
        TrainingLoop loop = new(new Seq2SeqTask(NewModel(), train, validation, s_options), s_options);
        loop.Restore(snapshot);
    }

    private static int[] Lengths(int[] offsets) => [.. offsets.Zip(offsets.Skip(1), (start, end) => end - start)];

    private static float[] Weights(Seq2SeqModel model) => [.. model.Blocks.SelectMany(block => block.Values)];
}

using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tests.Support;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>
/// Whole-sequence models trained through the shared <see cref="TrainingLoop"/> by <see cref="SequenceTask"/>: the loss
/// goes down on toy sets, a run saved in a resumable <see cref="SequenceModelFile"/> and resumed ends bit for bit as the
/// unbroken run, and a resume on other data is refused.
/// </summary>
public class SequenceTaskTests
{
    private static readonly TrainingOptions s_options = new(BatchSize: 4, MaxUpdates: 40, EvaluateEvery: 10)
    {
        Optimizer = new OptimizerConfig(LearningRate: 0.02f),
        Seed = 5,
    };

    private static SequenceModel NewModel(SequenceModelConfig config)
    {
        SequenceModel model = new(config);
        model.Initialize(7);
        return model;
    }

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void A_bidirectional_lstm_tagger_learns_the_toy_tags()
    {
        SequenceTask task = new(NewModel(SequenceSamples.Tagger), SequenceSamples.Tagged(32, 1), SequenceSamples.Tagged(8, 2), s_options);
        double before = task.Validate(0);
        TrainingLoop loop = new(task, s_options);

        Assert.Equal(TrainingStop.Completed, loop.Run());

        Assert.Equal(40, loop.Curve.Training.Count);
        Assert.Equal([10L, 20, 30, 40], loop.Curve.Validation.Select(p => p.Update));
        Assert.True(loop.Curve.Validation[^1].Loss < 0.6 * before, $"validation {before} -> {loop.Curve.Validation[^1].Loss}");
        Assert.True(Mean(loop.Curve.Training.TakeLast(8).Select(p => p.Loss)) < 0.7 * Mean(loop.Curve.Training.Take(8).Select(p => p.Loss)));
    }

    [Fact]
    public void A_dense_regressor_learns_the_mean_of_a_feature()
    {
        SequenceTask task = new(NewModel(SequenceSamples.Regressor), SequenceSamples.Numeric(32, 3), SequenceSamples.Numeric(8, 4), s_options);
        double before = task.Validate(0);
        TrainingLoop loop = new(task, s_options);

        loop.Run();

        Assert.Equal(4, loop.Curve.Validation.Count);
        Assert.True(loop.Curve.Validation[^1].Loss < 0.5 * before, $"validation {before} -> {loop.Curve.Validation[^1].Loss}");
    }

    [Fact]
    public void Validation_is_the_loss_summed_over_batches_divided_by_their_loss_terms()
    {
        SequenceModel model = NewModel(SequenceSamples.Tagger);
        SequenceSet validation = SequenceSamples.Tagged(9, 2);
        SequenceTask task = new(model, SequenceSamples.Tagged(8, 1), validation, s_options);
        double loss = 0, terms = 0;
        foreach (int[] examples in new[] { new[] { 0, 1, 2, 3 }, [4, 5, 6, 7] })
        {
            SequenceBatch batch = validation.CreateBatch(examples);
            loss += model.EvaluateBatch(batch);
            terms += model.LossTerms(batch);
        }

        Assert.Equal(loss / terms, task.Validate(2), 12);
        Assert.NotEqual(task.Validate(2), task.Validate(0));
    }

    [Fact]
    public void A_batch_walk_gives_every_sequence_once_per_epoch_and_counts_its_timesteps()
    {
        SequenceSet train = SequenceSamples.Tagged(10, 1);
        SequenceTask task = new(NewModel(SequenceSamples.Tagger), train, null, s_options);
        long items = 0;
        int batches = 0;
        while (task.NextBatch())
        {
            items += task.ItemsPerBatch;
            batches++;
        }

        Assert.Equal(3, task.BatchesPerEpoch);
        Assert.Equal((3, train.Positions), (batches, items));
        Assert.Equal((1L, 0L), (task.Epoch, task.Batch));
        Assert.False(task.CanValidate);
        Assert.True(double.IsNaN(task.Validate(0)));
    }

    [Fact]
    public void A_run_saved_at_update_k_and_resumed_from_its_file_ends_bit_for_bit_as_the_unbroken_run()
    {
        SequenceSet train = SequenceSamples.Tagged(20, 1), validation = SequenceSamples.Tagged(6, 2);
        TrainingOptions options = s_options with { MaxUpdates = 14, EvaluateEvery = 4 };
        SequenceModel unbrokenModel = NewModel(SequenceSamples.Tagger);
        TrainingLoop unbroken = new(new SequenceTask(unbrokenModel, train, validation, options), options);
        unbroken.Run();

        SequenceModel firstModel = NewModel(SequenceSamples.Tagger);
        TrainingLoop first = new(new SequenceTask(firstModel, train, validation, options), options);
        Assert.Equal(TrainingStop.UpdatesDone, first.Run(updates: 7));   // stops mid-epoch (5 batches per epoch)
        byte[] file = SequenceModelFile.ToBytes(firstModel, SequenceSamples.Vocabulary, SequenceSamples.TagNames, first.Options, first.Capture());

        LoadedSequenceModel loaded = SequenceModelFile.Load(file);
        TrainingLoop resumed = new(new SequenceTask(loaded.Model, train, validation, loaded.Options!), loaded.Options!);
        resumed.Restore(loaded.Training!);
        resumed.Run();

        Assert.Equal(Weights(unbrokenModel), Weights(loaded.Model));
        Assert.Equal(unbroken.Curve.Training.Select(p => (p.Update, p.Loss)), resumed.Curve.Training.Select(p => (p.Update, p.Loss)));
        Assert.Equal(unbroken.Curve.Validation.Select(p => (p.Update, p.Loss)), resumed.Curve.Validation.Select(p => (p.Update, p.Loss)));
        Assert.Equal(unbroken.Optimizer.State, resumed.Optimizer.State);
    }

    [Fact]
    public void A_resume_on_other_sequences_is_refused_naming_the_difference()
    {
        SequenceSet train = SequenceSamples.Tagged(20, 1), validation = SequenceSamples.Tagged(6, 2);
        TrainingLoop loop = new(new SequenceTask(NewModel(SequenceSamples.Tagger), train, validation, s_options), s_options);
        loop.Run(updates: 3);
        TrainingSnapshot snapshot = loop.Capture();

        int[] tags = [.. train.Classes];
        tags[5] = (tags[5] + 1) % SequenceSamples.Tags;
        SequenceSet retagged = SequenceSet.FromTokens(train.Tokens, Lengths(train), TargetKind.StepClasses, tags, []);
        OtherDataException changed = Assert.Throws<OtherDataException>(() => Resume(retagged, validation, snapshot));
        Assert.Contains("as many sequences and timesteps as the run's data but not the same ones", changed.Message);

        OtherDataException fewer = Assert.Throws<OtherDataException>(() => Resume(SequenceSamples.Tagged(19, 1), validation, snapshot));
        Assert.Contains("it has 25 sequences where the run's data had 26", fewer.Message);

        Resume(train, validation, snapshot);   // the same data resumes
    }

    [Fact]
    public void The_data_record_counts_sequences_and_timesteps_and_checks_inputs_and_targets()
    {
        SequenceSet train = SequenceSamples.Numeric(5, 3), validation = SequenceSamples.Numeric(2, 4);
        TrainingData record = TrainingData.Of(train, validation, DataOrigin.Host);
        float[] values = [.. train.Values];
        values[4] += 1e-3f;
        float[] features = [.. train.Features];
        features[0] = -features[0];

        Assert.Equal((5L, 2L, (long)train.Positions, (long)validation.Positions), (record.TrainSequences, record.ValidationSequences, record.TrainTokens, record.ValidationTokens));
        Assert.Null(record.DifferenceTo(TrainingData.Of(SequenceSamples.Numeric(5, 3), SequenceSamples.Numeric(2, 4), DataOrigin.Host)));
        Assert.NotNull(record.DifferenceTo(TrainingData.Of(SequenceSet.FromFeatures(train.Features, 2, Lengths(train), train.Target, [], values, 1), validation, DataOrigin.Host)));
        Assert.NotNull(record.DifferenceTo(TrainingData.Of(SequenceSet.FromFeatures(features, 2, Lengths(train), train.Target, [], train.Values, 1), validation, DataOrigin.Host)));
        Assert.Contains("holds out 1 sequences", record.DifferenceTo(TrainingData.Of(SequenceSamples.Numeric(6, 3), SequenceSamples.Numeric(1, 4), DataOrigin.Host)));
    }

    [Fact]
    public void An_untagged_validation_file_is_not_scored_and_an_untagged_training_file_is_refused()
    {
        SequenceSet tagged = SequenceSamples.Tagged(6, 2);
        int[] none = [.. Enumerable.Repeat(KernelSet.IgnoreTarget, tagged.Positions)];
        SequenceSet untagged = SequenceSet.FromTokens(tagged.Tokens, Lengths(tagged), TargetKind.StepClasses, none, []);
        SequenceModel model = NewModel(SequenceSamples.Tagger);

        SequenceTask task = new(model, SequenceSamples.Tagged(8, 1), untagged, s_options);
        Assert.False(task.CanValidate);
        Assert.True(double.IsNaN(task.Validate(0)));

        ArgumentException refused = Assert.Throws<ArgumentException>(() => new SequenceTask(model, untagged, null, s_options));
        Assert.Contains("no tags", refused.Message);
        int[] some = [.. tagged.Classes];
        some[3] = KernelSet.IgnoreTarget;
        SequenceSet partly = SequenceSet.FromTokens(tagged.Tokens, Lengths(tagged), TargetKind.StepClasses, some, []);
        Assert.Contains("1 of the set's", Assert.Throws<ArgumentException>(() => new SequenceTask(model, SequenceSamples.Tagged(8, 1), partly, s_options)).Message);
    }

    [Fact]
    public void Sets_that_do_not_fit_the_model_are_refused()
    {
        SequenceModel tagger = NewModel(SequenceSamples.Tagger);
        Assert.Contains("StepClasses", Assert.Throws<ArgumentException>(() => new SequenceTask(tagger, SequenceSamples.Numeric(4, 1), null, s_options)).Message);
        SequenceModel regressor = NewModel(SequenceSamples.Regressor);
        Assert.Contains("SequenceValues", Assert.Throws<ArgumentException>(() => new SequenceTask(regressor, SequenceSamples.Tagged(4, 1), null, s_options)).Message);
        SequenceSet oneFeature = SequenceSet.FromFeatures([1, 2, 3], 1, [2, 1], TargetKind.SequenceValues, [], [0.5f, 1], 1);
        Assert.Contains("2 features per timestep; the set has 1", Assert.Throws<ArgumentException>(() => new SequenceTask(regressor, oneFeature, null, s_options)).Message);
    }

    private static void Resume(SequenceSet train, SequenceSet validation, TrainingSnapshot snapshot)
    {
        TrainingLoop loop = new(new SequenceTask(NewModel(SequenceSamples.Tagger), train, validation, s_options), s_options);
        loop.Restore(snapshot);
    }

    private static int[] Lengths(SequenceSet set) => [.. Enumerable.Range(0, set.Count).Select(set.Length)];

    private static float[] Weights(SequenceModel model) => [.. model.Blocks.SelectMany(block => block.Values)];
}

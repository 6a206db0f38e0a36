using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;

namespace RnnNative.Tests.Datasets;

public class SequenceSetTests
{
    // Three tagged token sequences: [1 2 3], [4], [5 6] with tags [0 1 0], [2], [1 1].
    private static SequenceSet Tagged() =>
        SequenceSet.FromTokens([1, 2, 3, 4, 5, 6], [3, 1, 2], TargetKind.StepClasses, [0, 1, 0, 2, 1, 1], []);

    [Fact]
    public void Fill_writes_a_time_major_batch_with_padding_that_gives_no_target()
    {
        SequenceSet set = Tagged();
        SequenceBatch batch = new(3, 2, 0, TargetKind.StepClasses, 0);

        set.Fill(batch, [2, 0]);

        int ignore = KernelSet.IgnoreTarget;
        // rows t*B + b: b = 0 is example 2 ([5 6], padded), b = 1 is example 0 ([1 2 3])
        Assert.Equal([5, 1, 6, 2, 0, 3], batch.Tokens);
        Assert.Equal([1, 0, 1, 1, ignore, 0], batch.StepTargets);
        Assert.Equal([2, 3], batch.Lengths);
        Assert.Equal([2, 0], batch.Examples);
        Assert.Equal(5, batch.Positions);
    }

    [Fact]
    public void Refilling_a_batch_clears_what_the_previous_fill_wrote()
    {
        SequenceSet set = SequenceSet.FromFeatures([1, 2, 3, 4, 5, 6], 2, [2, 1], TargetKind.StepValues, [], [10, 20, 30], 1);
        SequenceBatch batch = new(2, 1, 2, TargetKind.StepValues, 1);

        set.Fill(batch, [0]);
        set.Fill(batch, [1]);

        Assert.Equal([5f, 6, 0, 0], batch.Features);
        Assert.Equal([30f, 0], batch.Values);
        Assert.Equal([1], batch.Lengths);
    }

    [Fact]
    public void Sequence_targets_go_to_their_column()
    {
        SequenceSet classes = SequenceSet.FromTokens([1, 2, 3], [2, 1], TargetKind.SequenceClass, [4, 7], []);
        SequenceSet values = SequenceSet.FromTokens([1, 2, 3], [2, 1], TargetKind.SequenceValues, [], [1, 2, 3, 4], 2);

        SequenceBatch classBatch = classes.CreateBatch([1, 0]);
        SequenceBatch valueBatch = values.CreateBatch([1, 0]);

        Assert.Equal(2, classBatch.Timesteps);
        Assert.Equal([7, 4], classBatch.Targets);
        Assert.Equal([3, 1, 0, 2], classBatch.Tokens);
        Assert.Equal([3f, 4, 1, 2], valueBatch.Values);
    }

    [Fact]
    public void A_batch_that_does_not_fit_is_refused()
    {
        SequenceSet set = Tagged();

        Assert.Throws<ArgumentException>(() => set.Fill(new SequenceBatch(2, 1, 0, TargetKind.StepClasses, 0), [0]));   // 3 timesteps > T = 2
        Assert.Throws<ArgumentException>(() => set.Fill(new SequenceBatch(3, 2, 0, TargetKind.StepClasses, 0), [0]));   // B = 2 for 1 example
        Assert.Throws<ArgumentException>(() => set.Fill(new SequenceBatch(3, 1, 0, TargetKind.SequenceClass, 0), [0]));
    }

    [Fact]
    public void Inconsistent_arrays_are_refused_at_construction()
    {
        Assert.Throws<ArgumentException>(() => SequenceSet.FromTokens([1, 2], [3], TargetKind.SequenceClass, [0], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceSet.FromTokens([1], [1, 0], TargetKind.SequenceClass, [0, 0], []));
        Assert.Throws<ArgumentException>(() => SequenceSet.FromTokens([1, 2], [2], TargetKind.StepClasses, [0], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceSet.FromTokens([1], [1], TargetKind.SequenceClass, [-1], []));
        Assert.Throws<ArgumentException>(() => SequenceSet.FromFeatures([1, 2], 2, [1], TargetKind.SequenceValues, [], [1], 0));
    }

    [Fact]
    public void Split_is_deterministic_by_seed_keeps_order_and_loses_nothing()
    {
        int n = 50;
        SequenceSet set = SequenceSet.FromTokens([.. Enumerable.Range(0, n)], [.. Enumerable.Repeat(1, n)], TargetKind.SequenceClass, [.. Enumerable.Range(0, n)], []);

        (SequenceSet train, SequenceSet validation) = set.Split(0.2, seed: 7);
        (SequenceSet trainAgain, SequenceSet validationAgain) = set.Split(0.2, seed: 7);
        (_, SequenceSet otherSeed) = set.Split(0.2, seed: 8);

        Assert.Equal(10, validation.Count);
        Assert.Equal(validation.Classes, validationAgain.Classes);
        Assert.Equal(train.Classes, trainAgain.Classes);
        Assert.NotEqual(validation.Classes, otherSeed.Classes);
        Assert.Equal(Enumerable.Range(0, n), train.Classes.Concat(validation.Classes).Order());
        Assert.Equal(validation.Classes.Order(), validation.Classes);
        Assert.Equal(validation.Classes, validation.Tokens);   // inputs travel with their targets
    }

    [Fact]
    public void Subset_copies_step_targets_and_features_of_the_chosen_sequences()
    {
        SequenceSet set = SequenceSet.FromFeatures([1, 2, 3, 4, 5, 6], 1, [3, 1, 2], TargetKind.StepValues, [], [10, 20, 30, 40, 50, 60], 1);

        SequenceSet subset = set.Subset([2, 0]);

        Assert.Equal([0, 2, 5], subset.Offsets);
        Assert.Equal([5f, 6, 1, 2, 3], subset.Features);
        Assert.Equal([50f, 60, 10, 20, 30], subset.Values);
        Assert.Equal(3, subset.MaxLength);
    }
}

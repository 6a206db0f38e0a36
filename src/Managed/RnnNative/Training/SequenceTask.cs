using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// A whole-sequence model (<see cref="SequenceModel"/>: tagger, classifier, regressor) as a <see cref="ITrainingTask"/>:
/// padded batches of <see cref="TrainingOptions.BatchSize"/> sequences of the training set, bucketed by length
/// (<see cref="BatchOrder.Bucketed"/>), each batch's loss the mean over its <see cref="SequenceModel.LossTerms"/>;
/// validation over the held-out set in its own order. Batches are independent: nothing is carried
/// (<see cref="CarriedState.None"/>). A batch's items are its timesteps (Σ lengths).
/// <para>The order of the batches comes from <see cref="TrainingOptions.Seed"/>, the run's seed, which a resumable
/// file stores (training.json "seed") and a resumed run's options carry again: with the saved (epoch, batch) the
/// resumed walk gives exactly the batches of the unbroken run. A separate data seed would have to be stored too.</para>
/// <para>Targets: a tagger's sets carry a tag at every timestep. A validation set read from an untagged file has
/// <see cref="KernelSet.IgnoreTarget"/> everywhere and nothing to score: <see cref="WholeSequenceTask{TBatch}.CanValidate"/> is false and
/// <see cref="WholeSequenceTask{TBatch}.Validate"/> NaN (never 0/0). A training set without tags, and a set tagged only in part, are refused.</para>
/// </summary>
public sealed class SequenceTask : WholeSequenceTask<SequenceBatch>
{
    private readonly SequenceSet _train;
    private readonly SequenceSet? _validation;    // null: none, or nothing to score in it

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/> in batches of <paramref name="options"/>'
    /// <see cref="TrainingOptions.BatchSize"/> ordered by its <see cref="TrainingOptions.Seed"/>, validating on <paramref name="validation"/> when given.</summary>
    /// <param name="order">How training batches are made: bucketed by length (the product's way), or another
    /// <see cref="BatchOrder"/> (a benchmark's batches as a peer makes them).</param>
    /// <exception cref="ArgumentException">A set is empty, does not fit the model (target kind, features per timestep,
    /// values per target) or is a tagger's set without tags where the class summary requires them.</exception>
    public SequenceTask(SequenceModel model, SequenceSet train, SequenceSet? validation, TrainingOptions options, BatchOrder order = BatchOrder.Bucketed)
        : this(model, (Checked(model, train, options), Scored(model, validation)), options, order)
    {
    }

    private SequenceTask(SequenceModel model, (SequenceSet Train, SequenceSet? Validation) sets, TrainingOptions options, BatchOrder order)
        : base(model, new SequenceBatcher(sets.Train, options.BatchSize, order, options.Seed), sets.Validation is null ? null : new SequenceBatcher(sets.Validation, options.BatchSize, BatchOrder.InOrder))
    {
        (_train, _validation) = sets;
    }

    /// <summary>The sequence counts, timesteps and checksum of both sets (<see cref="TrainingData.Of(SequenceSet, SequenceSet?, DataOrigin)"/>); reads them once.</summary>
    public override TrainingData DescribeData(DataOrigin origin) => TrainingData.Of(_train, _validation, origin);

    /// <summary>A batch's timesteps (Σ lengths, padding excluded).</summary>
    private protected override long Items(SequenceBatch batch) => batch.Positions;

    /// <summary><paramref name="train"/>, checked to fit the model and to have targets everywhere.</summary>
    private static SequenceSet Checked(SequenceModel model, SequenceSet train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        CheckFits(model.Config, train, nameof(train));
        if (!HasTargets(train, nameof(train)))
        {
            throw new ArgumentException("the training set has no tags: every timestep of a training sequence needs one.", nameof(train));
        }
        return train;
    }

    /// <summary><paramref name="validation"/> when it has sequences and targets to score (checked to fit the model), else null.</summary>
    private static SequenceSet? Scored(SequenceModel model, SequenceSet? validation)
    {
        if (validation is not { Count: > 0 }) return null;
        CheckFits(model.Config, validation, nameof(validation));
        return HasTargets(validation, nameof(validation)) ? validation : null;
    }

    /// <summary>Throws when <paramref name="set"/> is empty or its target kind, features per timestep or values per target are not the model's.</summary>
    private static void CheckFits(SequenceModelConfig config, SequenceSet set, string paramName)
    {
        if (set.Count == 0)
        {
            throw new ArgumentException("the set has no sequences.", paramName);
        }
        if (set.Target != config.Target)
        {
            throw new ArgumentException($"a {config.Kind} of this config trains on {config.Target} targets; the set has {set.Target}.", paramName);
        }
        int features = config.Input == InputEncoding.Dense ? config.FeatureSize : 0;
        if (set.FeatureSize != features)
        {
            throw new ArgumentException($"the model reads {(features == 0 ? "token ids" : $"{features} features per timestep")}; the set has {(set.FeatureSize == 0 ? "token ids" : $"{set.FeatureSize} features per timestep")}.", paramName);
        }
        if (config.Kind == ModelKind.Regressor && set.ValueSize != config.Outputs)
        {
            throw new ArgumentException($"the model predicts {config.Outputs} values per target; the set has {set.ValueSize}.", paramName);
        }
    }

    /// <summary>True when every timestep of a tagger's set has a tag, false when none has (an untagged file); a set
    /// tagged in part throws. Sets of the other kinds always have targets.</summary>
    private static bool HasTargets(SequenceSet set, string paramName)
    {
        if (set.Target != TargetKind.StepClasses)
        {
            return true;
        }
        int untagged = set.Classes.AsSpan().Count(KernelSet.IgnoreTarget);
        if (untagged > 0 && untagged < set.Classes.Length)
        {
            throw new ArgumentException($"{untagged} of the set's {set.Classes.Length} timesteps have no tag; tag every timestep or none.", paramName);
        }
        return untagged == 0;
    }
}

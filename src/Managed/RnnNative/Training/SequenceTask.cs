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
/// <see cref="KernelSet.IgnoreTarget"/> everywhere and nothing to score: <see cref="CanValidate"/> is false and
/// <see cref="Validate"/> NaN (never 0/0). A training set without tags, and a set tagged only in part, are refused.</para>
/// </summary>
public sealed class SequenceTask : ITrainingTask
{
    private readonly SequenceModel _model;
    private readonly SequenceSet _train;
    private readonly SequenceSet? _validation;    // null: none, or nothing to score in it
    private readonly SequenceBatcher _batcher;
    private readonly SequenceBatcher? _validationBatcher;
    private SequenceBatch? _batch;                // the batch NextBatch prepared

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/> in batches of <paramref name="options"/>'
    /// <see cref="TrainingOptions.BatchSize"/> ordered by its <see cref="TrainingOptions.Seed"/>, validating on <paramref name="validation"/> when given.</summary>
    /// <param name="order">How training batches are made: bucketed by length (the product's way), or another
    /// <see cref="BatchOrder"/> (a benchmark's batches as a peer makes them).</param>
    /// <exception cref="ArgumentException">A set is empty, does not fit the model (target kind, features per timestep,
    /// values per target) or is a tagger's set without tags where the class summary requires them.</exception>
    public SequenceTask(SequenceModel model, SequenceSet train, SequenceSet? validation, TrainingOptions options, BatchOrder order = BatchOrder.Bucketed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        CheckFits(model.Config, train, nameof(train));
        if (!HasTargets(train, nameof(train)))
        {
            throw new ArgumentException("the training set has no tags: every timestep of a training sequence needs one.", nameof(train));
        }
        _model = model;
        _train = train;
        _batcher = new SequenceBatcher(train, options.BatchSize, order, options.Seed);
        if (validation is { Count: > 0 })
        {
            CheckFits(model.Config, validation, nameof(validation));
            if (HasTargets(validation, nameof(validation)))
            {
                _validation = validation;
                _validationBatcher = new SequenceBatcher(validation, options.BatchSize, BatchOrder.InOrder);
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ParameterBlock> Blocks => _model.Blocks;

    /// <inheritdoc/>
    public KernelSet Kernels => _model.Kernels;

    /// <summary>ceil(N/B) batches per pass over the training set.</summary>
    public long BatchesPerEpoch => _batcher.BatchesPerEpoch;

    /// <inheritdoc/>
    public long Epoch => _batcher.Position.Epoch;

    /// <inheritdoc/>
    public long Batch => _batcher.Position.Batch;

    /// <summary>The prepared batch's timesteps (Σ lengths, padding excluded).</summary>
    public long ItemsPerBatch => _batch?.Positions ?? 0;

    /// <summary>True when there is a validation set with targets.</summary>
    public bool CanValidate => _validation is not null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is beyond the batcher's int range or the batch outside 0..<see cref="BatchesPerEpoch"/>.</exception>
    public void Seek(long epoch, long batch)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, BatchesPerEpoch);
        _batcher.Position = new BatchPosition((int)epoch, (int)batch);
        _batch = null;
    }

    /// <inheritdoc/>
    public bool NextBatch()
    {
        bool next = _batcher.Next(out SequenceBatch batch);
        _batch = next ? batch : null;
        return next;
    }

    /// <summary>Nothing to reset: batches carry nothing, and the batcher orders each epoch from (seed, epoch).</summary>
    public void StartEpoch()
    {
    }

    /// <summary>Forward and backward over the prepared batch; the mean loss over its loss terms (at least one: every
    /// sequence has a timestep and, for a tagger, a tag at each).</summary>
    public double TrainBatch(ulong seed, long update)
    {
        SequenceBatch batch = _batch ?? throw new InvalidOperationException("no batch is prepared: call NextBatch first.");
        return _model.TrainBatch(batch, seed, update) / _model.LossTerms(batch);
    }

    /// <summary>Σ loss / Σ loss terms over the validation set's batches in its order (its first <paramref name="batches"/>
    /// when &gt; 0), no gradients and no dropout; NaN when there is no validation set with targets.</summary>
    public double Validate(int batches)
    {
        if (_validationBatcher is null)
        {
            return double.NaN;
        }
        double loss = 0;
        long terms = 0;
        _validationBatcher.Position = default;
        for (int read = 0; (batches <= 0 || read < batches) && _validationBatcher.Next(out SequenceBatch batch); read++)
        {
            loss += _model.EvaluateBatch(batch);
            terms += _model.LossTerms(batch);
        }
        return terms > 0 ? loss / terms : double.NaN;
    }

    /// <summary>The sequence counts, timesteps and checksum of both sets (<see cref="TrainingData.Of(SequenceSet, SequenceSet?, DataOrigin)"/>); reads them once.</summary>
    public TrainingData DescribeData(DataOrigin origin) => TrainingData.Of(_train, _validation, origin);

    /// <summary><see cref="CarriedState.None"/>: batches are independent.</summary>
    public CarriedState CaptureCarriedState() => CarriedState.None;

    /// <summary>Accepts only an empty state (a snapshot of a task that carries nothing).</summary>
    public void CheckCarriedState(CarriedState saved)
    {
        if (saved.Hidden.Length != 0 || saved.Cell.Length != 0)
        {
            throw new ArgumentException("the snapshot carries a hidden state; a whole-sequence task starts every batch from zero, so it is another task's snapshot.", "snapshot");
        }
    }

    /// <summary>Nothing to restore (checked by <see cref="CheckCarriedState"/>).</summary>
    public void RestoreCarriedState(CarriedState saved) => CheckCarriedState(saved);

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

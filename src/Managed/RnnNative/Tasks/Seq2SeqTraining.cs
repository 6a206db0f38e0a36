using RnnNative.Datasets;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tasks;

/// <summary>
/// Trains a <see cref="Seq2SeqTaskModel"/> on pairs with the one training loop (<see cref="TrainingLoop"/> over a
/// <see cref="Seq2SeqTask"/>): teacher-forced batches of <see cref="TrainingOptions.BatchSize"/> pairs bucketed by length,
/// validation (the loss) on held-out pairs, checkpoints written as the model's own files (both vocabularies) with the
/// training state, so <see cref="Resume"/> continues a run exactly. <see cref="TrainingOptions.SequenceLength"/> is not used.
/// </summary>
public sealed class Seq2SeqTraining
{
    /// <summary>
    /// A seq2seq run's options when a front door is given none (its limits still to set): Adam at lr
    /// <see cref="DefaultLearningRate"/> decayed by a half cosine to <see cref="DefaultMinimumRate"/> over the run's updates
    /// (<see cref="LearningRateSchedule.ForRun"/>: its update limit, else 10,000), batches of <see cref="DefaultBatchSize"/> pairs,
    /// global-norm clipping at <see cref="DefaultClipNorm"/>, validation every <see cref="DefaultEvaluateEvery"/> updates. Tuned on
    /// the addition demo (bench/quality/addition.sh): a constant rate plateaus near 98% exact match, the cosine passes 99%.
    /// </summary>
    public static TrainingOptions DefaultOptions { get; } = new(BatchSize: DefaultBatchSize, ClipNorm: DefaultClipNorm, EvaluateEvery: DefaultEvaluateEvery)
    {
        Optimizer = new OptimizerConfig(LearningRate: DefaultLearningRate),
        Schedule = new LearningRateSchedule(ScheduleKind.Cosine, MinimumRate: DefaultMinimumRate),
    };

    /// <summary>Pairs per update when none is given.</summary>
    public const int DefaultBatchSize = 64;

    /// <summary>Adam's learning rate when none is given.</summary>
    public const float DefaultLearningRate = 1e-2f;

    /// <summary>Where the cosine ends when none is given.</summary>
    public const float DefaultMinimumRate = 1e-4f;

    /// <summary>The global gradient-norm limit when none is given.</summary>
    public const float DefaultClipNorm = 1f;

    /// <summary>Updates between validations when none is given.</summary>
    public const int DefaultEvaluateEvery = 500;

    /// <summary>Trains <paramref name="model"/> on <paramref name="training"/>, validating on <paramref name="validation"/>, or,
    /// when it is null, on the share <paramref name="validationFraction"/> of the training pairs held out by
    /// <see cref="TrainingOptions.Seed"/> (0: no validation).</summary>
    /// <exception cref="ArgumentException">The pairs do not fit the model's vocabularies, or an option is out of range.</exception>
    public Seq2SeqTraining(Seq2SeqTaskModel model, Seq2SeqData training, Seq2SeqData? validation, TrainingOptions options, double validationFraction = 0.1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(options);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        }
        Seq2SeqData train = training;
        if (validation is null && (int)(training.Set.Count * validationFraction) > 0)
        {
            (int[] kept, int[] held) = SequenceSet.SplitExamples(training.Set.Count, validationFraction, options.Seed);
            train = training.Subset(kept, training.Source);
            validation = training.Subset(held, $"{training.Source} (held out)");
        }
        Model = model;
        Validation = validation;
        Loop = new TrainingLoop(new Seq2SeqTask(model.Model, train.Set, validation?.Set, options), options);
        TrainingPairs = train.Set.Count;
        ValidationPairs = validation?.Set.Count ?? 0;
        PaddedFraction = new PairBatcher(train.Set, options.BatchSize, BatchOrder.Bucketed, options.Seed).PaddedFraction();
    }

    /// <summary>The model trained.</summary>
    public Seq2SeqTaskModel Model { get; }

    /// <summary>The loop: run it, watch its progress and curve, capture its state.</summary>
    public TrainingLoop Loop { get; }

    /// <summary>The pairs validated on, for the scores at the end (<see cref="Seq2SeqTaskModel.Evaluate"/>): the validation data
    /// given, or the held-out share of the training pairs; null: no validation.</summary>
    public Seq2SeqData? Validation { get; }

    /// <summary>Pairs trained on.</summary>
    public int TrainingPairs { get; }

    /// <summary>Pairs validated on (0: no validation).</summary>
    public int ValidationPairs { get; }

    /// <summary>The share of padding in the training batches (of the first epoch, encoder and decoder timesteps together).</summary>
    public double PaddedFraction { get; }

    /// <summary>Where the loop saves resumable checkpoints by itself: the latest at this path, the best validation next to
    /// it (<see cref="CheckpointSaver.BestPath"/>); null: never.</summary>
    public string? Checkpoints
    {
        get => Loop.Checkpoints?.Path;
        set => Loop.Checkpoints = value is null ? null : new CheckpointSaver(value, Save);
    }

    /// <summary>Saves a resumable checkpoint at <paramref name="path"/>, atomically: the model's file plus the training state.</summary>
    public void SaveCheckpoint(string path) => Save(path, Loop.Capture());

    /// <inheritdoc cref="TaskTraining.Resume"/>
    public void Resume(LoadedSeq2SeqTaskModel checkpoint, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        TaskTraining.Restore(Loop, checkpoint.Training, acceptOtherData, checkpoint.Model.Model.Config, Model.Model.Config,
            checkpoint.Model.Model.NamedTensors(), Model.Model.NamedTensors(), Model.Model.Version);
    }

    private void Save(string path, TrainingSnapshot snapshot) => Model.SaveCheckpoint(path, Loop.Options, snapshot);
}

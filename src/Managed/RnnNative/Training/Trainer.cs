using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Reporting;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// A char-rnn training run of a <see cref="LanguageModel"/>, the API of every front door: the shared
/// <see cref="TrainingLoop"/> (clipping, optimizer and schedule, limits, validation, best checkpoint,
/// divergence guard, exact resume) over the <see cref="LanguageModelTask"/> (windows of T timesteps over
/// B streams with the hidden state carried from window to window, reset at each epoch, and validation
/// over the held-out part), plus the language model's checkpoint files.
/// Everything that decides the next update is in <see cref="Capture"/>, so a run restored from it
/// continues bit for bit as if it had never stopped.
/// </summary>
public sealed class Trainer
{
    private readonly LanguageModelTask _task;
    private readonly TrainingLoop _loop;
    private CheckpointFiles? _checkpoints;

    /// <summary>A run that trains <paramref name="model"/> on <paramref name="data"/>'s training part and validates on its held-out part, with <paramref name="options"/> (validated).
    /// A class-factored model whose word classes are not <see cref="WordClasses.Fitted"/> (a new model) gets the training
    /// part's frequency classes here (<see cref="WordClasses.ByFrequency"/>); a loaded one keeps its own.</summary>
    public Trainer(LanguageModel model, CorpusSplit data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (model.IsInferenceReplica)
        {
            throw new ArgumentException("an inference replica cannot train; train the model it was made from.", nameof(model));
        }
        model.EnsureTrainable();
        options.Validate();
        model.Config.ValidateWindow(options.SequenceLength, options.BatchSize, nameof(options.SequenceLength), nameof(options.BatchSize));
        if (data.Train.VocabularyCount > model.Config.VocabularySize)
        {
            throw new ArgumentException($"the corpus uses {data.Train.VocabularyCount} token ids but the model knows {model.Config.VocabularySize}.", nameof(data));
        }
        // A class-factored model that has seen no data yet (a new one) takes its word classes from the training part.
        if (model.Classes is { Fitted: false })
        {
            model.SetClasses(WordClasses.ByFrequency(data.Train.CountTokens(model.Config.VocabularySize), model.Config.ClassCount));
        }
        Model = model;
        _task = new LanguageModelTask(model, data, options.SequenceLength, options.BatchSize);
        _loop = new TrainingLoop(_task, options);
    }

    /// <summary>The model being trained.</summary>
    public LanguageModel Model { get; }

    /// <summary>The options of the run.</summary>
    public TrainingOptions Options => _loop.Options;

    /// <summary>The optimizer; its <see cref="Training.Optimizer.UpdateCount"/> is the number of updates applied.</summary>
    public Optimizer Optimizer => _loop.Optimizer;

    /// <summary>Training and validation losses so far, for the loss-curve picture.</summary>
    public LossCurve Curve => _loop.Curve;

    /// <summary>Best validation loss so far (nats per token); +∞ before the first validation.</summary>
    public double BestValidationLoss => _loop.BestValidationLoss;

    /// <summary>Where the corpus came from, recorded in checkpoints with <see cref="Data"/> (default: <see cref="DataOrigin.Host"/>).</summary>
    public DataOrigin DataOrigin
    {
        get => _loop.DataOrigin;
        set => _loop.DataOrigin = value;
    }

    /// <summary>The record of the corpus this trainer reads (its first use reads every token once).</summary>
    public TrainingData Data => _loop.Data;

    /// <summary>True when a limit of <see cref="Options"/> is reached: <see cref="Run(CancellationToken)"/> would make no update.
    /// The limits are totals of the run, counted from its first update, so a resumed run may already be finished.</summary>
    public bool Finished => _loop.Finished;

    /// <summary>Windows per pass over the training part.</summary>
    public long WindowsPerEpoch => _task.BatchesPerEpoch;

    /// <summary>Called after every update and after every validation, on the training thread.</summary>
    public Action<TrainingProgress>? Progress
    {
        get => _loop.Progress;
        set => _loop.Progress = value;
    }

    /// <summary>Called when a validation sets a new best loss, before training goes on.</summary>
    public Action<double>? NewBest
    {
        get => _loop.NewBest;
        set => _loop.NewBest = value;
    }

    /// <summary>Where and when this trainer saves checkpoints by itself (see <see cref="CheckpointFiles"/>); null: never.</summary>
    /// <exception cref="ArgumentException">The files' vocabulary does not have the model's V ids (checked now, not at the first save).</exception>
    public CheckpointFiles? Checkpoints
    {
        get => _checkpoints;
        set
        {
            if (value is not null && value.Vocabulary.Count != Model.Config.VocabularySize)
            {
                throw new ArgumentException($"the vocabulary has {value.Vocabulary.Count} ids but the model {Model.Config.VocabularySize}.", "vocab");
            }
            _checkpoints = value;
            _loop.Checkpoints = value is null
                ? null
                : new CheckpointSaver(value.Path, (path, snapshot) => ModelFile.Save(path, Model, value.Vocabulary, Options, snapshot));
        }
    }

    /// <summary>Total training time, this session and earlier ones (validation excluded).</summary>
    public TimeSpan Elapsed => _loop.Elapsed;

    /// <summary>Trains until a limit of <see cref="Options"/> or until <paramref name="cancellation"/> fires.
    /// Validation and the callbacks do not count against <see cref="TrainingOptions.MaxSeconds"/>.</summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm became NaN or infinite; the weights are those of the last good update.</exception>
    public TrainingStop Run(CancellationToken cancellation = default) => _loop.Run(cancellation);

    /// <summary>As <see cref="Run(CancellationToken)"/>, but makes at most <paramref name="updates"/> more
    /// updates (0: no such budget), so a host can train update by update. When the budget runs out before a
    /// limit of <see cref="Options"/> it returns <see cref="TrainingStop.UpdatesDone"/> without the final
    /// validation; periodic validation (<see cref="TrainingOptions.EvaluateEvery"/>) still happens.</summary>
    /// <exception cref="TrainingDivergedException">As <see cref="Run(CancellationToken)"/>.</exception>
    public TrainingStop Run(long updates, CancellationToken cancellation = default) => _loop.Run(updates, cancellation);

    /// <summary>Mean loss in nats per token over the held-out part (or its first <paramref name="windows"/>
    /// windows), predicting each token once; NaN when there is nothing to predict.</summary>
    public double Validate(int windows = 0) => _task.Validate(windows);

    /// <summary>Everything needed to resume: optimizer state, data position, hidden state, dropout seed, clocks and curve.</summary>
    public TrainingSnapshot Capture() => _loop.Capture();

    /// <summary>Continues from <paramref name="snapshot"/> (the model's weights are restored separately), with its
    /// dropout seed in place of <see cref="TrainingOptions.Seed"/>, so the run drops what it would have unbroken.
    /// A snapshot that records other data than this trainer's (<see cref="TrainingSnapshot.Data"/>) is refused
    /// unless <paramref name="acceptOtherData"/>; then, as when the saved data position does not fit this
    /// corpus, weights, optimizer state, update count and curves carry over and the data walk starts a new
    /// epoch from its first window with a zero state.</summary>
    /// <exception cref="ArgumentException">The snapshot does not fit this model, optimizer or batch size; nothing changes then.</exception>
    /// <exception cref="OtherDataException">The snapshot records other data (and <paramref name="acceptOtherData"/> is false); nothing changes then.</exception>
    public void Restore(TrainingSnapshot snapshot, bool acceptOtherData = false) => _loop.Restore(snapshot, acceptOtherData);

    /// <summary>
    /// Saves a resumable checkpoint, atomically: a model file (weights and <paramref name="vocabulary"/>)
    /// that also holds the training options and <see cref="Capture"/>, as the CLI's checkpoints do.
    /// <see cref="ModelFile.Load(string, Kernels.KernelSet?)"/> reads it as any model file.
    /// </summary>
    public void SaveCheckpoint(string path, Text.Vocabulary vocabulary) =>
        ModelFile.Save(path, Model, vocabulary, Options, Capture());

    /// <summary>
    /// Continues the run saved in <paramref name="checkpoint"/> (from <see cref="SaveCheckpoint"/>):
    /// copies its weights into <see cref="Model"/> and restores its optimizer state, data position,
    /// hidden state, clocks and curve, so training goes on as if it had never stopped (given the
    /// same corpus and batch size). Throws <see cref="IO.CheckpointFormatException"/> when the file
    /// has no training state, <see cref="NotSupportedException"/> for an int8 file (<see cref="LanguageModel.Int8Source"/>),
    /// and <see cref="ArgumentException"/> when its model or optimizer
    /// differs from this trainer's, or its recorded data from this trainer's corpus (unless
    /// <paramref name="acceptOtherData"/>, see <see cref="Restore"/>); nothing changes then.
    /// </summary>
    public void Resume(LoadedModel checkpoint, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        checkpoint.Model.EnsureTrainable();
        if (checkpoint.Training is null)
        {
            throw new IO.CheckpointFormatException("the model file holds no training state (save it with a trainer's checkpoint).");
        }
        if (checkpoint.Model.Config != Model.Config)
        {
            throw new ArgumentException($"the checkpoint's model ({checkpoint.Model.Config}) differs from the trainer's ({Model.Config}).", nameof(checkpoint));
        }
        Restore(checkpoint.Training, acceptOtherData);
        using IEnumerator<(string Name, int[] Shape, Memory<float> Values)> target = Model.NamedTensors().GetEnumerator();
        foreach ((string _, int[] _, Memory<float> values) in checkpoint.Model.NamedTensors())
        {
            target.MoveNext();
            values.Span.CopyTo(target.Current.Values.Span);
        }
        Model.MarkWeightsChanged();
    }
}

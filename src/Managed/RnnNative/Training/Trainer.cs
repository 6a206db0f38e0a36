using System.Diagnostics;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Reporting;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>Why <see cref="Trainer.Run(long, CancellationToken)"/> returned.</summary>
public enum TrainingStop
{
    /// <summary>A limit of <see cref="TrainingOptions"/> was reached (updates, time or epochs).</summary>
    Completed = 0,

    /// <summary>The cancellation token fired (Ctrl-C); the state is consistent and resumable.</summary>
    Cancelled = 1,

    /// <summary>The updates asked of this call (<see cref="Trainer.Run(long, CancellationToken)"/>) were made
    /// before any limit of <see cref="TrainingOptions"/>; calling again continues the same run.</summary>
    UpdatesDone = 2,
}

/// <summary>
/// The char-rnn training loop: windows of T timesteps over B streams with the hidden state carried
/// from window to window (reset at each epoch), gradient clipping, the optimizer and schedule,
/// periodic validation over the held-out part, and a guard against NaN or infinite losses.
/// Everything that decides the next update is in <see cref="Capture"/>, so a run restored from it
/// continues bit for bit as if it had never stopped.
/// </summary>
public sealed class Trainer
{
    private readonly StreamBatcher _batcher;
    private readonly CorpusSplit _data;
    private readonly TokenSequence _validation;
    private readonly int[] _inputs;
    private readonly int[] _targets;
    private readonly RecurrentState _state;
    private readonly LearningRateSchedule _schedule;   // the options' with the cosine's length resolved for this run
    private TimeSpan _elapsedBefore;      // training time of earlier sessions of this run
    private long _tokensSeen;
    private DataOrigin _dataOrigin = DataOrigin.Host;
    private CheckpointFiles? _checkpoints;
    private TrainingData? _dataRecord;     // computed at the first checkpoint or resume: it reads every token
    private ulong _seed;                   // of the dropout masks: the options' for a new run, the snapshot's for a resumed one

    /// <summary>A run that trains <paramref name="model"/> on <paramref name="data"/>'s training part and validates on its held-out part, with <paramref name="options"/> (validated).</summary>
    public Trainer(LanguageModel model, CorpusSplit data, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (model.IsInferenceReplica)
        {
            throw new ArgumentException("an inference replica cannot train; train the model it was made from.", nameof(model));
        }
        options.Validate();
        model.Config.ValidateWindow(options.SequenceLength, options.BatchSize, nameof(options.SequenceLength), nameof(options.BatchSize));
        if (data.Train.VocabularyCount > model.Config.VocabularySize)
        {
            throw new ArgumentException($"the corpus uses {data.Train.VocabularyCount} token ids but the model knows {model.Config.VocabularySize}.", nameof(data));
        }
        Model = model;
        Options = options;
        _data = data;
        _batcher = new StreamBatcher(data.Train, options.BatchSize, options.SequenceLength);
        _validation = data.Validation;
        _inputs = new int[options.SequenceLength * options.BatchSize];
        _targets = new int[_inputs.Length];
        _state = new RecurrentState(model.Config.Recurrent, options.BatchSize);
        Optimizer = new Optimizer(options.Optimizer, model.Blocks, model.Kernels);
        _schedule = options.Schedule.ForRun(TotalUpdates());
        _seed = options.Seed;
    }

    /// <summary>The model being trained.</summary>
    public LanguageModel Model { get; }

    /// <summary>The options of the run.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The optimizer; its <see cref="Training.Optimizer.UpdateCount"/> is the number of updates applied.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Training and validation losses so far, for the loss-curve picture.</summary>
    public LossCurve Curve { get; } = new();

    /// <summary>Best validation loss so far (nats per token); +∞ before the first validation.</summary>
    public double BestValidationLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Where the corpus came from, recorded in checkpoints with <see cref="Data"/> (default: <see cref="DataOrigin.Host"/>).</summary>
    public DataOrigin DataOrigin
    {
        get => _dataOrigin;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _dataOrigin = value;
            _dataRecord = _dataRecord is null ? null : _dataRecord with { Origin = value };
        }
    }

    /// <summary>The record of the corpus this trainer reads (its first use reads every token once).</summary>
    public TrainingData Data => _dataRecord ??= TrainingData.Of(_data, _dataOrigin);

    /// <summary>True when a limit of <see cref="Options"/> is reached: <see cref="Run(CancellationToken)"/> would make no update.
    /// The limits are totals of the run, counted from its first update, so a resumed run may already be finished.</summary>
    public bool Finished => LimitReached(_elapsedBefore);

    /// <summary>Windows per pass over the training part.</summary>
    public long WindowsPerEpoch => _batcher.WindowsPerEpoch;

    /// <summary>Called after every update and after every validation, on the training thread.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>Called when a validation sets a new best loss, before training goes on.</summary>
    public Action<double>? NewBest { get; set; }

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
        }
    }

    /// <summary>Trains until a limit of <see cref="Options"/> or until <paramref name="cancellation"/> fires.
    /// Validation and the callbacks do not count against <see cref="TrainingOptions.MaxSeconds"/>.</summary>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm became NaN or infinite; the weights are those of the last good update.</exception>
    public TrainingStop Run(CancellationToken cancellation = default) => Run(updates: 0, cancellation);

    /// <summary>As <see cref="Run(CancellationToken)"/>, but makes at most <paramref name="updates"/> more
    /// updates (0: no such budget), so a host can train update by update. When the budget runs out before a
    /// limit of <see cref="Options"/> it returns <see cref="TrainingStop.UpdatesDone"/> without the final
    /// validation; periodic validation (<see cref="TrainingOptions.EvaluateEvery"/>) still happens.</summary>
    /// <exception cref="TrainingDivergedException">As <see cref="Run(CancellationToken)"/>.</exception>
    public TrainingStop Run(long updates, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        long lastUpdate = updates == 0 ? long.MaxValue : Optimizer.UpdateCount + updates;
        TrainingOptions o = Options;
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan excluded = TimeSpan.Zero;  // validation and callbacks in this session
        double smoothed = Curve.Training.Count > 0 ? Curve.Training[^1].Loss : double.NaN;
        long sessionTokens = 0;
        int windowTokens = _inputs.Length;
        long lastValidated = -1;
        double tokensPerSecond = 0;
        while (true)
        {
            TimeSpan trained = _elapsedBefore + clock.Elapsed - excluded;
            if (LimitReached(trained))
            {
                break;
            }
            if (Optimizer.UpdateCount >= lastUpdate)
            {
                _elapsedBefore = trained;
                return Saved(TrainingStop.UpdatesDone);
            }
            if (cancellation.IsCancellationRequested)
            {
                _elapsedBefore = trained;
                return Saved(TrainingStop.Cancelled);
            }
            if (!_batcher.NextWindow(_inputs, _targets))
            {
                // A new epoch: every stream starts over from its beginning, so its state does too.
                _state.Reset();
                continue;
            }

            Model.ZeroGradients();
            double loss = Model.TrainWindow(_inputs, _targets, o.SequenceLength, _state, _seed, update: Optimizer.UpdateCount) / windowTokens;
            double norm = o.ClipNorm > 0
                ? GradientClipping.ClipByGlobalNorm(Model.Blocks, o.ClipNorm, Model.Kernels)
                : GradientClipping.GlobalNorm(Model.Blocks, Model.Kernels);
            long update = Optimizer.UpdateCount;
            if (!double.IsFinite(loss) || !double.IsFinite(norm))
            {
                _elapsedBefore = trained;
                throw new TrainingDivergedException($"training diverged at update {update + 1}: the loss is {loss} and the gradient norm {norm}. The update was not applied; lower the learning rate ({o.Optimizer.LearningRate}) or clip the gradients harder (--clip).");
            }
            if (o.ClipValue > 0)
            {
                GradientClipping.ClipByValue(Model.Blocks, o.ClipValue, Model.Kernels);
            }
            float rate = _schedule.RateAt(update, o.Optimizer.LearningRate);
            Optimizer.Update(rate);
            update++;
            _tokensSeen += windowTokens;
            sessionTokens += windowTokens;
            TimeSpan beforeCallbacks = clock.Elapsed;
            trained = _elapsedBefore + beforeCallbacks - excluded;
            Curve.AddTraining(new CurvePoint(update, loss, trained.TotalSeconds));
            smoothed = double.IsNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;

            double? validation = null;
            if (o.EvaluateEvery > 0 && update % o.EvaluateEvery == 0)
            {
                validation = ValidateAndRecord(update, o.ValidationWindows, trained);
                lastValidated = update;
                SaveLatest();
            }
            tokensPerSecond = sessionTokens / Math.Max(1e-9, (beforeCallbacks - excluded).TotalSeconds);
            Progress?.Invoke(new TrainingProgress(update, TotalUpdates(), (int)_batcher.Position.Epoch, loss, smoothed, validation, BestValidationLoss,
                tokensPerSecond, trained, Fraction(trained), rate, norm));
            excluded += clock.Elapsed - beforeCallbacks;
        }
        _elapsedBefore += clock.Elapsed - excluded;
        if (lastValidated != Optimizer.UpdateCount && _validation.Length > 1)
        {
            double validation = ValidateAndRecord(Optimizer.UpdateCount, windows: 0, _elapsedBefore);
            Progress?.Invoke(new TrainingProgress(Optimizer.UpdateCount, TotalUpdates(), (int)_batcher.Position.Epoch, Curve.Training.Count > 0 ? Curve.Training[^1].Loss : double.NaN,
                smoothed, validation, BestValidationLoss, tokensPerSecond, _elapsedBefore, 1, _schedule.RateAt(Optimizer.UpdateCount, o.Optimizer.LearningRate), 0));
        }
        return Saved(TrainingStop.Completed);
    }

    /// <summary>Saves the resumable checkpoint of <see cref="Checkpoints"/>, if any, and returns <paramref name="stop"/>.</summary>
    private TrainingStop Saved(TrainingStop stop)
    {
        SaveLatest();
        return stop;
    }

    private void SaveLatest()
    {
        if (Checkpoints is { } files) SaveCheckpoint(files.Path, files.Vocabulary);
    }

    /// <summary>Mean loss in nats per token over the held-out part (or its first <paramref name="windows"/>
    /// windows), predicting each token once; NaN when there is nothing to predict.</summary>
    public double Validate(int windows = 0) => Evaluation.MeanLoss(Model, _validation, Options.BatchSize, Options.SequenceLength, windows);

    /// <summary>Total training time, this session and earlier ones (validation excluded).</summary>
    public TimeSpan Elapsed => _elapsedBefore;

    /// <summary>Everything needed to resume: optimizer state, data position, hidden state, dropout seed, clocks and curve.</summary>
    public TrainingSnapshot Capture() => new()
    {
        Update = Optimizer.UpdateCount,
        Seed = _seed,
        Epoch = _batcher.Position.Epoch,
        Window = _batcher.Position.Window,
        TokensSeen = _tokensSeen,
        ElapsedSeconds = _elapsedBefore.TotalSeconds,
        BestValidationLoss = BestValidationLoss,
        Data = Data,
        OptimizerState = Optimizer.State.Select(s => (float[])s.Clone()).ToArray(),
        Hidden = (float[])_state.Hidden.Clone(),
        Cell = (float[])_state.Cell.Clone(),
        TrainingCurve = Curve.Training.ToArray(),
        ValidationCurve = Curve.Validation.ToArray(),
    };

    /// <summary>Continues from <paramref name="snapshot"/> (the model's weights are restored separately), with its
    /// dropout seed in place of <see cref="TrainingOptions.Seed"/>, so the run drops what it would have unbroken.
    /// A snapshot that records other data than this trainer's (<see cref="TrainingSnapshot.Data"/>) is refused
    /// unless <paramref name="acceptOtherData"/>; then, as when the saved data position does not fit this
    /// corpus, weights, optimizer state, update count and curves carry over and the data walk starts a new
    /// epoch from its first window with a zero state.</summary>
    /// <exception cref="ArgumentException">The snapshot does not fit this model, optimizer or batch size; nothing changes then.</exception>
    /// <exception cref="OtherDataException">The snapshot records other data (and <paramref name="acceptOtherData"/> is false); nothing changes then.</exception>
    public void Restore(TrainingSnapshot snapshot, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.OptimizerState.Length != Optimizer.State.Count
            || snapshot.OptimizerState.Where((s, i) => s.Length != Optimizer.State[i].Length).Any())
        {
            throw new ArgumentException("the optimizer state in the snapshot does not fit this model and optimizer.", nameof(snapshot));
        }
        if (snapshot.Hidden.Length != _state.Hidden.Length || snapshot.Cell.Length != _state.Cell.Length)
        {
            throw new ArgumentException($"the hidden state in the snapshot does not fit batch size {Options.BatchSize}; resume with the batch size it was trained with.", nameof(snapshot));
        }
        if (snapshot.Epoch < 0 || snapshot.Window < 0 || snapshot.Update < 0)
        {
            throw new ArgumentException($"the snapshot's position (update {snapshot.Update}, epoch {snapshot.Epoch}, window {snapshot.Window}) is negative.", nameof(snapshot));
        }
        string? difference = snapshot.Data?.DifferenceTo(Data);
        if (difference is not null && !acceptOtherData)
        {
            throw new OtherDataException(snapshot.Data!.Origin, difference, nameof(snapshot));
        }
        bool newEpoch = difference is not null || snapshot.Window > _batcher.WindowsPerEpoch;
        _batcher.Position = newEpoch
            ? new BatcherPosition(snapshot.Window == 0 ? snapshot.Epoch : snapshot.Epoch + 1, 0)
            : new BatcherPosition(snapshot.Epoch, snapshot.Window);
        for (int i = 0; i < snapshot.OptimizerState.Length; i++)
        {
            snapshot.OptimizerState[i].CopyTo(Optimizer.State[i], 0);
        }
        Optimizer.UpdateCount = snapshot.Update;
        _seed = snapshot.Seed;
        if (newEpoch)
        {
            _state.Reset();
        }
        else
        {
            snapshot.Hidden.CopyTo(_state.Hidden, 0);
            snapshot.Cell.CopyTo(_state.Cell, 0);
        }
        _tokensSeen = snapshot.TokensSeen;
        _elapsedBefore = TimeSpan.FromSeconds(snapshot.ElapsedSeconds);
        BestValidationLoss = snapshot.BestValidationLoss;
        foreach (CurvePoint point in snapshot.TrainingCurve) Curve.AddTraining(point);
        foreach (CurvePoint point in snapshot.ValidationCurve) Curve.AddValidation(point);
    }

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
    /// has no training state and <see cref="ArgumentException"/> when its model or optimizer
    /// differs from this trainer's, or its recorded data from this trainer's corpus (unless
    /// <paramref name="acceptOtherData"/>, see <see cref="Restore"/>); nothing changes then.
    /// </summary>
    public void Resume(LoadedModel checkpoint, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
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

    /// <summary>Validates and records the point of update <paramref name="update"/>, reached after <paramref name="trained"/> of training.</summary>
    private double ValidateAndRecord(long update, int windows, TimeSpan trained)
    {
        double loss = Validate(windows);
        Curve.AddValidation(new CurvePoint(update, loss, trained.TotalSeconds));
        if (loss < BestValidationLoss)
        {
            BestValidationLoss = loss;
            if (Checkpoints is { } files) SaveCheckpoint(files.BestPath, files.Vocabulary);
            NewBest?.Invoke(loss);
        }
        return loss;
    }

    private bool LimitReached(TimeSpan trained)
    {
        TrainingOptions o = Options;
        return (o.MaxUpdates > 0 && Optimizer.UpdateCount >= o.MaxUpdates)
            || (o.MaxSeconds > 0 && trained.TotalSeconds >= o.MaxSeconds)
            || (o.Epochs > 0 && _batcher.Position.Epoch >= o.Epochs);
    }

    private long TotalUpdates()
    {
        long byEpochs = Options.Epochs > 0 ? Options.Epochs * _batcher.WindowsPerEpoch : long.MaxValue;
        long byUpdates = Options.MaxUpdates > 0 ? Options.MaxUpdates : long.MaxValue;
        long total = Math.Min(byEpochs, byUpdates);
        return total == long.MaxValue ? 0 : total;
    }

    private double Fraction(TimeSpan trained)
    {
        double fraction = 0;
        long total = TotalUpdates();
        if (total > 0) fraction = Math.Max(fraction, (double)Optimizer.UpdateCount / total);
        if (Options.MaxSeconds > 0) fraction = Math.Max(fraction, trained.TotalSeconds / Options.MaxSeconds);
        return Math.Clamp(fraction, 0, 1);
    }
}

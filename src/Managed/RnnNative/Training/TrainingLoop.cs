using System.Diagnostics;
using RnnNative.Model;
using RnnNative.Reporting;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// The training loop shared by every task (<see cref="ITrainingTask"/>): per update it zeroes the gradients,
/// has the task train a batch, clips the gradients (by global norm, then by value), refuses a NaN or infinite
/// loss or norm, and applies the optimizer at the schedule's rate; it stops at the limits of
/// <see cref="TrainingOptions"/> (updates, training time, epochs), at a caller's update budget or at
/// cancellation, validates every <see cref="TrainingOptions.EvaluateEvery"/> updates and at the end, keeps the
/// loss curve and the best validation loss, saves checkpoints (<see cref="Checkpoints"/>) and reports progress.
/// Everything that decides the next update is in <see cref="Capture"/>, so a run restored from it
/// continues bit for bit as if it had never stopped.
/// </summary>
public sealed class TrainingLoop
{
    private readonly ITrainingTask _task;
    private readonly LearningRateSchedule _schedule;   // the options' with the cosine's length resolved for this run
    private TimeSpan _elapsedBefore;      // training time of earlier sessions of this run
    private long _itemsSeen;
    private DataOrigin _dataOrigin = DataOrigin.Host;
    private TrainingData? _dataRecord;     // computed at the first checkpoint or resume: it may read all the data
    private ulong _seed;                   // of the dropout masks: the options' for a new run, the snapshot's for a resumed one

    /// <summary>A run of <paramref name="task"/> with <paramref name="options"/> (validated), from update 0 with a zero optimizer state.</summary>
    public TrainingLoop(ITrainingTask task, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _task = task;
        Options = options;
        Optimizer = new Optimizer(options.Optimizer, task.Blocks, task.Kernels);
        _schedule = options.Schedule.ForRun(TotalUpdates());
        _seed = options.Seed;
    }

    /// <summary>The options of the run.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The optimizer; its <see cref="Training.Optimizer.UpdateCount"/> is the number of updates applied.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Training and validation losses so far, for the loss-curve picture.</summary>
    public LossCurve Curve { get; } = new();

    /// <summary>Best validation loss so far (nats per item); +∞ before the first validation.</summary>
    public double BestValidationLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Where the data came from, recorded in checkpoints with <see cref="Data"/> (default: <see cref="DataOrigin.Host"/>).</summary>
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

    /// <summary>The record of the data the task reads (its first use may read all of it).</summary>
    public TrainingData Data => _dataRecord ??= _task.DescribeData(_dataOrigin);

    /// <summary>True when a limit of <see cref="Options"/> is reached: <see cref="Run(CancellationToken)"/> would make no update.
    /// The limits are totals of the run, counted from its first update, so a resumed run may already be finished.</summary>
    public bool Finished => LimitReached(_elapsedBefore);

    /// <summary>Total training time, this session and earlier ones (validation excluded).</summary>
    public TimeSpan Elapsed => _elapsedBefore;

    /// <summary>Called after every update and after every validation, on the training thread.</summary>
    public Action<TrainingProgress>? Progress { get; set; }

    /// <summary>Called when a validation sets a new best loss, before training goes on.</summary>
    public Action<double>? NewBest { get; set; }

    /// <summary>Where and how this loop saves checkpoints by itself: the latest state after every validation and
    /// whenever <see cref="Run(long, CancellationToken)"/> returns, the best one at every new best loss (the policy of
    /// <see cref="CheckpointFiles"/>); a diverged update writes nothing. Null: never.</summary>
    public CheckpointSaver? Checkpoints { get; set; }

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
        long sessionItems = 0;
        long lastValidated = -1;
        double itemsPerSecond = 0;
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
            if (!_task.NextBatch())
            {
                _task.StartEpoch();
                continue;
            }

            foreach (ParameterBlock block in _task.Blocks)
            {
                block.Gradients.AsSpan().Clear();
            }
            double loss = _task.TrainBatch(_seed, update: Optimizer.UpdateCount);
            double norm = o.ClipNorm > 0
                ? GradientClipping.ClipByGlobalNorm(_task.Blocks, o.ClipNorm, _task.Kernels)
                : GradientClipping.GlobalNorm(_task.Blocks, _task.Kernels);
            long update = Optimizer.UpdateCount;
            if (!double.IsFinite(loss) || !double.IsFinite(norm))
            {
                _elapsedBefore = trained;
                throw new TrainingDivergedException($"training diverged at update {update + 1}: the loss is {loss} and the gradient norm {norm}. The update was not applied; lower the learning rate ({o.Optimizer.LearningRate}) or clip the gradients harder (--clip).");
            }
            if (o.ClipValue > 0)
            {
                GradientClipping.ClipByValue(_task.Blocks, o.ClipValue, _task.Kernels);
            }
            float rate = _schedule.RateAt(update, o.Optimizer.LearningRate);
            Optimizer.Update(rate);
            update++;
            long items = _task.ItemsPerBatch;
            _itemsSeen += items;
            sessionItems += items;
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
            itemsPerSecond = sessionItems / Math.Max(1e-9, (beforeCallbacks - excluded).TotalSeconds);
            Progress?.Invoke(new TrainingProgress(update, TotalUpdates(), (int)_task.Epoch, loss, smoothed, validation, BestValidationLoss,
                itemsPerSecond, trained, Fraction(trained), rate, norm));
            excluded += clock.Elapsed - beforeCallbacks;
        }
        _elapsedBefore += clock.Elapsed - excluded;
        if (lastValidated != Optimizer.UpdateCount && _task.CanValidate)
        {
            double validation = ValidateAndRecord(Optimizer.UpdateCount, batches: 0, _elapsedBefore);
            Progress?.Invoke(new TrainingProgress(Optimizer.UpdateCount, TotalUpdates(), (int)_task.Epoch, Curve.Training.Count > 0 ? Curve.Training[^1].Loss : double.NaN,
                smoothed, validation, BestValidationLoss, itemsPerSecond, _elapsedBefore, 1, _schedule.RateAt(Optimizer.UpdateCount, o.Optimizer.LearningRate), 0));
        }
        return Saved(TrainingStop.Completed);
    }

    /// <summary>Mean validation loss of the task over its held-out data (or its first <paramref name="batches"/> batches).</summary>
    public double Validate(int batches = 0) => _task.Validate(batches);

    /// <summary>Everything needed to resume: optimizer state, data position, the task's carried state, dropout seed, clocks and curve.</summary>
    public TrainingSnapshot Capture()
    {
        CarriedState carried = _task.CaptureCarriedState();
        return new()
        {
            Update = Optimizer.UpdateCount,
            Seed = _seed,
            Epoch = _task.Epoch,
            Window = _task.Batch,
            TokensSeen = _itemsSeen,
            ElapsedSeconds = _elapsedBefore.TotalSeconds,
            BestValidationLoss = BestValidationLoss,
            Data = Data,
            OptimizerState = Optimizer.State.Select(s => (float[])s.Clone()).ToArray(),
            Hidden = carried.Hidden,
            Cell = carried.Cell,
            TrainingCurve = Curve.Training.ToArray(),
            ValidationCurve = Curve.Validation.ToArray(),
        };
    }

    /// <summary>Continues from <paramref name="snapshot"/> (the model's weights are restored separately), with its
    /// dropout seed in place of <see cref="TrainingOptions.Seed"/>, so the run drops what it would have unbroken.
    /// A snapshot that records other data than this loop's (<see cref="TrainingSnapshot.Data"/>) is refused
    /// unless <paramref name="acceptOtherData"/>; then, as when the saved data position does not fit this
    /// data, weights, optimizer state, update count and curves carry over and the data walk starts a new
    /// epoch from its first batch (<see cref="ITrainingTask.StartEpoch"/>).</summary>
    /// <exception cref="ArgumentException">The snapshot does not fit this task or optimizer; nothing changes then.</exception>
    /// <exception cref="OtherDataException">The snapshot records other data (and <paramref name="acceptOtherData"/> is false); nothing changes then.</exception>
    public void Restore(TrainingSnapshot snapshot, bool acceptOtherData = false)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.OptimizerState.Length != Optimizer.State.Count
            || snapshot.OptimizerState.Where((s, i) => s.Length != Optimizer.State[i].Length).Any())
        {
            throw new ArgumentException("the optimizer state in the snapshot does not fit this model and optimizer.", nameof(snapshot));
        }
        CarriedState carried = new(snapshot.Hidden, snapshot.Cell);
        _task.CheckCarriedState(carried);
        if (snapshot.Epoch < 0 || snapshot.Window < 0 || snapshot.Update < 0)
        {
            throw new ArgumentException($"the snapshot's position (update {snapshot.Update}, epoch {snapshot.Epoch}, window {snapshot.Window}) is negative.", nameof(snapshot));
        }
        string? difference = snapshot.Data?.DifferenceTo(Data);
        if (difference is not null && !acceptOtherData)
        {
            throw new OtherDataException(snapshot.Data!.Origin, difference, nameof(snapshot));
        }
        bool newEpoch = difference is not null || snapshot.Window > _task.BatchesPerEpoch;
        if (newEpoch)
        {
            _task.Seek(snapshot.Window == 0 ? snapshot.Epoch : snapshot.Epoch + 1, 0);
            _task.StartEpoch();
        }
        else
        {
            _task.Seek(snapshot.Epoch, snapshot.Window);
            _task.RestoreCarriedState(carried);
        }
        for (int i = 0; i < snapshot.OptimizerState.Length; i++)
        {
            snapshot.OptimizerState[i].CopyTo(Optimizer.State[i], 0);
        }
        Optimizer.UpdateCount = snapshot.Update;
        _seed = snapshot.Seed;
        _itemsSeen = snapshot.TokensSeen;
        _elapsedBefore = TimeSpan.FromSeconds(snapshot.ElapsedSeconds);
        BestValidationLoss = snapshot.BestValidationLoss;
        foreach (CurvePoint point in snapshot.TrainingCurve) Curve.AddTraining(point);
        foreach (CurvePoint point in snapshot.ValidationCurve) Curve.AddValidation(point);
    }

    /// <summary>Saves the resumable checkpoint of <see cref="Checkpoints"/>, if any, and returns <paramref name="stop"/>.</summary>
    private TrainingStop Saved(TrainingStop stop)
    {
        SaveLatest();
        return stop;
    }

    private void SaveLatest()
    {
        if (Checkpoints is { } files) files.Write(files.Path, Capture());
    }

    /// <summary>Validates and records the point of update <paramref name="update"/>, reached after <paramref name="trained"/> of training.</summary>
    private double ValidateAndRecord(long update, int batches, TimeSpan trained)
    {
        double loss = Validate(batches);
        Curve.AddValidation(new CurvePoint(update, loss, trained.TotalSeconds));
        if (loss < BestValidationLoss)
        {
            BestValidationLoss = loss;
            if (Checkpoints is { } files) files.Write(files.BestPath, Capture());
            NewBest?.Invoke(loss);
        }
        return loss;
    }

    private bool LimitReached(TimeSpan trained)
    {
        TrainingOptions o = Options;
        return (o.MaxUpdates > 0 && Optimizer.UpdateCount >= o.MaxUpdates)
            || (o.MaxSeconds > 0 && trained.TotalSeconds >= o.MaxSeconds)
            || (o.Epochs > 0 && _task.Epoch >= o.Epochs);
    }

    private long TotalUpdates()
    {
        long byEpochs = Options.Epochs > 0 ? Options.Epochs * _task.BatchesPerEpoch : long.MaxValue;
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

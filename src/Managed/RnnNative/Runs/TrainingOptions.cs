namespace RnnNative.Runs;

/// <summary>What a training run does and when it stops. The defaults are every front door's (CLI, C's
/// rnn_trainer_config_init, Python): char-rnn's T = B = 50, Adam at 2e-3, clipping at norm 5.</summary>
/// <param name="SequenceLength">T: steps per window, also the BPTT truncation.</param>
/// <param name="BatchSize">B: parallel streams the corpus is cut into.</param>
/// <param name="ClipNorm">Global gradient-norm limit (0: off).</param>
/// <param name="ClipValue">Per-element gradient limit (0: off).</param>
/// <param name="MaxUpdates">Stop after this many updates (0: no limit).</param>
/// <param name="MaxSeconds">Stop after this much training time (0: no limit).</param>
/// <param name="Epochs">Stop after this many passes over the training data (0: no limit).</param>
/// <param name="EvaluateEvery">Validate every this many updates (0: only at the end).</param>
/// <param name="ValidationWindows">Windows of the validation part read per periodic validation (0: all of it).</param>
public sealed record TrainingOptions(
    int SequenceLength = 50,
    int BatchSize = 50,
    float ClipNorm = 5f,
    float ClipValue = 0f,
    long MaxUpdates = 0,
    double MaxSeconds = 0,
    int Epochs = 0,
    int EvaluateEvery = 200,
    int ValidationWindows = 0)
{
    /// <summary>The update rule and its hyperparameters (default: Adam, lr 2e-3).</summary>
    public OptimizerConfig Optimizer { get; init; } = new();

    /// <summary>How the learning rate changes over the run (default: constant).</summary>
    public LearningRateSchedule Schedule { get; init; } = new();

    /// <summary>The seed of the run's dropout masks (<see cref="Model.LanguageModelConfig.Dropout"/>): with the update
    /// number it decides which units each update drops. Every front door sets it to its seed (CLI --seed, C's and
    /// Python's trainer seed); kept in checkpoints, so a resumed run drops what the unbroken run would have.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SequenceLength, 1, nameof(SequenceLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(ClipNorm >= 0f) || !float.IsFinite(ClipNorm)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "must be a finite number >= 0 (0: off)");
        if (!(ClipValue >= 0f) || !float.IsFinite(ClipValue)) throw new ArgumentOutOfRangeException(nameof(ClipValue), ClipValue, "must be a finite number >= 0 (0: off)");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxUpdates, nameof(MaxUpdates));
        if (!(MaxSeconds >= 0) || !double.IsFinite(MaxSeconds)) throw new ArgumentOutOfRangeException(nameof(MaxSeconds), MaxSeconds, "must be a finite number >= 0 (0: no limit)");
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegative(EvaluateEvery, nameof(EvaluateEvery));
        ArgumentOutOfRangeException.ThrowIfNegative(ValidationWindows, nameof(ValidationWindows));
        if (MaxUpdates == 0 && MaxSeconds == 0 && Epochs == 0) throw new ArgumentException("set at least one of MaxUpdates, MaxSeconds or Epochs, or training never ends.", nameof(MaxUpdates));
        Optimizer.Validate();
        Schedule.Validate();
    }
}

namespace RnnNative.Runs;

/// <summary>How the learning rate changes over training. Numbers are stable (C ABI, checkpoints).</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant = 0,

    /// <summary>Multiplied by <see cref="LearningRateSchedule.Gamma"/> every <see cref="LearningRateSchedule.StepSize"/> steps.</summary>
    StepDecay = 1,

    /// <summary>Half a cosine from the base rate down to <see cref="LearningRateSchedule.MinimumRate"/> over <see cref="LearningRateSchedule.TotalUpdates"/>
    /// (0: the run's length, see <see cref="LearningRateSchedule.ForRun"/>).</summary>
    Cosine = 2,
}

/// <summary>A learning-rate schedule: a pure function of the step number, so a resumed run gets
/// exactly the rates the uninterrupted one would have.</summary>
/// <param name="TotalUpdates">The cosine's length in updates; 0 (the default): the run's, <see cref="ForRun"/>.</param>
public sealed record LearningRateSchedule(ScheduleKind Kind = ScheduleKind.Constant, long StepSize = 1000, float Gamma = 0.5f, long TotalUpdates = 0, float MinimumRate = 0f)
{
    /// <summary>The cosine's length when neither <see cref="TotalUpdates"/> nor the run's limits give one (a time limit only).</summary>
    public const long FallbackTotalUpdates = 10_000;

    /// <summary>
    /// The one rule for the cosine's length, used by every front door: <see cref="TotalUpdates"/> when set,
    /// else the run's length in updates (<paramref name="runUpdates"/>: its update limit, or its epochs
    /// times the windows per epoch; 0 when only time limits it), else <see cref="FallbackTotalUpdates"/>.
    /// Limits are totals of the run, so a resumed run whose limits were raised stretches the cosine to them.
    /// </summary>
    public LearningRateSchedule ForRun(long runUpdates) =>
        TotalUpdates > 0 ? this : this with { TotalUpdates = runUpdates > 0 ? runUpdates : FallbackTotalUpdates };

    /// <summary>The rate for update number <paramref name="step"/> (0-based) given the base rate.</summary>
    public float RateAt(long step, float baseRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Kind switch
        {
            ScheduleKind.StepDecay => (float)(baseRate * Math.Pow(Gamma, step / StepSize)),
            ScheduleKind.Cosine => Cosine(step, baseRate, TotalUpdates > 0 ? TotalUpdates : FallbackTotalUpdates),
            _ => baseRate,
        };
    }

    private float Cosine(long step, float baseRate, long length) =>
        (float)(MinimumRate + (baseRate - MinimumRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, length) / length)));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown schedule");
        ArgumentOutOfRangeException.ThrowIfLessThan(StepSize, 1, nameof(StepSize));
        ArgumentOutOfRangeException.ThrowIfNegative(TotalUpdates, nameof(TotalUpdates));
        if (!(Gamma > 0f && Gamma <= 1f)) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "must be in (0, 1]");
        if (!(MinimumRate >= 0f) || !float.IsFinite(MinimumRate)) throw new ArgumentOutOfRangeException(nameof(MinimumRate), MinimumRate, "must be a finite number >= 0");
    }
}

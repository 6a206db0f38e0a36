namespace RnnNative.Training;

/// <summary>How the learning rate changes over training. Numbers are stable (C ABI, checkpoints).</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant = 0,

    /// <summary>Multiplied by <see cref="LearningRateSchedule.Gamma"/> every <see cref="LearningRateSchedule.StepSize"/> steps.</summary>
    StepDecay = 1,

    /// <summary>Half a cosine from the base rate down to <see cref="LearningRateSchedule.MinimumRate"/> over <see cref="LearningRateSchedule.TotalSteps"/>.</summary>
    Cosine = 2,
}

/// <summary>A learning-rate schedule: a pure function of the step number, so a resumed run gets
/// exactly the rates the uninterrupted one would have.</summary>
public sealed record LearningRateSchedule(ScheduleKind Kind = ScheduleKind.Constant, long StepSize = 1000, float Gamma = 0.5f, long TotalSteps = 10000, float MinimumRate = 0f)
{
    /// <summary>The rate for update number <paramref name="step"/> (0-based) given the base rate.</summary>
    public float RateAt(long step, float baseRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Kind switch
        {
            ScheduleKind.StepDecay => (float)(baseRate * Math.Pow(Gamma, step / StepSize)),
            ScheduleKind.Cosine => (float)(MinimumRate + (baseRate - MinimumRate) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, TotalSteps) / TotalSteps))),
            _ => baseRate,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown schedule");
        ArgumentOutOfRangeException.ThrowIfLessThan(StepSize, 1, nameof(StepSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(TotalSteps, 1, nameof(TotalSteps));
        if (!(Gamma > 0f && Gamma <= 1f)) throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, "must be in (0, 1]");
        if (!(MinimumRate >= 0f) || !float.IsFinite(MinimumRate)) throw new ArgumentOutOfRangeException(nameof(MinimumRate), MinimumRate, "must be a finite number >= 0");
    }
}

namespace RnnNative.Reporting;

/// <summary>
/// One point of a loss curve: the loss after update <see cref="Update"/>, reached after
/// <see cref="Seconds"/> of training (validation and callbacks not counted, as in
/// <see cref="Training.Trainer.Elapsed"/>); NaN where the time is not known, as in checkpoints
/// written before it was recorded.
/// </summary>
public readonly record struct CurvePoint(long Update, double Loss, double Seconds);

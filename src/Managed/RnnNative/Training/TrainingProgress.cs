namespace RnnNative.Training;

/// <summary>A report after an update (and after each validation) for progress bars and logs.</summary>
/// <param name="Update">Updates done so far, counting any before a resume.</param>
/// <param name="TotalUpdates">Updates the run will make when that is known in advance; otherwise 0.</param>
/// <param name="TrainingLoss">Mean loss of the last batch (a language model's window), nats per item (token).</param>
/// <param name="TokensPerSecond">Items (tokens, <see cref="ITrainingTask.ItemsPerBatch"/>) trained per second in this session.</param>
/// <param name="SmoothedLoss">Exponential moving average of the training loss (weight 0.05).</param>
/// <param name="ValidationLoss">The validation loss when this report follows a validation; otherwise null.</param>
/// <param name="Fraction">Progress towards the nearest stopping limit, in [0, 1].</param>
public sealed record TrainingProgress(
    long Update,
    long TotalUpdates,
    int Epoch,
    double TrainingLoss,
    double SmoothedLoss,
    double? ValidationLoss,
    double BestValidationLoss,
    double TokensPerSecond,
    TimeSpan Elapsed,
    double Fraction,
    float LearningRate,
    double GradientNorm)
{
    /// <summary>Time left at the current pace, when the fraction done is known.</summary>
    public TimeSpan? Remaining => Fraction > 0 && Fraction < 1 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds * (1 - Fraction) / Fraction) : null;
}

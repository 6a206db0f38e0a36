using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// A checkpoint records other data than the trainer's corpus (<see cref="Trainer.Restore"/>). Carries
/// which data the run trained on and how the corpus differs, so a front door can word the refusal with
/// its own options (the CLI's --data-changed-ok) without comparing the data a second time.
/// </summary>
public sealed class OtherDataException : ArgumentException
{
    internal OtherDataException(DataOrigin trainedOn, string difference, string paramName)
        : base($"the corpus is not the one the checkpoint was trained on, {trainedOn}: {difference}. Resume with that corpus.", paramName)
    {
        TrainedOn = trainedOn;
        Difference = difference;
    }

    /// <summary>Where the run's data came from, as the checkpoint records it.</summary>
    public DataOrigin TrainedOn { get; }

    /// <summary>How the corpus differs, as a phrase ("it has 1,000 tokens where the run's data had 1,115,394").</summary>
    public string Difference { get; }
}

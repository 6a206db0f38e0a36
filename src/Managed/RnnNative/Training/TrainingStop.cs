namespace RnnNative.Training;

/// <summary>Why <see cref="TrainingLoop.Run(long, CancellationToken)"/> (and <see cref="Trainer.Run(long, CancellationToken)"/>) returned.</summary>
public enum TrainingStop
{
    /// <summary>A limit of <see cref="Runs.TrainingOptions"/> was reached (updates, time or epochs).</summary>
    Completed = 0,

    /// <summary>The cancellation token fired (Ctrl-C); the state is consistent and resumable.</summary>
    Cancelled = 1,

    /// <summary>The updates asked of this call (<see cref="TrainingLoop.Run(long, CancellationToken)"/>) were made
    /// before any limit of <see cref="Runs.TrainingOptions"/>; calling again continues the same run.</summary>
    UpdatesDone = 2,
}

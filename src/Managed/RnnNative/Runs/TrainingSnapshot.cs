using RnnNative.Reporting;

namespace RnnNative.Runs;

/// <summary>The state of a training run besides the weights: with it a run resumes exactly.</summary>
public sealed class TrainingSnapshot
{
    /// <summary>Updates applied.</summary>
    public long Update { get; init; }

    /// <summary>Where the data walk stands: the next batch (a language model's window) is <see cref="Window"/> of epoch <see cref="Epoch"/>.</summary>
    public long Epoch { get; init; }

    /// <summary>The next batch's index within its epoch (see <see cref="Epoch"/>); named after the language model's windows, which came first.</summary>
    public long Window { get; init; }

    /// <summary>Tokens (the task's items, <see cref="Training.ITrainingTask.ItemsPerBatch"/>) trained on so far.</summary>
    public long TokensSeen { get; init; }

    /// <summary>Training time so far, validation excluded.</summary>
    public double ElapsedSeconds { get; init; }

    /// <summary>The lowest validation loss so far (infinity before the first validation).</summary>
    public double BestValidationLoss { get; init; } = double.PositiveInfinity;

    /// <summary>The seed of the run's dropout masks (<see cref="TrainingOptions.Seed"/> of its first session); 0 in
    /// checkpoints written before 0.3.0, whose runs had no dropout.</summary>
    public ulong Seed { get; init; }

    /// <summary>The data the run trained on; null in checkpoints written before 0.2.0, which did not record it.</summary>
    public TrainingData? Data { get; init; }

    /// <summary>The optimizer's per-parameter vectors, in <see cref="Training.Optimizer.State"/> order.</summary>
    public float[][] OptimizerState { get; init; } = [];

    /// <summary>The hidden state [L, B, H] carried into the next window; empty for a task that carries no state (<see cref="Training.CarriedState"/>).</summary>
    public float[] Hidden { get; init; } = [];

    /// <summary>The LSTM cell state [L, B, H] carried into the next window; empty for the other cells and for a task that carries no state.</summary>
    public float[] Cell { get; init; } = [];

    /// <summary>The training loss curve so far.</summary>
    public CurvePoint[] TrainingCurve { get; init; } = [];

    /// <summary>The validation loss curve so far.</summary>
    public CurvePoint[] ValidationCurve { get; init; } = [];
}

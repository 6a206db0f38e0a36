using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// What a <see cref="TrainingLoop"/> trains: a model's parameters and the walk over its data. The loop owns
/// everything between batches (zeroing gradients, clipping, the divergence guard, the optimizer and
/// schedule, limits, validation cadence, checkpoints, progress, resume); the task owns what a batch is,
/// how its loss and gradients are computed, what carries over between batches, and what validation means.
/// A task is deterministic: set to a saved position with its carried state restored, it gives the batches
/// (and, with the same seed and update number, the losses) it would have given unbroken.
/// </summary>
/// <remarks>
/// The language model's task is <see cref="LanguageModelTask"/> (char-rnn windows with the state carried).
/// A task of independent whole sequences carries no state (<see cref="CarriedState.None"/>) and reports
/// the mean over its batch's loss terms.
/// </remarks>
public interface ITrainingTask
{
    /// <summary>The parameters the optimizer updates and the clipping reads, with their gradients.</summary>
    IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>The kernels of the model (clipping and the optimizer compute with them).</summary>
    KernelSet Kernels { get; }

    /// <summary>Batches per pass over the training data (&gt; 0).</summary>
    long BatchesPerEpoch { get; }

    /// <summary>The epoch of the next batch.</summary>
    long Epoch { get; }

    /// <summary>The next batch's index within <see cref="Epoch"/>, in 0..<see cref="BatchesPerEpoch"/>
    /// (<see cref="BatchesPerEpoch"/>: the epoch is finished and the next <see cref="NextBatch"/> says so).</summary>
    long Batch { get; }

    /// <summary>Items (tokens, timesteps) of the batch <see cref="NextBatch"/> prepared: the throughput's unit.</summary>
    long ItemsPerBatch { get; }

    /// <summary>True when there is held-out data, so the loop validates once more at the end of a run.</summary>
    bool CanValidate { get; }

    /// <summary>Moves the walk to batch <paramref name="batch"/> of epoch <paramref name="epoch"/>
    /// (a saved position; <paramref name="batch"/> in 0..<see cref="BatchesPerEpoch"/>).</summary>
    void Seek(long epoch, long batch);

    /// <summary>Prepares the next batch and returns true; or, when the epoch is finished, prepares nothing,
    /// moves to batch 0 of the next epoch and returns false, and the loop calls <see cref="StartEpoch"/>.</summary>
    bool NextBatch();

    /// <summary>Starts an epoch: what a task carries between batches goes back to its start (a zero state).</summary>
    void StartEpoch();

    /// <summary>Forward and backward over the prepared batch, adding to the zeroed gradients the gradient of
    /// the mean loss, which it returns (nats per item). <paramref name="seed"/> and <paramref name="update"/>
    /// (updates applied before this one) decide the dropout masks.</summary>
    double TrainBatch(ulong seed, long update);

    /// <summary>Mean loss over the held-out data (or its first <paramref name="batches"/> batches when &gt; 0), no
    /// gradients; NaN when there is nothing to predict.</summary>
    double Validate(int batches);

    /// <summary>The record of the data, for checkpoints and the refusal to resume on other data; may read all of it.</summary>
    TrainingData DescribeData(DataOrigin origin);

    /// <summary>A copy of what the task carries into the next batch.</summary>
    CarriedState CaptureCarriedState();

    /// <summary>Throws <see cref="ArgumentException"/> (parameter "snapshot") when <paramref name="saved"/> does not fit this task; changes nothing.</summary>
    void CheckCarriedState(CarriedState saved);

    /// <summary>Copies <paramref name="saved"/> (checked by <see cref="CheckCarriedState"/>) into the task.</summary>
    void RestoreCarriedState(CarriedState saved);
}

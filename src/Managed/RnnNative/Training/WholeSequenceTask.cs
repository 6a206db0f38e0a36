using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// The walk shared by the tasks of independent whole sequences (<see cref="SequenceTask"/>) and pairs (<see cref="Seq2SeqTask"/>):
/// a <see cref="Batcher{TBatch}"/> over the training set in its order from the run's seed (a saved (epoch, batch) resumes
/// exactly), each batch's loss the mean over its loss terms, validation over the held-out set in its own order, and nothing
/// carried between batches (<see cref="CarriedState.None"/>). The model (<see cref="IBatchModel{TBatch}"/>) computes a
/// batch's loss; a subclass checks its sets, makes the batchers and describes the data.
/// </summary>
/// <typeparam name="TBatch">The padded batch the model trains on.</typeparam>
public abstract class WholeSequenceTask<TBatch> : ITrainingTask
    where TBatch : class
{
    private readonly IBatchModel<TBatch> _model;
    private readonly Batcher<TBatch> _batcher;
    private readonly Batcher<TBatch>? _validationBatcher;   // null: no held-out data with targets
    private TBatch? _batch;                                  // the batch NextBatch prepared

    /// <summary>Trains <paramref name="model"/> on <paramref name="batcher"/>'s batches, validating over <paramref name="validationBatcher"/>'s (in order) when given.</summary>
    private protected WholeSequenceTask(IBatchModel<TBatch> model, Batcher<TBatch> batcher, Batcher<TBatch>? validationBatcher)
    {
        _model = model;
        _batcher = batcher;
        _validationBatcher = validationBatcher;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ParameterBlock> Blocks => _model.Blocks;

    /// <inheritdoc/>
    public KernelSet Kernels => _model.Kernels;

    /// <summary>ceil(N/B) batches per pass over the training set.</summary>
    public long BatchesPerEpoch => _batcher.BatchesPerEpoch;

    /// <inheritdoc/>
    public long Epoch => _batcher.Position.Epoch;

    /// <inheritdoc/>
    public long Batch => _batcher.Position.Batch;

    /// <summary>The prepared batch's items (its predicted timesteps or its inputs' timesteps, as the subclass counts them, padding excluded).</summary>
    public long ItemsPerBatch => _batch is null ? 0 : Items(_batch);

    /// <summary>True when there is a validation set with targets.</summary>
    public bool CanValidate => _validationBatcher is not null;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The epoch is beyond the batcher's int range or the batch outside 0..<see cref="BatchesPerEpoch"/>.</exception>
    public void Seek(long epoch, long batch)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, BatchesPerEpoch);
        _batcher.Position = new BatchPosition((int)epoch, (int)batch);
        _batch = null;
    }

    /// <inheritdoc/>
    public bool NextBatch()
    {
        bool next = _batcher.Next(out TBatch batch);
        _batch = next ? batch : null;
        return next;
    }

    /// <summary>Nothing to reset: batches carry nothing, and the batcher orders each epoch from (seed, epoch).</summary>
    public void StartEpoch()
    {
    }

    /// <summary>Forward and backward over the prepared batch; the mean loss over its loss terms (at least one per batch).</summary>
    public double TrainBatch(ulong seed, long update)
    {
        TBatch batch = _batch ?? throw new InvalidOperationException("no batch is prepared: call NextBatch first.");
        return _model.TrainBatch(batch, seed, update) / _model.LossTerms(batch);
    }

    /// <summary>Σ loss / Σ loss terms over the validation set's batches in its order (its first <paramref name="batches"/>
    /// when &gt; 0), no gradients and no dropout; NaN when there is no validation set with targets.</summary>
    public double Validate(int batches)
    {
        if (_validationBatcher is null)
        {
            return double.NaN;
        }
        double loss = 0;
        long terms = 0;
        _validationBatcher.Position = default;
        for (int read = 0; (batches <= 0 || read < batches) && _validationBatcher.Next(out TBatch batch); read++)
        {
            loss += _model.EvaluateBatch(batch);
            terms += _model.LossTerms(batch);
        }
        return terms > 0 ? loss / terms : double.NaN;
    }

    /// <inheritdoc/>
    public abstract TrainingData DescribeData(DataOrigin origin);

    /// <summary><see cref="CarriedState.None"/>: batches are independent.</summary>
    public CarriedState CaptureCarriedState() => CarriedState.None;

    /// <summary>Accepts only an empty state (a snapshot of a task that carries nothing).</summary>
    public void CheckCarriedState(CarriedState saved)
    {
        if (saved.Hidden.Length != 0 || saved.Cell.Length != 0)
        {
            throw new ArgumentException("the snapshot carries a hidden state; a whole-sequence task starts every batch from zero, so it is another task's snapshot.", "snapshot");
        }
    }

    /// <summary>Nothing to restore (checked by <see cref="CheckCarriedState"/>).</summary>
    public void RestoreCarriedState(CarriedState saved) => CheckCarriedState(saved);

    /// <summary>The throughput's items in <paramref name="batch"/>.</summary>
    private protected abstract long Items(TBatch batch);
}

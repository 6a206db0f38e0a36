using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;

/// <summary>
/// The tagging row on PyTorch's batch composition: the engine's <see cref="SequenceTask"/> always buckets by length
/// (<see cref="BatchOrder.Bucketed"/>, the product's behaviour); this task hands the same training loop batches of
/// random sequences (<see cref="BatchOrder.Shuffled"/>), as tagging_torch.py's batches are, so the ratio is not
/// only from bucketing. No validation, nothing carried.
/// </summary>
internal sealed class ShuffledTask(SequenceModel model, SequenceSet set, ulong seed, int batchSize) : ITrainingTask
{
    private readonly SequenceBatcher _batcher = new(set, batchSize, BatchOrder.Shuffled, seed);
    private SequenceBatch? _batch;

    public IReadOnlyList<ParameterBlock> Blocks => model.Blocks;

    public KernelSet Kernels => model.Kernels;

    public long BatchesPerEpoch => _batcher.BatchesPerEpoch;

    public long Epoch => _batcher.Position.Epoch;

    public long Batch => _batcher.Position.Batch;

    public long ItemsPerBatch => _batch?.Positions ?? 0;

    public bool CanValidate => false;

    /// <summary>The padding share of the batches of the first epoch.</summary>
    public double PaddedFraction => _batcher.PaddedFraction();

    public void Seek(long epoch, long batch) => _batcher.Position = new BatchPosition((int)epoch, (int)batch);

    public bool NextBatch()
    {
        bool next = _batcher.Next(out SequenceBatch batch);
        _batch = next ? batch : null;
        return next;
    }

    public void StartEpoch()
    {
    }

    // The mean loss over the batch's real timesteps, as SequenceTask.TrainBatch.
    public double TrainBatch(ulong seed, long update) => model.TrainBatch(_batch!, seed, update) / model.LossTerms(_batch!);

    public double Validate(int batches) => double.NaN;

    public TrainingData DescribeData(DataOrigin origin) => TrainingData.Of(set, null, origin);

    public CarriedState CaptureCarriedState() => CarriedState.None;

    public void CheckCarriedState(CarriedState saved)
    {
    }

    public void RestoreCarriedState(CarriedState saved)
    {
    }
}

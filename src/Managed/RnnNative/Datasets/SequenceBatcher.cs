using RnnNative.Data;

namespace RnnNative.Datasets;

/// <summary>
/// Cuts a <see cref="SequenceSet"/> into padded batches of up to B sequences, epoch after epoch, in the
/// <see cref="BatchOrder"/> given. The order of epoch e is a function of (seed, e) only, so a run that
/// saved its <see cref="Position"/> resumes with exactly the batches the uninterrupted run would have seen.
/// Every epoch has <see cref="BatchesPerEpoch"/> = ceil(N/B) batches and gives every sequence once;
/// only the last batch of a chunk (or of the set) can be smaller than B.
/// </summary>
public sealed class SequenceBatcher
{
    /// <summary>Chunk size of <see cref="BatchOrder.Bucketed"/> in batches: sorting within ~50 batches keeps lengths close and the order random.</summary>
    public const int ChunkBatches = BatchPlan.ChunkBatches;

    private readonly Dictionary<(int Timesteps, int Batch), SequenceBatch> _batches = [];
    private readonly int[] _lengths;   // [N] the sort keys of the plan and the padding's measure
    private readonly BatchPlan _plan;

    /// <summary>Batches of <paramref name="batchSize"/> of <paramref name="set"/> (at least one sequence) in <paramref name="order"/>, shuffled from <paramref name="seed"/>.</summary>
    public SequenceBatcher(SequenceSet set, int batchSize, BatchOrder order = BatchOrder.Bucketed, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(set.Count, 1, nameof(set));
        Set = set;
        _lengths = new int[set.Count];
        for (int i = 0; i < _lengths.Length; i++) _lengths[i] = set.Length(i);
        _plan = new BatchPlan([.. _lengths.Select(length => (long)length)], batchSize, order, seed);
    }

    /// <summary>The sequences batched.</summary>
    public SequenceSet Set { get; }

    /// <summary>B: sequences per batch (the last batch of a chunk may have fewer).</summary>
    public int BatchSize => _plan.BatchSize;

    /// <summary>How sequences are grouped and ordered.</summary>
    public BatchOrder Order => _plan.Order;

    /// <summary>The seed that, with the epoch, fixes each epoch's order.</summary>
    public ulong Seed => _plan.Seed;

    /// <summary>ceil(N/B).</summary>
    public int BatchesPerEpoch => _plan.BatchesPerEpoch;

    /// <summary>The next batch to give; set it to resume a run (Batch in 0..BatchesPerEpoch).</summary>
    public BatchPosition Position
    {
        get => _plan.Position;
        set => _plan.Position = value;
    }

    /// <summary>
    /// The next batch of the current epoch, T its longest sequence, and true; or false at the end of the
    /// epoch, after which the position is the start of the next one. The batch object is reused for the
    /// next batch of the same T and B: use it before calling again.
    /// </summary>
    public bool Next(out SequenceBatch batch)
    {
        if (!_plan.Next(out ReadOnlySpan<int> examples))
        {
            batch = null!;
            return false;
        }
        (int, int) key = (Set.LongestOf(examples), examples.Length);
        if (!_batches.TryGetValue(key, out batch!))
        {
            batch = new SequenceBatch(key.Item1, key.Item2, Set.FeatureSize, Set.Target, Set.ValueSize);
            _batches.Add(key, batch);
        }
        Set.Fill(batch, examples);
        return true;
    }

    /// <summary>The examples (set indices) of batch <paramref name="index"/> of <paramref name="epoch"/>, in column order.</summary>
    public ReadOnlySpan<int> Examples(int epoch, int index) => _plan.Examples(epoch, index);

    /// <summary>Padding over all timestep slots of epoch <paramref name="epoch"/>: Σ (T·B − Σ lengths) / Σ T·B over its batches.</summary>
    public double PaddedFraction(int epoch = 0)
    {
        (long slots, long padding) = _plan.Padding(epoch, _lengths);
        return (double)padding / slots;
    }
}

using RnnNative.Data;

namespace RnnNative.Datasets;

/// <summary>
/// Cuts a <see cref="PairSet"/> into <see cref="Seq2SeqBatch"/>es of up to B pairs, epoch after epoch, in the
/// <see cref="BatchOrder"/> given, as <see cref="SequenceBatcher"/> does for sequences (the same plan): bucketed
/// batches group pairs by source length, then target length, so both the encoder's and the decoder's padding stay
/// small. The order of epoch e is a function of (seed, e) only: a run that saved its <see cref="Position"/> resumes
/// with exactly the batches the uninterrupted run would have seen.
/// </summary>
public sealed class PairBatcher
{
    private readonly Dictionary<(int Source, int Target, int Batch), Seq2SeqBatch> _batches = [];
    private readonly int[] _sourceLengths;    // [N] encoder timesteps
    private readonly int[] _decoderLengths;   // [N] decoder timesteps: target tokens + 1
    private readonly BatchPlan _plan;

    /// <summary>Batches of <paramref name="batchSize"/> of <paramref name="set"/> (at least one pair) in <paramref name="order"/>, shuffled from <paramref name="seed"/>.</summary>
    public PairBatcher(PairSet set, int batchSize, BatchOrder order = BatchOrder.Bucketed, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(set.Count, 1, nameof(set));
        Set = set;
        _sourceLengths = new int[set.Count];
        _decoderLengths = new int[set.Count];
        long[] keys = new long[set.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            _sourceLengths[i] = set.SourceLength(i);
            _decoderLengths[i] = set.TargetLength(i) + 1;
            keys[i] = ((long)_sourceLengths[i] << 32) | (uint)_decoderLengths[i];   // source length first, then target
        }
        _plan = new BatchPlan(keys, batchSize, order, seed);
    }

    /// <summary>The pairs batched.</summary>
    public PairSet Set { get; }

    /// <summary>B: pairs per batch (the last batch of a chunk may have fewer).</summary>
    public int BatchSize => _plan.BatchSize;

    /// <summary>How pairs are grouped and ordered.</summary>
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
    /// The next batch of the current epoch (Ts its longest source, Tt its longest target + 1) and true; or false at
    /// the end of the epoch, after which the position is the start of the next one. The batch object is reused for
    /// the next batch of the same Ts, Tt and B: use it before calling again.
    /// </summary>
    public bool Next(out Seq2SeqBatch batch)
    {
        if (!_plan.Next(out ReadOnlySpan<int> examples))
        {
            batch = null!;
            return false;
        }
        (int source, int target) = Set.TimestepsOf(examples);
        (int, int, int) key = (source, target, examples.Length);
        if (!_batches.TryGetValue(key, out batch!))
        {
            batch = new Seq2SeqBatch(source, target, examples.Length);
            _batches.Add(key, batch);
        }
        Set.Fill(batch, examples);
        return true;
    }

    /// <summary>The examples (set indices) of batch <paramref name="index"/> of <paramref name="epoch"/>, in column order.</summary>
    public ReadOnlySpan<int> Examples(int epoch, int index) => _plan.Examples(epoch, index);

    /// <summary>
    /// Padding over all timestep slots of epoch <paramref name="epoch"/>, encoder and decoder together:
    /// Σ (Ts·B − Σ source lengths + Tt·B − Σ (target lengths + 1)) / Σ (Ts + Tt)·B over its batches.
    /// </summary>
    public double PaddedFraction(int epoch = 0)
    {
        (long sourceSlots, long sourcePadding) = _plan.Padding(epoch, _sourceLengths);
        (long decoderSlots, long decoderPadding) = _plan.Padding(epoch, _decoderLengths);
        return (double)(sourcePadding + decoderPadding) / (sourceSlots + decoderSlots);
    }
}

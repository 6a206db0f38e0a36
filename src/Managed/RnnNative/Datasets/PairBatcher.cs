using RnnNative.Data;

namespace RnnNative.Datasets;

/// <summary>
/// Cuts a <see cref="PairSet"/> into <see cref="Seq2SeqBatch"/>es of up to B pairs (Ts the longest source, Tt the
/// longest target + 1 of each), epoch after epoch, on the plan of <see cref="Batcher{TBatch}"/> that sequences use:
/// bucketed batches group pairs by source length, then target length, so both the encoder's and the decoder's
/// padding stay small; the order is a function of (seed, epoch), so a saved position resumes exactly.
/// </summary>
public sealed class PairBatcher : Batcher<Seq2SeqBatch>
{
    private readonly Dictionary<(int Source, int Target, int Batch), Seq2SeqBatch> _batches = [];
    private readonly int[] _sourceLengths;    // [N] encoder timesteps
    private readonly int[] _decoderLengths;   // [N] decoder timesteps: target tokens + 1

    /// <summary>Batches of <paramref name="batchSize"/> of <paramref name="set"/> (at least one pair) in <paramref name="order"/>, shuffled from <paramref name="seed"/>.</summary>
    public PairBatcher(PairSet set, int batchSize, BatchOrder order = BatchOrder.Bucketed, ulong seed = 0)
        : base(KeysOf(set), batchSize, order, seed)
    {
        Set = set;
        _sourceLengths = new int[set.Count];
        _decoderLengths = new int[set.Count];
        for (int i = 0; i < set.Count; i++)
        {
            _sourceLengths[i] = set.SourceLength(i);
            _decoderLengths[i] = set.TargetLength(i) + 1;
        }
    }

    /// <summary>The pairs batched.</summary>
    public PairSet Set { get; }

    /// <summary>
    /// Padding over all timestep slots of epoch <paramref name="epoch"/>, encoder and decoder together:
    /// Σ (Ts·B − Σ source lengths + Tt·B − Σ (target lengths + 1)) / Σ (Ts + Tt)·B over its batches.
    /// </summary>
    public double PaddedFraction(int epoch = 0)
    {
        (long sourceSlots, long sourcePadding) = Padding(epoch, _sourceLengths);
        (long decoderSlots, long decoderPadding) = Padding(epoch, _decoderLengths);
        return (double)(sourcePadding + decoderPadding) / (sourceSlots + decoderSlots);
    }

    /// <summary>The batch of the examples' <see cref="PairSet.TimestepsOf"/> and B = their count, filled by <see cref="PairSet.Fill"/>.</summary>
    private protected override Seq2SeqBatch Fill(ReadOnlySpan<int> examples)
    {
        (int source, int target) = Set.TimestepsOf(examples);
        (int, int, int) key = (source, target, examples.Length);
        if (!_batches.TryGetValue(key, out Seq2SeqBatch? batch))
        {
            batch = new Seq2SeqBatch(source, target, examples.Length);
            _batches.Add(key, batch);
        }
        Set.Fill(batch, examples);
        return batch;
    }

    /// <summary>Each pair's sort key: its source length, then its target length.</summary>
    private static long[] KeysOf(PairSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(set.Count, 1, nameof(set));
        long[] keys = new long[set.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = ((long)set.SourceLength(i) << 32) | (uint)set.TargetLength(i);
        return keys;
    }
}

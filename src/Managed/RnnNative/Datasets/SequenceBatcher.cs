using RnnNative.Data;

namespace RnnNative.Datasets;

/// <summary>
/// Cuts a <see cref="SequenceSet"/> into <see cref="SequenceBatch"/>es of up to B sequences (T the longest of each),
/// epoch after epoch, on the plan of <see cref="Batcher{TBatch}"/>: bucketed batches group sequences of similar
/// lengths; the order is a function of (seed, epoch), so a saved position resumes exactly.
/// </summary>
public sealed class SequenceBatcher : Batcher<SequenceBatch>
{
    private readonly Dictionary<(int Timesteps, int Batch), SequenceBatch> _batches = [];
    private readonly int[] _lengths;   // [N] the sort keys of the plan and the padding's measure

    /// <summary>Batches of <paramref name="batchSize"/> of <paramref name="set"/> (at least one sequence) in <paramref name="order"/>, shuffled from <paramref name="seed"/>.</summary>
    public SequenceBatcher(SequenceSet set, int batchSize, BatchOrder order = BatchOrder.Bucketed, ulong seed = 0)
        : this(set, LengthsOf(set), batchSize, order, seed)
    {
    }

    private SequenceBatcher(SequenceSet set, int[] lengths, int batchSize, BatchOrder order, ulong seed)
        : base([.. lengths.Select(length => (long)length)], batchSize, order, seed)
    {
        Set = set;
        _lengths = lengths;
    }

    /// <summary>The sequences batched.</summary>
    public SequenceSet Set { get; }

    /// <summary>Padding over all timestep slots of epoch <paramref name="epoch"/>: Σ (T·B − Σ lengths) / Σ T·B over its batches.</summary>
    public double PaddedFraction(int epoch = 0)
    {
        (long slots, long padding) = Padding(epoch, _lengths);
        return (double)padding / slots;
    }

    /// <summary>The batch of T = the examples' longest and B = their count, filled by <see cref="SequenceSet.Fill"/>.</summary>
    private protected override SequenceBatch Fill(ReadOnlySpan<int> examples)
    {
        (int, int) key = (Set.LongestOf(examples), examples.Length);
        if (!_batches.TryGetValue(key, out SequenceBatch? batch))
        {
            batch = new SequenceBatch(key.Item1, key.Item2, Set.FeatureSize, Set.Target, Set.ValueSize);
            _batches.Add(key, batch);
        }
        Set.Fill(batch, examples);
        return batch;
    }

    private static int[] LengthsOf(SequenceSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(set.Count, 1, nameof(set));
        int[] lengths = new int[set.Count];
        for (int i = 0; i < lengths.Length; i++) lengths[i] = set.Length(i);
        return lengths;
    }
}

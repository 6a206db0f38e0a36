using RnnNative.Data;
using RnnNative.Randomness;

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
    public const int ChunkBatches = 50;

    private readonly Dictionary<(int Timesteps, int Batch), SequenceBatch> _batches = [];
    private int[][] _plan = [];
    private int _planEpoch = -1;

    /// <summary>Batches of <paramref name="batchSize"/> of <paramref name="set"/> (at least one sequence) in <paramref name="order"/>, shuffled from <paramref name="seed"/>.</summary>
    public SequenceBatcher(SequenceSet set, int batchSize, BatchOrder order = BatchOrder.Bucketed, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(set.Count, 1, nameof(set));
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "unknown batch order");
        Set = set;
        BatchSize = batchSize;
        Order = order;
        Seed = seed;
        BatchesPerEpoch = (set.Count + batchSize - 1) / batchSize;
    }

    /// <summary>The sequences batched.</summary>
    public SequenceSet Set { get; }

    /// <summary>B: sequences per batch (the last batch of a chunk may have fewer).</summary>
    public int BatchSize { get; }

    /// <summary>How sequences are grouped and ordered.</summary>
    public BatchOrder Order { get; }

    /// <summary>The seed that, with the epoch, fixes each epoch's order.</summary>
    public ulong Seed { get; }

    /// <summary>ceil(N/B).</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The next batch to give; set it to resume a run (Batch in 0..BatchesPerEpoch).</summary>
    public BatchPosition Position
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value.Epoch, nameof(value));
            if (value.Batch < 0 || value.Batch > BatchesPerEpoch)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"batch must be in 0..{BatchesPerEpoch}");
            }
            field = value;
        }
    }

    /// <summary>
    /// The next batch of the current epoch, T its longest sequence, and true; or false at the end of the
    /// epoch, after which the position is the start of the next one. The batch object is reused for the
    /// next batch of the same T and B: use it before calling again.
    /// </summary>
    public bool Next(out SequenceBatch batch)
    {
        (int epoch, int index) = Position;
        if (index == BatchesPerEpoch)
        {
            Position = new BatchPosition(epoch + 1, 0);
            batch = null!;
            return false;
        }
        ReadOnlySpan<int> examples = Examples(epoch, index);
        (int, int) key = (Set.LongestOf(examples), examples.Length);
        if (!_batches.TryGetValue(key, out batch!))
        {
            batch = new SequenceBatch(key.Item1, key.Item2, Set.FeatureSize, Set.Target, Set.ValueSize);
            _batches.Add(key, batch);
        }
        Set.Fill(batch, examples);
        Position = new BatchPosition(epoch, index + 1);
        return true;
    }

    /// <summary>The examples (set indices) of batch <paramref name="index"/> of <paramref name="epoch"/>, in column order.</summary>
    public ReadOnlySpan<int> Examples(int epoch, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (epoch != _planEpoch)
        {
            _plan = Plan(epoch);
            _planEpoch = epoch;
        }
        return _plan[index];
    }

    /// <summary>Padding over all timestep slots of epoch <paramref name="epoch"/>: Σ (T·B − Σ lengths) / Σ T·B over its batches.</summary>
    public double PaddedFraction(int epoch = 0)
    {
        long slots = 0, padding = 0;
        for (int index = 0; index < BatchesPerEpoch; index++)
        {
            ReadOnlySpan<int> examples = Examples(epoch, index);
            int timesteps = Set.LongestOf(examples);
            slots += (long)timesteps * examples.Length;
            foreach (int example in examples) padding += timesteps - Set.Length(example);
        }
        return (double)padding / slots;
    }

    private int[][] Plan(int epoch)
    {
        int n = Set.Count;
        if (Order == BatchOrder.InOrder)
        {
            int[] identity = new int[n];
            for (int i = 0; i < n; i++) identity[i] = i;
            return Cut(identity);
        }
        // One generator per epoch from (seed, epoch), independent of how many numbers earlier epochs drew.
        SeededRandom random = new(Seed ^ ((ulong)epoch + 1) * 0xD1B54A32D192ED03UL);
        int[] order = SequenceSet.Permutation(n, random);
        if (Order == BatchOrder.Shuffled)
        {
            return Cut(order);
        }
        int chunk = ChunkBatches * BatchSize;
        List<int[]> batches = new(BatchesPerEpoch);
        for (int start = 0; start < n; start += chunk)
        {
            int[] sorted = order[start..Math.Min(n, start + chunk)];
            // Stable in the shuffled order: ties keep it, so the result does not depend on the sort algorithm.
            int[] rank = new int[sorted.Length];
            for (int k = 0; k < rank.Length; k++) rank[k] = k;
            Array.Sort(rank, (a, b) => Set.Length(sorted[a]) != Set.Length(sorted[b]) ? Set.Length(sorted[a]).CompareTo(Set.Length(sorted[b])) : a.CompareTo(b));
            batches.AddRange(Cut([.. rank.Select(k => sorted[k])]));
        }
        int[][] plan = [.. batches];
        SequenceSet.Shuffle(plan.AsSpan(), random);
        return plan;
    }

    private int[][] Cut(int[] examples) => [.. examples.Chunk(BatchSize)];
}

using RnnNative.Randomness;

namespace RnnNative.Datasets;

/// <summary>
/// Cuts a set of N examples into batches of up to B, epoch after epoch, in the <see cref="BatchOrder"/> given: the
/// plan of which examples each batch holds, shared by the batchers of sequences (<see cref="SequenceBatcher"/>) and
/// of pairs (<see cref="PairBatcher"/>), which add only the filling of their batches. Examples are ordered by a sort
/// key (a sequence's length; a pair's source length, then target length). The plan of epoch e is a function of
/// (seed, e) only, so a run that saved its <see cref="Position"/> resumes with exactly the batches the uninterrupted
/// run would have seen. Every epoch has <see cref="BatchesPerEpoch"/> = ceil(N/B) batches and gives every example
/// once; only the last batch of a chunk (or of the set) can be smaller than B.
/// </summary>
/// <typeparam name="TBatch">The batch type filled from a batch's examples.</typeparam>
public abstract class Batcher<TBatch>
    where TBatch : class
{
    /// <summary>Chunk size of <see cref="BatchOrder.Bucketed"/> in batches: sorting within ~50 batches keeps lengths close and the order random.</summary>
    public const int ChunkBatches = 50;

    private readonly long[] _keys;
    private int[][] _plan = [];
    private int _planEpoch = -1;

    /// <summary>Batches of <paramref name="batchSize"/> of the examples whose sort keys are <paramref name="keys"/> (at least one).</summary>
    private protected Batcher(long[] keys, int batchSize, BatchOrder order, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keys.Length, 1, nameof(keys));
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "unknown batch order");
        _keys = keys;
        BatchSize = batchSize;
        Order = order;
        Seed = seed;
        BatchesPerEpoch = (keys.Length + batchSize - 1) / batchSize;
    }

    /// <summary>B: examples per batch (the last batch of a chunk may have fewer).</summary>
    public int BatchSize { get; }

    /// <summary>How examples are grouped and ordered.</summary>
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
    /// The next batch of the current epoch, padded to its longest example, and true; or false at the end of the
    /// epoch, after which the position is the start of the next one. The batch object is reused for the next
    /// batch of the same shape: use it before calling again.
    /// </summary>
    public bool Next(out TBatch batch)
    {
        (int epoch, int index) = Position;
        if (index == BatchesPerEpoch)
        {
            Position = new BatchPosition(epoch + 1, 0);
            batch = null!;
            return false;
        }
        batch = Fill(Examples(epoch, index));
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

    /// <summary>A batch (of a shape seen before, reused) filled with <paramref name="examples"/>, in this column order.</summary>
    private protected abstract TBatch Fill(ReadOnlySpan<int> examples);

    /// <summary>Timestep slots of epoch <paramref name="epoch"/>'s batches, each padded to its longest of <paramref name="lengths"/> [N], and how many of them are padding.</summary>
    private protected (long Slots, long Padding) Padding(int epoch, ReadOnlySpan<int> lengths)
    {
        long slots = 0, padding = 0;
        for (int index = 0; index < BatchesPerEpoch; index++)
        {
            ReadOnlySpan<int> examples = Examples(epoch, index);
            int longest = 0;
            foreach (int example in examples) longest = Math.Max(longest, lengths[example]);
            slots += (long)longest * examples.Length;
            foreach (int example in examples) padding += longest - lengths[example];
        }
        return (slots, padding);
    }

    private int[][] Plan(int epoch)
    {
        int n = _keys.Length;
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
            Array.Sort(rank, (a, b) => _keys[sorted[a]] != _keys[sorted[b]] ? _keys[sorted[a]].CompareTo(_keys[sorted[b]]) : a.CompareTo(b));
            batches.AddRange(Cut([.. rank.Select(k => sorted[k])]));
        }
        int[][] plan = [.. batches];
        SequenceSet.Shuffle(plan.AsSpan(), random);
        return plan;
    }

    private int[][] Cut(int[] examples) => [.. examples.Chunk(BatchSize)];
}

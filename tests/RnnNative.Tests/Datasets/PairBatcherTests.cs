using RnnNative.Data;
using RnnNative.Datasets;
using Xunit.Abstractions;

namespace RnnNative.Tests.Datasets;

public class PairBatcherTests(ITestOutputHelper output)
{
    /// <summary>
    /// N pairs with skewed lengths as translations have them: most sources 1..8 tokens, one in eight 1..120, each target
    /// as long as its source give or take 2; pair i's source tokens are 4 + i % 50.
    /// </summary>
    private static PairSet Skewed(int n, ulong seed = 3)
    {
        Randomness.SeededRandom random = new(seed);
        int[][] sources = new int[n][], targets = new int[n][];
        for (int i = 0; i < n; i++)
        {
            int length = random.NextInt(8) == 0 ? 1 + random.NextInt(120) : 1 + random.NextInt(8);
            sources[i] = Enumerable.Repeat(4 + i % 50, length).ToArray();
            targets[i] = Enumerable.Repeat(5, Math.Max(1, length - 2 + random.NextInt(5))).ToArray();
        }
        return PairSet.FromTokens(sources, targets);
    }

    private static List<int[]> Epoch(PairBatcher batcher)
    {
        List<int[]> batches = [];
        while (batcher.Next(out Seq2SeqBatch batch)) batches.Add([.. batch.Examples]);
        return batches;
    }

    [Fact]
    public void An_epoch_gives_every_pair_once_in_batches_padded_to_their_longest_sides()
    {
        PairSet set = Skewed(500);
        PairBatcher batcher = new(set, 16, BatchOrder.Bucketed, seed: 5);

        List<int[]> batches = [];
        while (batcher.Next(out Seq2SeqBatch batch))
        {
            batches.Add([.. batch.Examples]);
            Assert.Equal(batch.SourceLengths.Max(), batch.SourceTimesteps);
            Assert.Equal(batch.TargetLengths.Max(), batch.TargetTimesteps);
            for (int b = 0; b < batch.Batch; b++)
            {
                Assert.Equal(set.SourceLength(batch.Examples[b]), batch.SourceLengths[b]);
                Assert.Equal(set.TargetLength(batch.Examples[b]) + 1, batch.TargetLengths[b]);
            }
        }

        Assert.Equal(32, batcher.BatchesPerEpoch);
        Assert.Equal(32, batches.Count);
        Assert.Equal(Enumerable.Range(0, 500), batches.SelectMany(b => b).Order());
        Assert.Equal(new BatchPosition(1, 0), batcher.Position);
    }

    [Fact]
    public void The_order_is_a_function_of_seed_and_epoch_and_resumes_from_a_position()
    {
        PairSet set = Skewed(400);
        PairBatcher first = new(set, 8, BatchOrder.Bucketed, seed: 11);
        PairBatcher second = new(set, 8, BatchOrder.Bucketed, seed: 11);

        List<int[]> epoch0 = Epoch(first), epoch1 = Epoch(first);
        for (int i = 0; i < 9; i++) first.Next(out _);
        BatchPosition saved = first.Position;
        List<int[]> expected = [.. Enumerable.Range(0, 6).Select(_ => { first.Next(out Seq2SeqBatch b); return b.Examples.ToArray(); })];
        PairBatcher resumed = new(set, 8, BatchOrder.Bucketed, seed: 11) { Position = saved };

        Assert.Equal(epoch0, Epoch(second));
        Assert.Equal(epoch1, Epoch(second));
        Assert.NotEqual(epoch0, epoch1);
        Assert.NotEqual(epoch0, Epoch(new PairBatcher(set, 8, BatchOrder.Bucketed, seed: 12)));
        Assert.Equal(new BatchPosition(2, 9), saved);
        Assert.Equal(expected, [.. Enumerable.Range(0, 6).Select(_ => { resumed.Next(out Seq2SeqBatch b); return b.Examples.ToArray(); })]);
    }

    [Fact]
    public void Bucketing_by_source_then_target_length_cuts_the_padding_of_skewed_lengths()
    {
        PairSet set = Skewed(4000);

        double shuffled = new PairBatcher(set, 32, BatchOrder.Shuffled, seed: 9).PaddedFraction();
        double bucketed = new PairBatcher(set, 32, BatchOrder.Bucketed, seed: 9).PaddedFraction();

        output.WriteLine($"padded fraction, 4000 skewed pairs, B = 32: shuffled {shuffled:P1}, bucketed {bucketed:P1}");
        Assert.True(shuffled > 0.7, $"shuffled {shuffled}");
        Assert.True(bucketed < shuffled / 4, $"bucketed {bucketed}");
    }

    [Fact]
    public void Bucketed_batches_hold_pairs_of_one_source_length_when_there_are_enough_of_them()
    {
        // 6 pairs per source length 1..4, B = 3: sorted by source length then target length, a batch never mixes source lengths.
        int[][] sources = [.. Enumerable.Range(0, 24).Select(i => Enumerable.Repeat(4, 1 + i % 4).ToArray())];
        int[][] targets = [.. Enumerable.Range(0, 24).Select(i => Enumerable.Repeat(4, 1 + i / 4).ToArray())];
        PairBatcher batcher = new(PairSet.FromTokens(sources, targets), 3, BatchOrder.Bucketed, seed: 4);

        foreach (int[] batch in Epoch(batcher))
        {
            Assert.Single(batch.Select(example => sources[example].Length).Distinct());
        }
    }

    [Fact]
    public void The_padded_fraction_counts_encoder_and_decoder_slots()
    {
        // sources 1 and 3 tokens (Ts = 3: 6 slots, 2 padding); targets 2 and 1 tokens + end (Tt = 3: 6 slots, 1 padding).
        PairSet set = PairSet.FromTokens([[4], [4, 4, 4]], [[4, 4], [4]]);

        Assert.Equal(3.0 / 12, new PairBatcher(set, 2, BatchOrder.InOrder).PaddedFraction(), 12);
    }
}

using RnnNative.IO;
using RnnNative.Model;

namespace RnnNative.Tests.Model;

public class WordClassesTests
{
    [Fact]
    public void Frequency_classes_of_a_small_count_table_are_the_hand_computed_ones()
    {
        // sqrt(counts) = 3, 1, 2, 0, 4, 1 (total 11); by count: token 4, 0, 2, 1, 5, 3 (1 before 5: tie by id).
        // Cumulative mass 4/11 > 1/3 after token 4: class 0 ends. 7/11 < 2/3 after token 0, 9/11 > 2/3 after token 2:
        // class 1 is {0, 2}; the rest is class 2.
        WordClasses classes = WordClasses.ByFrequency([9, 1, 4, 0, 16, 1], 3);

        Assert.Equal([1, 2, 1, 2, 0, 2], classes.ClassOf.ToArray());
        Assert.Equal([0, 1, 3, 6], classes.Start.ToArray());
        Assert.Equal([4, 0, 2, 1, 3, 5], classes.Order.ToArray());   // by class, then id
        Assert.Equal([1, 3, 2, 4, 0, 5], classes.Row.ToArray());
        Assert.True(classes.Fitted);
        Assert.Equal(3, classes.Size(2));
    }

    [Fact]
    public void The_last_tokens_still_reach_every_class_so_none_is_empty()
    {
        // Token 0 holds all the mass: the toolkit's rule alone would put every other token in class 1 and leave class 2 empty.
        Assert.Equal([0, 1, 2, 2], WordClasses.ByFrequency([100, 0, 0, 0], 3).ClassOf.ToArray());
        // K = V: one token per class, most frequent first.
        Assert.Equal([2, 0, 1], WordClasses.ByFrequency([5, 9, 7], 3).ClassOf.ToArray());
        // No counts at all: equal mass per token; the first two reach exactly 1/2, not more, so class 0 goes on.
        Assert.Equal([0, 0, 0, 1], WordClasses.ByFrequency([0, 0, 0, 0], 2).ClassOf.ToArray());
    }

    [Fact]
    public void Zipf_counts_give_nonempty_classes_growing_with_rarity_and_about_equal_sqrt_mass()
    {
        const int V = 2000, K = 45;
        long[] counts = [.. Enumerable.Range(1, V).Select(rank => (long)(1_000_000 / rank))];
        WordClasses classes = WordClasses.ByFrequency(counts, K);

        double total = counts.Sum(c => Math.Sqrt(c));
        for (int c = 0; c < K; c++)
        {
            Assert.True(classes.Size(c) >= 1);
            double mass = 0;
            for (int r = classes.Start[c]; r < classes.Start[c + 1]; r++) mass += Math.Sqrt(counts[classes.Order[r]]) / total;
            // Each class closes on the token that crosses its boundary: at most one token's mass over 1/K.
            Assert.True(mass < 1.0 / K + Math.Sqrt(counts[0]) / total, $"class {c}: mass {mass}");
        }
        Assert.True(classes.Size(0) < classes.Size(K - 1));
        Assert.Equal(0, classes.ClassOf[0]);
        Assert.Equal(K - 1, classes.ClassOf[V - 1]);
    }

    [Fact]
    public void A_blob_round_trips_and_a_damaged_one_is_refused()
    {
        WordClasses classes = WordClasses.ByFrequency([9, 1, 4, 0, 16, 1], 3);
        WordClasses back = WordClasses.FromBlob(classes.ToBlob(), 6, 3);
        Assert.Equal(classes.ClassOf.ToArray(), back.ClassOf.ToArray());
        Assert.True(back.Fitted);
        Assert.False(WordClasses.FromBlob(WordClasses.Contiguous(6, 3).ToBlob(), 6, 3).Fitted);

        Assert.Throws<CheckpointFormatException>(() => WordClasses.FromBlob(classes.ToBlob(), 7, 3));
        Assert.Throws<CheckpointFormatException>(() => WordClasses.FromBlob(classes.ToBlob(), 6, 4));
        byte[] emptyClass = classes.ToBlob();
        emptyClass[12 + 4 * 4] = 1;   // token 4, class 0's only token, moved to class 1
        Assert.Contains("class 0 has no token", Assert.Throws<CheckpointFormatException>(() => WordClasses.FromBlob(emptyClass, 6, 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => WordClasses.ByFrequency([1, 2], 3));
    }

    [Fact]
    public void The_placeholder_splits_ids_into_contiguous_runs()
    {
        WordClasses classes = WordClasses.Contiguous(7, 3);
        Assert.Equal([0, 0, 0, 1, 1, 2, 2], classes.ClassOf.ToArray());
        Assert.Equal(Enumerable.Range(0, 7), classes.Order.ToArray());
        Assert.False(classes.Fitted);
    }
}

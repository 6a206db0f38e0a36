using System.Text;
using RnnNative.Data;
using RnnNative.Datasets;

namespace RnnNative.Tests.Datasets;

public class PairSetTests
{
    /// <summary>Pair 0: source [4 5 6], target [7]; pair 1: source [8], target [9 10 11].</summary>
    private static PairSet Two() => PairSet.FromTokens([[4, 5, 6], [8]], [[7], [9, 10, 11]]);

    [Fact]
    public void Fill_writes_the_teacher_forcing_layout_time_major_with_pad_and_ignored_targets()
    {
        Seq2SeqBatch batch = Two().CreateBatch([1, 0]);

        Assert.Equal((3, 4, 2), (batch.SourceTimesteps, batch.TargetTimesteps, batch.Batch));
        Assert.Equal([1, 0], batch.Examples);
        Assert.Equal([1, 3], batch.SourceLengths);
        Assert.Equal([4, 2], batch.TargetLengths);
        Assert.Equal(6, batch.Positions);
        // rows t*B + b:        t=0    t=1    t=2     t=3
        Assert.Equal([8, 4, 0, 5, 0, 6], batch.SourceTokens);
        Assert.Equal([1, 1, 9, 7, 10, 0, 11, 0], batch.DecoderInputs);
        Assert.Equal([9, 7, 10, 2, 11, -1, 2, -1], batch.DecoderTargets);
    }

    [Fact]
    public void Fill_rewrites_every_slot_of_a_reused_larger_batch()
    {
        PairSet set = Two();
        Seq2SeqBatch batch = new(4, 5, 2);
        foreach (int[] array in new[] { batch.SourceTokens, batch.DecoderInputs, batch.DecoderTargets, batch.SourceLengths, batch.TargetLengths }) array.AsSpan().Fill(99);

        set.Fill(batch, [0, 1]);

        Assert.Equal([4, 8, 5, 0, 6, 0, 0, 0], batch.SourceTokens);
        Assert.Equal([1, 1, 7, 9, 0, 10, 0, 11, 0, 0], batch.DecoderInputs);
        Assert.Equal([7, 9, 2, 10, -1, 11, -1, 2, -1, -1], batch.DecoderTargets);
        Assert.Equal([3, 1], batch.SourceLengths);
        Assert.Equal([2, 4], batch.TargetLengths);
    }

    [Fact]
    public void A_batch_too_small_or_of_another_size_is_refused()
    {
        PairSet set = Two();

        Assert.Throws<ArgumentException>(() => set.Fill(new Seq2SeqBatch(3, 3, 2), [0, 1]));   // target 3 tokens + end needs Tt = 4
        Assert.Throws<ArgumentException>(() => set.Fill(new Seq2SeqBatch(2, 4, 2), [0, 1]));
        Assert.Throws<ArgumentException>(() => set.Fill(new Seq2SeqBatch(3, 4, 3), [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Fill(new Seq2SeqBatch(3, 4, 1), [2]));
    }

    [Fact]
    public void Special_ids_below_unknown_and_empty_sides_are_not_pairs()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PairSet.FromTokens([[4, SpecialTokens.End]], [[5]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairSet.FromTokens([[4]], [[SpecialTokens.Padding]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PairSet.FromTokens([[4]], [[]]));
        Assert.Throws<ArgumentException>(() => PairSet.FromTokens([[4], [5]], [[6]]));
        Assert.Equal(SpecialTokens.Unknown, PairSet.FromTokens([[SpecialTokens.Unknown]], [[4]]).Source(0)[0]);
    }

    [Fact]
    public void Files_encode_with_vocabularies_fitted_on_training_and_unknown_symbols_become_unknown()
    {
        PairFile train = PairFile.Parse(Encoding.UTF8.GetBytes("12+3\t15\n4+4\t8\n"), "train.tsv");
        PairFile other = PairFile.Parse(Encoding.UTF8.GetBytes("9-1\t8\n"), "test.tsv");

        (TokenVocabulary source, TokenVocabulary target) = PairDataset.Fit(train, TokenUnit.Characters);
        PairSet encoded = PairDataset.Encode(other, source, target);

        // source units by frequency: '+' 2, '4' 2, then '1' '2' '3' once (ordinal ties)
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>", "+", "4", "1", "2", "3"], source.Tokens);
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>", "1", "5", "8"], target.Tokens);
        Assert.Equal([SpecialTokens.Unknown, SpecialTokens.Unknown, 6], encoded.Source(0).ToArray());
        Assert.Equal([6], encoded.Target(0).ToArray());
        Assert.Equal("<unk><unk>1", source.Decode(encoded.Source(0)));
    }

    [Fact]
    public void A_side_without_a_word_is_an_error_naming_file_and_line()
    {
        PairFile file = PairFile.Parse(Encoding.UTF8.GetBytes("go\tva\n  \tva\n"), "words.tsv");
        (TokenVocabulary source, TokenVocabulary target) = PairDataset.Fit(PairFile.FromPairs([("go", "va")]), TokenUnit.Words);

        Assert.Equal("words.tsv:2: the source has no word", Assert.Throws<DatasetFormatException>(() => PairDataset.Encode(file, source, target)).Message);
        Assert.Throws<ArgumentException>(() => PairDataset.Encode(file, TokenVocabulary.Build(["go"], TokenUnit.Words), target));
    }

    [Fact]
    public void The_split_is_deterministic_by_seed_disjoint_and_keeps_the_order()
    {
        PairSet set = PairSet.FromTokens([.. Enumerable.Range(0, 100).Select(i => new[] { 4 + i })], [.. Enumerable.Range(0, 100).Select(i => new[] { 4 + i, 5 })]);

        (PairSet train, PairSet validation) = set.Split(0.2, seed: 7);
        (PairSet train2, PairSet validation2) = set.Split(0.2, seed: 7);
        (_, PairSet otherValidation) = set.Split(0.2, seed: 8);

        int[] held = [.. Enumerable.Range(0, validation.Count).Select(i => validation.Source(i)[0] - 4)];
        int[] kept = [.. Enumerable.Range(0, train.Count).Select(i => train.Source(i)[0] - 4)];
        Assert.Equal(20, held.Length);
        Assert.Equal(Enumerable.Range(0, 100), held.Concat(kept).Order());
        Assert.Equal(held.Order(), held);
        Assert.Equal(validation2.SourceTokens, validation.SourceTokens);
        Assert.Equal(train2.TargetTokens, train.TargetTokens);
        Assert.NotEqual(otherValidation.SourceTokens, validation.SourceTokens);
        Assert.Equal([4 + held[3], 5], validation.Target(3).ToArray());
    }
}

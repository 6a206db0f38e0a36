using RnnNative.Data;

namespace RnnNative.Tests.Data;

public class TokenSequenceTests
{
    internal static int[] ReadAll(TokenSequence tokens)
    {
        int[] ids = new int[tokens.Length];
        tokens.CopyTo(0, ids);
        return ids;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(256, 1)]
    [InlineData(257, 2)]
    [InlineData(65536, 2)]
    [InlineData(65537, 4)]
    public void Smallest_integer_type_that_fits_the_vocabulary_is_chosen(int vocabularyCount, int bytesPerToken)
    {
        Assert.Equal(bytesPerToken, TokenSequence.BytesPerTokenFor(vocabularyCount));
        int[] ids = [0, vocabularyCount - 1, vocabularyCount / 2];
        TokenSequence tokens = TokenSequence.FromIds(ids, vocabularyCount);
        Assert.Equal(bytesPerToken, tokens.BytesPerToken);
        Assert.Equal(ids, ReadAll(tokens));
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenSequence.FromIds([0, 256], 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenSequence.FromIds([-1], 300));
    }

    [Fact]
    public void Slices_read_their_range_and_bounds_are_checked()
    {
        TokenSequence tokens = TokenSequence.FromIds([.. Enumerable.Range(0, 100)], 1000);
        TokenSequence slice = tokens.Slice(10, 20).Slice(5, 10);
        Assert.Equal(Enumerable.Range(15, 10), ReadAll(slice));
        Assert.Throws<ArgumentOutOfRangeException>(() => slice.CopyTo(1, new int[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.CopyTo(-1, new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Slice(90, 11));
    }

    [Theory]
    [InlineData(1000, 0.1, 900, 100)]
    [InlineData(1005, 0.1, 905, 100)]
    [InlineData(10, 0.0, 10, 0)]
    [InlineData(10, 0.25, 8, 2)]
    public void Split_holds_out_the_last_fraction(int length, double fraction, int train, int validation)
    {
        TokenSequence tokens = TokenSequence.FromIds([.. Enumerable.Range(0, length)], length);
        CorpusSplit split = CorpusSplit.Create(tokens, fraction);
        Assert.Equal(Enumerable.Range(0, train), ReadAll(split.Train));
        Assert.Equal(Enumerable.Range(train, validation), ReadAll(split.Validation));
    }

    [Fact]
    public void Split_rejects_fractions_outside_zero_to_one()
    {
        TokenSequence tokens = TokenSequence.FromIds([1, 2], 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusSplit.Create(tokens, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CorpusSplit.Create(tokens, double.NaN));
    }
}

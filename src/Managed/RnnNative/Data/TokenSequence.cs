namespace RnnNative.Data;

/// <summary>
/// A read-only corpus of token ids 0..<see cref="VocabularyCount"/>-1, stored as the smallest integer
/// type that holds them (<see cref="BytesPerTokenFor"/>): byte, ushort or int, in memory or in a
/// memory-mapped token file. Reads widen to int. Thread-safe for reads.
/// <see cref="Dispose"/> releases a mapped file; slices borrow their parent and must not outlive it.
/// </summary>
public abstract class TokenSequence : IDisposable
{
    private protected TokenSequence(long length, int vocabularyCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularyCount, 1);
        Length = length;
        VocabularyCount = vocabularyCount;
    }

    /// <summary>N: tokens in the sequence.</summary>
    public long Length { get; }

    /// <summary>Ids are below this number.</summary>
    public int VocabularyCount { get; }

    /// <summary>1 (byte), 2 (ushort) or 4 (int): the storage of one token.</summary>
    public int BytesPerToken => BytesPerTokenFor(VocabularyCount);

    /// <summary>The smallest storage for ids below <paramref name="vocabularyCount"/>: 1 up to 256 ids, 2 up to 65536, else 4.</summary>
    public static int BytesPerTokenFor(int vocabularyCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularyCount, 1);
        return vocabularyCount <= 1 << 8 ? 1 : vocabularyCount <= 1 << 16 ? 2 : 4;
    }

    /// <summary>An in-memory sequence of <paramref name="ids"/> in the smallest storage.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside 0..vocabularyCount-1.</exception>
    public static TokenSequence FromIds(ReadOnlySpan<int> ids, int vocabularyCount)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocabularyCount)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"id at {i} is outside the vocabulary of {vocabularyCount}");
            }
        }
        return BytesPerTokenFor(vocabularyCount) switch
        {
            1 => TokenArray<byte>.From(ids, vocabularyCount),
            2 => TokenArray<ushort>.From(ids, vocabularyCount),
            _ => TokenArray<int>.From(ids, vocabularyCount),
        };
    }

    /// <summary>Copies tokens <paramref name="start"/> .. start+destination.Length-1 into <paramref name="destination"/>.</summary>
    public void CopyTo(long start, Span<int> destination)
    {
        if (start < 0 || start > Length - destination.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"tokens {start}..{start + destination.Length} are outside the sequence of {Length}");
        }
        CopyToCore(start, destination);
    }

    /// <summary>How often each id occurs [<paramref name="vocabularySize"/>] (at least <see cref="VocabularyCount"/>): the
    /// unigram counts a class-factored softmax's word classes are fitted on.</summary>
    public long[] CountTokens(int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, VocabularyCount);
        long[] counts = new long[vocabularySize];
        int[] chunk = new int[(int)Math.Min(Length, 1 << 16)];
        for (long start = 0; start < Length; start += chunk.Length)
        {
            Span<int> ids = chunk.AsSpan(0, (int)Math.Min(chunk.Length, Length - start));
            CopyToCore(start, ids);
            foreach (int id in ids) counts[id]++;
        }
        return counts;
    }

    /// <summary>The tokens <paramref name="start"/> .. start+length-1, sharing this sequence's storage.</summary>
    public TokenSequence Slice(long start, long length)
    {
        if (start < 0 || length < 0 || start > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"slice {start}+{length} is outside the sequence of {Length}");
        }
        return new TokenSequenceSlice(this, start, length);
    }

    /// <summary>Releases a mapped file; a no-op for in-memory sequences and slices.</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    /// <summary>Copies in-range tokens (checked by the caller).</summary>
    private protected abstract void CopyToCore(long start, Span<int> destination);

    private sealed class TokenSequenceSlice(TokenSequence parent, long offset, long length)
        : TokenSequence(length, parent.VocabularyCount)
    {
        private protected override void CopyToCore(long start, Span<int> destination) => parent.CopyToCore(offset + start, destination);
    }
}

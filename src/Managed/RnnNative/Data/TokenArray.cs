using System.Numerics;

namespace RnnNative.Data;

/// <summary>An in-memory token sequence stored as <typeparamref name="T"/> (byte, ushort or int).</summary>
internal sealed class TokenArray<T> : TokenSequence
    where T : unmanaged, IBinaryInteger<T>
{
    private readonly T[] _tokens;

    public TokenArray(T[] tokens, int vocabularyCount)
        : base(tokens.Length, vocabularyCount) => _tokens = tokens;

    /// <summary>Narrows ids already checked to be below <paramref name="vocabularyCount"/>.</summary>
    public static TokenArray<T> From(ReadOnlySpan<int> ids, int vocabularyCount)
    {
        T[] tokens = new T[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            tokens[i] = T.CreateTruncating(ids[i]);
        }
        return new TokenArray<T>(tokens, vocabularyCount);
    }

    private protected override void CopyToCore(long start, Span<int> destination)
    {
        ReadOnlySpan<T> source = _tokens.AsSpan((int)start, destination.Length);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = int.CreateTruncating(source[i]);
        }
    }
}

/// <summary>Appends ids narrowed to <typeparamref name="T"/> to a growing array, for encoding a corpus in chunks.</summary>
internal sealed class TokenArrayBuilder<T>(int initialCapacity)
    where T : unmanaged, IBinaryInteger<T>
{
    private T[] _tokens = new T[Math.Max(initialCapacity, 16)];
    private int _count;

    public void Append(ReadOnlySpan<int> ids)
    {
        if (ids.Length > _tokens.Length - _count)
        {
            long needed = (long)_count + ids.Length;
            if (needed > Array.MaxLength)
            {
                throw new InvalidOperationException($"a corpus of more than {Array.MaxLength} tokens does not fit in memory; encode it to a token file");
            }
            Array.Resize(ref _tokens, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _tokens.Length)));
        }
        Span<T> destination = _tokens.AsSpan(_count, ids.Length);
        for (int i = 0; i < ids.Length; i++)
        {
            destination[i] = T.CreateTruncating(ids[i]);
        }
        _count += ids.Length;
    }

    public TokenArray<T> Build(int vocabularyCount)
    {
        Array.Resize(ref _tokens, _count);
        return new TokenArray<T>(_tokens, vocabularyCount);
    }
}

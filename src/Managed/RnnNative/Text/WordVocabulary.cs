using System.Text;

namespace RnnNative.Text;

/// <summary>
/// One id per word, symbol or line break of <see cref="WordTokenizer"/>'s tokenization (its summary
/// says exactly what is kept: words and punctuation separated by single spaces, line breaks kept,
/// other whitespace dropped). Ids are the most frequent tokens of the corpus, most frequent first,
/// ties in ordinal order, then <c>&lt;unk&gt;</c> last; every token not kept encodes to
/// <c>&lt;unk&gt;</c>, which decodes to the text "&lt;unk&gt;".
/// <para>Serialized payload: int32 n, then n times (int32 byte length, UTF-8 bytes) in id order.</para>
/// </summary>
public sealed class WordVocabulary : Vocabulary
{
    private const string UnknownText = "<unk>";
    private readonly string[] _tokens;
    private readonly byte[][] _utf8;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _ids;
    private readonly int _newlineId;

    private WordVocabulary(string[] tokens)
    {
        _tokens = tokens;
        _utf8 = [.. tokens.Select(Encoding.UTF8.GetBytes)];
        Dictionary<string, int> ids = new(tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
        {
            if (!WordTokenizer.IsSingleToken(_utf8[id]))
            {
                throw new ArgumentException($"\"{tokens[id]}\" (id {id}) is not a single token of the word tokenizer", nameof(tokens));
            }
            if (!ids.TryAdd(tokens[id], id))
            {
                throw new ArgumentException($"\"{tokens[id]}\" appears twice", nameof(tokens));
            }
        }
        _ids = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _newlineId = ids.GetValueOrDefault("\n", -1);
    }

    /// <inheritdoc/>
    public override VocabularyKind Kind => VocabularyKind.Word;

    /// <inheritdoc/>
    public override int Count => _tokens.Length + 1;

    /// <summary>Always the last id.</summary>
    public override int? UnknownId => _tokens.Length;

    /// <summary>The token of each id in id order (excludes <c>&lt;unk&gt;</c>).</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The <paramref name="maxWords"/> most frequent tokens of a UTF-8 corpus, plus <c>&lt;unk&gt;</c>.</summary>
    public static WordVocabulary Build(ReadOnlySpan<byte> utf8Corpus, int maxWords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        TokenCounts counts = new(new Dictionary<string, long>(StringComparer.Ordinal));
        WordTokenizer.Tokenize(utf8Corpus, isFinalBlock: true, ref counts);
        return FromCounts(counts.Counts, maxWords);
    }

    /// <summary>Builds from a UTF-8 stream read to its end in chunks; same result as the span overload.</summary>
    public static WordVocabulary Build(Stream utf8Corpus, int maxWords, int chunkBytes = Utf8ChunkReader.DefaultChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWords, 1);
        TokenCounts counts = new(new Dictionary<string, long>(StringComparer.Ordinal));
        Utf8ChunkReader.ReadAll(utf8Corpus, chunkBytes, (utf8, isFinalBlock) => WordTokenizer.Tokenize(utf8, isFinalBlock, ref counts));
        return FromCounts(counts.Counts, maxWords);
    }

    /// <summary>A vocabulary of exactly these tokens in this id order, plus <c>&lt;unk&gt;</c>; each must be one token.</summary>
    public static WordVocabulary FromTokens(IEnumerable<string> tokens) => new([.. tokens]);

    /// <inheritdoc/>
    public override int EncodeChunk(ReadOnlySpan<byte> utf8, bool isFinalBlock, List<int> ids)
    {
        Encoder encoder = new(this, ids);
        return WordTokenizer.Tokenize(utf8, isFinalBlock, ref encoder);
    }

    /// <summary>The token itself, <c>\n</c> for a line break, <c>&lt;unk&gt;</c> for the unknown id.</summary>
    public override string TokenText(int id)
    {
        CheckId(id);
        return id == _tokens.Length ? UnknownText : id == _newlineId ? "\\n" : _tokens[id];
    }

    private protected override void AppendTokenUtf8(int id, int previousId, List<byte> utf8)
    {
        if (previousId >= 0 && previousId != _newlineId && id != _newlineId)
        {
            utf8.Add((byte)' ');
        }
        utf8.AddRange(id == _tokens.Length ? "<unk>"u8 : _utf8[id]);
    }

    private protected override void WritePayload(BlobWriter writer)
    {
        writer.WriteInt32(_tokens.Length);
        foreach (byte[] token in _utf8)
        {
            writer.WriteInt32(token.Length);
            writer.WriteBytes(token);
        }
    }

    internal static WordVocabulary ReadPayload(ref BlobReader reader)
    {
        int count = reader.ReadCount(5, "word");
        string[] tokens = new string[count];
        UTF8Encoding strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (int id = 0; id < count; id++)
        {
            ReadOnlySpan<byte> utf8 = reader.ReadBytes(reader.ReadInt32());
            try
            {
                tokens[id] = strict.GetString(utf8);
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"word vocabulary id {id} is not valid UTF-8");
            }
        }
        try
        {
            return new WordVocabulary(tokens);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"word vocabulary is invalid: {e.Message}", e);
        }
    }

    private static WordVocabulary FromCounts(Dictionary<string, long> counts, int maxWords)
    {
        List<KeyValuePair<string, long>> ranked = [.. counts];
        ranked.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        return new WordVocabulary([.. ranked.Take(maxWords).Select(pair => pair.Key)]);
    }

    /// <summary>Decodes a token's UTF-8 into <paramref name="scratch"/> (or a new array when it is too small).</summary>
    private static ReadOnlySpan<char> ToChars(ReadOnlySpan<byte> utf8Token, Span<char> scratch)
    {
        Span<char> chars = utf8Token.Length <= scratch.Length ? scratch : new char[utf8Token.Length];
        return chars[..Encoding.UTF8.GetChars(utf8Token, chars)];
    }

    private struct TokenCounts(Dictionary<string, long> counts) : IWordTokenSink
    {
        private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();

        public readonly Dictionary<string, long> Counts => _lookup.Dictionary;

        public readonly void Token(ReadOnlySpan<byte> utf8Token)
        {
            ReadOnlySpan<char> token = ToChars(utf8Token, stackalloc char[128]);
            _lookup[token] = _lookup.TryGetValue(token, out long count) ? count + 1 : 1;
        }
    }

    private readonly struct Encoder(WordVocabulary vocabulary, List<int> ids) : IWordTokenSink
    {
        public void Token(ReadOnlySpan<byte> utf8Token)
        {
            ReadOnlySpan<char> token = ToChars(utf8Token, stackalloc char[128]);
            ids.Add(vocabulary._ids.TryGetValue(token, out int id) ? id : vocabulary._tokens.Length);
        }
    }
}

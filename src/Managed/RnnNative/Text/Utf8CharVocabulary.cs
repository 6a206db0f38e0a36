using System.Text;

namespace RnnNative.Text;

/// <summary>
/// One id per Unicode scalar value, never splitting a multi-byte character. Ids are ordered by
/// frequency in the corpus, most frequent first, ties by ascending code point; with a size cap the
/// last id is <c>&lt;unk&gt;</c>.
/// <para>Invalid UTF-8: each maximal invalid subpart (what <see cref="Encoding.UTF8"/> replaces) is
/// read as one U+FFFD, which is then counted and encoded like any other character. So for any bytes,
/// <c>Decode(Encode(bytes)) == Encoding.UTF8.GetString(bytes)</c> when every character is in the vocabulary.</para>
/// <para>Serialized payload: flags byte (bit 0: has <c>&lt;unk&gt;</c>), int32 n, n uint32 code points in id order.</para>
/// </summary>
public sealed class Utf8CharVocabulary : Vocabulary
{
    private const string UnknownText = "<unk>";
    private readonly Rune[] _characters;
    private readonly bool _hasUnknown;
    private readonly Dictionary<int, int> _ids;
    private readonly int[] _asciiIds = new int[128];

    private Utf8CharVocabulary(Rune[] characters, bool hasUnknown)
    {
        _characters = characters;
        _hasUnknown = hasUnknown;
        _ids = new Dictionary<int, int>(characters.Length);
        Array.Fill(_asciiIds, -1);
        for (int id = 0; id < characters.Length; id++)
        {
            if (!_ids.TryAdd(characters[id].Value, id))
            {
                throw new ArgumentException($"character U+{characters[id].Value:X4} appears twice", nameof(characters));
            }
            if (characters[id].IsAscii)
            {
                _asciiIds[characters[id].Value] = id;
            }
        }
    }

    /// <inheritdoc/>
    public override VocabularyKind Kind => VocabularyKind.Utf8Char;

    /// <inheritdoc/>
    public override int Count => _characters.Length + (_hasUnknown ? 1 : 0);

    /// <summary>The last id when the vocabulary was built with a size cap; null otherwise.</summary>
    public override int? UnknownId => _hasUnknown ? _characters.Length : null;

    /// <summary>The character of each id in id order (excludes <c>&lt;unk&gt;</c>).</summary>
    public IReadOnlyList<Rune> Characters => _characters;

    /// <summary>
    /// Builds the vocabulary of a UTF-8 corpus. Without <paramref name="maxSize"/>: every character
    /// seen, no <c>&lt;unk&gt;</c>, and encoding a character not seen throws. With it: at most
    /// <paramref name="maxSize"/> ids, the most frequent maxSize-1 characters plus <c>&lt;unk&gt;</c>
    /// (always present then, so unseen text encodes too).
    /// </summary>
    public static Utf8CharVocabulary Build(ReadOnlySpan<byte> utf8Corpus, int? maxSize = null)
    {
        CharacterCounts counts = new();
        counts.Add(utf8Corpus, isFinalBlock: true);
        return counts.ToVocabulary(maxSize);
    }

    /// <summary>Builds from a UTF-8 stream read to its end in chunks; same result as the span overload.</summary>
    public static Utf8CharVocabulary Build(Stream utf8Corpus, int? maxSize = null, int chunkBytes = Utf8ChunkReader.DefaultChunkBytes)
    {
        CharacterCounts counts = new();
        Utf8ChunkReader.ReadAll(utf8Corpus, chunkBytes, counts.Add);
        return counts.ToVocabulary(maxSize);
    }

    /// <summary>A vocabulary of exactly these characters in this id order, plus <c>&lt;unk&gt;</c> last if asked.</summary>
    public static Utf8CharVocabulary FromCharacters(IEnumerable<Rune> characters, bool withUnknown) => new([.. characters], withUnknown);

    /// <inheritdoc/>
    public override int EncodeChunk(ReadOnlySpan<byte> utf8, bool isFinalBlock, List<int> ids)
    {
        int position = 0;
        while (position < utf8.Length)
        {
            byte first = utf8[position];
            int id;
            if (first < 0x80)
            {
                id = _asciiIds[first];
                if (id < 0)
                {
                    id = Unknown(new Rune(first), position);
                }
                position++;
            }
            else
            {
                if (!Utf8Runes.TryDecodeFirst(utf8[position..], isFinalBlock, out Rune rune, out int length))
                {
                    break;
                }
                if (!_ids.TryGetValue(rune.Value, out id))
                {
                    id = Unknown(rune, position);
                }
                position += length;
            }
            ids.Add(id);
        }
        return position;
    }

    /// <summary>The character itself; <c>\n</c>, <c>\t</c>, <c>\r</c> escaped, other controls as <c>&lt;U+XXXX&gt;</c>.</summary>
    public override string TokenText(int id)
    {
        CheckId(id);
        if (id == _characters.Length)
        {
            return UnknownText;
        }
        Rune rune = _characters[id];
        return rune.Value switch
        {
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            _ when Rune.IsControl(rune) => $"<U+{rune.Value:X4}>",
            _ => rune.ToString(),
        };
    }

    /// <summary><c>&lt;unk&gt;</c> decodes to U+FFFD, the Unicode character for "unknown".</summary>
    private protected override void AppendTokenUtf8(int id, int previousId, List<byte> utf8)
    {
        Rune rune = id == _characters.Length ? Rune.ReplacementChar : _characters[id];
        Span<byte> bytes = stackalloc byte[4];
        utf8.AddRange(bytes[..rune.EncodeToUtf8(bytes)]);
    }

    private protected override void WritePayload(BlobWriter writer)
    {
        writer.WriteByte(_hasUnknown ? (byte)1 : (byte)0);
        writer.WriteInt32(_characters.Length);
        foreach (Rune rune in _characters)
        {
            writer.WriteUInt32((uint)rune.Value);
        }
    }

    internal static Utf8CharVocabulary ReadPayload(ref BlobReader reader)
    {
        byte flags = reader.ReadByte();
        if (flags > 1)
        {
            throw new InvalidDataException($"character vocabulary has unknown flags 0x{flags:X2}");
        }
        int count = reader.ReadCount(4, "character");
        Rune[] characters = new Rune[count];
        HashSet<uint> seen = new(count);
        for (int id = 0; id < count; id++)
        {
            uint value = reader.ReadUInt32();
            if (!Rune.IsValid(value))
            {
                throw new InvalidDataException($"character vocabulary id {id} is 0x{value:X}, not a Unicode scalar value");
            }
            if (!seen.Add(value))
            {
                throw new InvalidDataException($"character vocabulary lists U+{value:X4} twice");
            }
            characters[id] = new Rune(value);
        }
        return new Utf8CharVocabulary(characters, flags == 1);
    }

    private int Unknown(Rune rune, int position)
    {
        if (!_hasUnknown)
        {
            throw new CharacterNotInVocabularyException(rune, position);
        }
        return _characters.Length;
    }

    /// <summary>Counts characters of a corpus that may arrive in chunks.</summary>
    private sealed class CharacterCounts
    {
        private readonly long[] _ascii = new long[128];
        private readonly Dictionary<int, long> _other = [];

        public int Add(ReadOnlySpan<byte> utf8, bool isFinalBlock)
        {
            int position = 0;
            while (position < utf8.Length)
            {
                byte first = utf8[position];
                if (first < 0x80)
                {
                    _ascii[first]++;
                    position++;
                    continue;
                }
                if (!Utf8Runes.TryDecodeFirst(utf8[position..], isFinalBlock, out Rune rune, out int length))
                {
                    break;
                }
                _other[rune.Value] = _other.GetValueOrDefault(rune.Value) + 1;
                position += length;
            }
            return position;
        }

        public Utf8CharVocabulary ToVocabulary(int? maxSize)
        {
            if (maxSize is int cap)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1, nameof(maxSize));
            }
            List<(int Value, long Count)> seen = [.. _other.Select(pair => (pair.Key, pair.Value))];
            for (int value = 0; value < 128; value++)
            {
                if (_ascii[value] > 0)
                {
                    seen.Add((value, _ascii[value]));
                }
            }
            seen.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Value.CompareTo(b.Value));
            int kept = maxSize is int limit ? Math.Min(seen.Count, limit - 1) : seen.Count;
            return new Utf8CharVocabulary([.. seen.Take(kept).Select(entry => new Rune(entry.Value))], hasUnknown: maxSize is not null);
        }
    }
}

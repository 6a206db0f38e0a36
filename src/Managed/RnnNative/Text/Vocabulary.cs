using System.Text;

namespace RnnNative.Text;

/// <summary>
/// Maps UTF-8 text to token ids 0..<see cref="Count"/>-1 and back. Implementations are immutable and
/// thread-safe; the set of kinds is closed (<see cref="VocabularyKind"/>) so a serialized vocabulary
/// (<see cref="Write"/>, <see cref="Read"/>) always reads back as the type that wrote it.
/// Invalid UTF-8 in the input is read as U+FFFD per maximal invalid subpart (the rule of
/// <see cref="Encoding.UTF8"/>), except by <see cref="ByteVocabulary"/>, which never interprets bytes.
/// </summary>
public abstract class Vocabulary
{
    private protected Vocabulary()
    {
    }

    /// <summary>Which kind of tokens the ids stand for (bytes, characters or words).</summary>
    public abstract VocabularyKind Kind { get; }

    /// <summary>Number of ids; valid ids are 0..Count-1.</summary>
    public abstract int Count { get; }

    /// <summary>The id that text outside the vocabulary encodes to, or null when there is none.</summary>
    public abstract int? UnknownId { get; }

    /// <summary>
    /// Encodes a prefix of <paramref name="utf8"/>, appending ids to <paramref name="ids"/>, and returns
    /// the bytes consumed. Unless <paramref name="isFinalBlock"/>, it stops before a character or word
    /// that the next bytes could still extend; pass those bytes again with the next chunk. Encoding a
    /// text in chunks this way gives exactly the ids of encoding it whole.
    /// </summary>
    /// <exception cref="CharacterNotInVocabularyException">A character is not in the vocabulary and there is no <see cref="UnknownId"/>.</exception>
    public abstract int EncodeChunk(ReadOnlySpan<byte> utf8, bool isFinalBlock, List<int> ids);

    /// <summary>Words a word vocabulary keeps when no size is given.</summary>
    public const int DefaultWordCount = 10_000;

    /// <summary>
    /// The one vocabulary factory of every front door (CLI --vocab/--vocab-size, rnn_vocab_build, Python):
    /// a vocabulary of <paramref name="kind"/> for the UTF-8 text read from <paramref name="utf8Corpus"/> to its end.
    /// <paramref name="maxSize"/> caps the ids: characters: the maxSize-1 most frequent plus &lt;unk&gt;
    /// (0: every character seen, no &lt;unk&gt;); words: the maxSize most frequent plus &lt;unk&gt;
    /// (0: <see cref="DefaultWordCount"/>); bytes: ignored (always 256).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown <paramref name="kind"/>, or <paramref name="maxSize"/> negative or 1.</exception>
    public static Vocabulary Build(VocabularyKind kind, Stream utf8Corpus, int maxSize = 0)
    {
        ArgumentNullException.ThrowIfNull(utf8Corpus);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown vocabulary kind");
        if (maxSize is < 0 or 1) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "must be 0 (no cap) or at least 2");
        return kind switch
        {
            VocabularyKind.Byte => ByteVocabulary.Instance,
            VocabularyKind.Word => WordVocabulary.Build(utf8Corpus, maxSize == 0 ? DefaultWordCount : maxSize),
            _ => Utf8CharVocabulary.Build(utf8Corpus, maxSize == 0 ? null : maxSize),
        };
    }

    /// <summary>Encodes a whole UTF-8 text.</summary>
    public int[] Encode(ReadOnlySpan<byte> utf8Text)
    {
        List<int> ids = [];
        EncodeChunk(utf8Text, isFinalBlock: true, ids);
        return [.. ids];
    }

    /// <summary>Encodes a string (as its UTF-8 bytes).</summary>
    public int[] Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>The UTF-8 bytes that <paramref name="ids"/> stand for, concatenated as <see cref="Decode"/> joins them.</summary>
    public byte[] DecodeBytes(ReadOnlySpan<int> ids)
    {
        List<byte> utf8 = [];
        int previousId = -1;
        foreach (int id in ids)
        {
            CheckId(id);
            AppendTokenUtf8(id, previousId, utf8);
            previousId = id;
        }
        return [.. utf8];
    }

    /// <summary>The text that <paramref name="ids"/> stand for; bytes that are not valid UTF-8 become U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> ids) => Encoding.UTF8.GetString(DecodeBytes(ids));

    /// <summary>A decoder for text produced one token at a time (sampling).</summary>
    public TokenDecoder CreateDecoder() => new(this);

    /// <summary>A readable label of one token for display: escapes control characters, <c>&lt;unk&gt;</c> for the unknown id.</summary>
    public abstract string TokenText(int id);

    /// <summary>
    /// Appends the UTF-8 bytes of token <paramref name="id"/> (checked by the caller) when it follows
    /// <paramref name="previousId"/> (-1 at the start of a text); word vocabularies put separators here.
    /// </summary>
    private protected abstract void AppendTokenUtf8(int id, int previousId, List<byte> utf8);

    internal void AppendChecked(int id, int previousId, List<byte> utf8)
    {
        CheckId(id);
        AppendTokenUtf8(id, previousId, utf8);
    }

    private protected void CheckId(int id)
    {
        if ((uint)id >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {Count} ids");
        }
    }

    /// <summary>
    /// Writes this vocabulary as a self-delimiting blob (layout in <see cref="VocabularyBlob"/>) at the
    /// stream's position, so it can be embedded in a checkpoint.
    /// </summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        VocabularyBlob.Write(stream, Kind, WritePayload);
    }

    /// <summary>Reads a blob written by <see cref="Write"/> that fills <paramref name="blob"/> exactly
    /// (a file's vocabulary section): bytes after it are an error, not ignored.</summary>
    /// <exception cref="InvalidDataException">As <see cref="Read(Stream)"/>, or bytes follow the blob.</exception>
    public static Vocabulary FromBlob(ReadOnlySpan<byte> blob)
    {
        using MemoryStream stream = new(blob.ToArray());
        Vocabulary vocabulary = Read(stream);
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{stream.Length - stream.Position} bytes follow the vocabulary blob");
        }
        return vocabulary;
    }

    /// <summary>
    /// Reads a blob written by <see cref="Write"/>, consuming exactly its bytes from the stream.
    /// </summary>
    /// <exception cref="InvalidDataException">The blob is truncated, corrupt (checksum), of an unknown
    /// kind or format version, or describes an invalid vocabulary; the message says which.</exception>
    public static Vocabulary Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (VocabularyKind kind, byte[] payload) = VocabularyBlob.Read(stream);
        BlobReader reader = new(payload);
        Vocabulary vocabulary = kind switch
        {
            VocabularyKind.Byte => ByteVocabulary.Instance,
            VocabularyKind.Utf8Char => Utf8CharVocabulary.ReadPayload(ref reader),
            VocabularyKind.Word => WordVocabulary.ReadPayload(ref reader),
            _ => throw new InvalidDataException($"vocabulary blob has unknown kind {(int)kind}"),
        };
        reader.EnsureEnd();
        return vocabulary;
    }

    /// <summary>Writes what <see cref="Read"/> needs to rebuild this vocabulary of this <see cref="Kind"/>.</summary>
    private protected abstract void WritePayload(BlobWriter writer);
}

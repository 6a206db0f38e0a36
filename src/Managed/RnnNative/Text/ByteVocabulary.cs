namespace RnnNative.Text;

/// <summary>
/// 256 ids, id = byte value. Any byte sequence round-trips exactly through
/// <see cref="Vocabulary.Encode(ReadOnlySpan{byte})"/> and <see cref="Vocabulary.DecodeBytes"/>; a
/// character of k UTF-8 bytes is k tokens. No unknown id: nothing is outside the vocabulary.
/// Payload of the serialized form: empty.
/// </summary>
public sealed class ByteVocabulary : Vocabulary
{
    /// <summary>The one instance: the vocabulary holds no data.</summary>
    public static ByteVocabulary Instance { get; } = new();

    private ByteVocabulary()
    {
    }

    /// <inheritdoc/>
    public override VocabularyKind Kind => VocabularyKind.Byte;

    /// <inheritdoc/>
    public override int Count => 256;

    /// <inheritdoc/>
    public override int? UnknownId => null;

    /// <inheritdoc/>
    public override int EncodeChunk(ReadOnlySpan<byte> utf8, bool isFinalBlock, List<int> ids)
    {
        ids.EnsureCapacity(ids.Count + utf8.Length);
        foreach (byte value in utf8)
        {
            ids.Add(value);
        }
        return utf8.Length;
    }

    /// <summary>Printable ASCII as itself, any other byte as <c>&lt;0xNN&gt;</c>.</summary>
    public override string TokenText(int id)
    {
        CheckId(id);
        return id is >= 0x20 and < 0x7F ? ((char)id).ToString() : $"<0x{id:X2}>";
    }

    private protected override void AppendTokenUtf8(int id, int previousId, List<byte> utf8) => utf8.Add((byte)id);

    private protected override void WritePayload(BlobWriter writer)
    {
    }
}

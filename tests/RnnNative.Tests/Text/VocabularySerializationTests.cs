using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class VocabularySerializationTests
{
    private static readonly byte[] Corpus = Encoding.UTF8.GetBytes("Grüße, 世界! 😀 e\u0301 the the cat\n");

    public static TheoryData<string> Kinds => ["byte", "char", "char-capped", "word"];

    private static Vocabulary Create(string kind) => kind switch
    {
        "byte" => ByteVocabulary.Instance,
        "char" => Utf8CharVocabulary.Build(Corpus),
        "char-capped" => Utf8CharVocabulary.Build(Corpus, maxSize: 5),
        "word" => WordVocabulary.Build(Corpus, 6),
        _ => throw new ArgumentException(kind),
    };

    private static byte[] Serialize(Vocabulary vocabulary)
    {
        MemoryStream stream = new();
        vocabulary.Write(stream);
        return stream.ToArray();
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Round_trip_keeps_kind_ids_and_unknown_and_reads_exactly_the_blob(string kind)
    {
        Vocabulary original = Create(kind);
        byte[] blob = Serialize(original);
        MemoryStream stream = new([.. blob, 0xAB]);
        Vocabulary read = Vocabulary.Read(stream);
        Assert.Equal(blob.Length, stream.Position);
        Assert.Equal(original.Kind, read.Kind);
        Assert.Equal(original.GetType(), read.GetType());
        Assert.Equal(original.Count, read.Count);
        Assert.Equal(original.UnknownId, read.UnknownId);
        Assert.Equal(original.Encode(Corpus), read.Encode(Corpus));
        Assert.Equal(Enumerable.Range(0, original.Count).Select(original.TokenText), Enumerable.Range(0, read.Count).Select(read.TokenText));
        Assert.Equal(blob, Serialize(read));
    }

    [Fact]
    public void Header_is_little_endian_and_versioned()
    {
        byte[] blob = Serialize(Utf8CharVocabulary.Build("ab"u8));
        Assert.Equal("RNVC"u8.ToArray(), blob[..4]);
        Assert.Equal([1, 0], blob[4..6]);
        Assert.Equal((byte)VocabularyKind.Utf8Char, blob[6]);
        Assert.Equal([1 + 4 + 8, 0, 0, 0], blob[8..12]);
        Assert.Equal([(byte)'a', 0, 0, 0], blob[17..21]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_truncation_is_rejected_as_invalid_data(string kind)
    {
        byte[] blob = Serialize(Create(kind));
        for (int length = 0; length < blob.Length; length++)
        {
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => Vocabulary.Read(new MemoryStream(blob[..length])));
            Assert.Contains("vocabulary blob", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_flipped_byte_is_rejected_as_invalid_data(string kind)
    {
        byte[] blob = Serialize(Create(kind));
        for (int i = 0; i < blob.Length; i++)
        {
            byte[] corrupt = (byte[])blob.Clone();
            corrupt[i] ^= 0x10;
            Assert.Throws<InvalidDataException>(() => Vocabulary.Read(new MemoryStream(corrupt)));
        }
    }

    [Fact]
    public void Unsupported_version_is_named_in_the_message()
    {
        byte[] blob = Serialize(ByteVocabulary.Instance);
        blob[4] = 9;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Vocabulary.Read(new MemoryStream(blob)));
        Assert.Contains("version 9", error.Message);
    }

    [Fact]
    public void A_payload_with_a_valid_checksum_but_a_duplicate_character_is_rejected()
    {
        byte[] blob = Serialize(Utf8CharVocabulary.Build("aab"u8));
        blob[21] = (byte)'a';
        uint crc = Crc32CReference(blob.AsSpan(0, blob.Length - 4));
        BitConverter.TryWriteBytes(blob.AsSpan(blob.Length - 4), crc);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Vocabulary.Read(new MemoryStream(blob)));
        Assert.Contains("twice", error.Message);
    }

    /// <summary>Bitwise CRC-32C (Castagnoli), independent of the engine's table-driven and hardware ones.</summary>
    private static uint Crc32CReference(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0x82F63B78u & (uint)-(int)(crc & 1));
            }
        }
        return ~crc;
    }
}

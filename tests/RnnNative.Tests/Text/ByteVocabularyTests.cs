using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class ByteVocabularyTests
{
    [Fact]
    public void Any_bytes_round_trip_exactly()
    {
        byte[] bytes = new byte[1000];
        new Random(3).NextBytes(bytes);
        Vocabulary vocabulary = ByteVocabulary.Instance;
        int[] ids = vocabulary.Encode(bytes);
        Assert.Equal(bytes.Select(b => (int)b), ids);
        Assert.Equal(bytes, vocabulary.DecodeBytes(ids));
        Assert.Equal(256, vocabulary.Count);
        Assert.Null(vocabulary.UnknownId);
        Assert.Equal(VocabularyKind.Byte, vocabulary.Kind);
    }

    [Fact]
    public void Multibyte_text_decodes_to_the_same_string()
    {
        const string text = "aé€😀e\u0301";
        int[] ids = ByteVocabulary.Instance.Encode(text);
        Assert.Equal(1 + 2 + 3 + 4 + 1 + 2, ids.Length);
        Assert.Equal(text, ByteVocabulary.Instance.Decode(ids));
    }

    [Fact]
    public void Token_text_shows_printable_ascii_and_escapes_the_rest()
    {
        Assert.Equal("a", ByteVocabulary.Instance.TokenText('a'));
        Assert.Equal("<0x0A>", ByteVocabulary.Instance.TokenText('\n'));
        Assert.Equal("<0xC3>", ByteVocabulary.Instance.TokenText(0xC3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteVocabulary.Instance.TokenText(256));
    }

    [Fact]
    public void Decode_rejects_ids_outside_the_vocabulary()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteVocabulary.Instance.Decode([65, 256]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteVocabulary.Instance.Decode([-1]));
    }

    [Fact]
    public void Invalid_utf8_decodes_like_encoding_utf8()
    {
        byte[] bytes = [0x61, 0xFF, 0xE2, 0x82, 0x41, 0xF0, 0x9F];
        Assert.Equal(Encoding.UTF8.GetString(bytes), ByteVocabulary.Instance.Decode(ByteVocabulary.Instance.Encode(bytes)));
    }
}

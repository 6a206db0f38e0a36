using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class TokenDecoderTests
{
    [Fact]
    public void Byte_tokens_fed_one_by_one_emit_only_complete_characters()
    {
        TokenDecoder decoder = ByteVocabulary.Instance.CreateDecoder();
        byte[] euro = Encoding.UTF8.GetBytes("€");
        Assert.Equal("", decoder.Append(euro[0]));
        Assert.Equal(1, decoder.PendingByteCount);
        Assert.Equal("", decoder.Append(euro[1]));
        Assert.Equal("€", decoder.Append(euro[2]));
        Assert.Equal(0, decoder.PendingByteCount);
        byte[] emoji = Encoding.UTF8.GetBytes("😀");
        Assert.Equal(["", "", "", "😀"], emoji.Select(b => decoder.Append(b)));
        Assert.Equal("a", decoder.Append('a'));
    }

    [Fact]
    public void Pieces_concatenate_to_decode_for_every_text()
    {
        const string text = "Grüße, 世界! 👩‍💻 e\u0301 \u0000\n";
        foreach (Vocabulary vocabulary in new Vocabulary[] { ByteVocabulary.Instance, Utf8CharVocabulary.Build(Encoding.UTF8.GetBytes(text)), WordVocabulary.Build(Encoding.UTF8.GetBytes(text), 100) })
        {
            int[] ids = vocabulary.Encode(text);
            TokenDecoder decoder = vocabulary.CreateDecoder();
            StringBuilder streamed = new();
            foreach (int id in ids)
            {
                string piece = decoder.Append(id);
                Assert.False(piece.Length > 0 && char.IsHighSurrogate(piece[^1]), "a piece ended inside a surrogate pair");
                streamed.Append(piece);
            }
            streamed.Append(decoder.Flush());
            Assert.Equal(vocabulary.Decode(ids), streamed.ToString());
        }
    }

    [Fact]
    public void Random_bytes_streamed_equal_decode_and_flush_replaces_an_incomplete_tail()
    {
        byte[] bytes = new byte[4000];
        Random random = new(7);
        random.NextBytes(bytes);
        // Mix in valid multi-byte characters so that completions happen too.
        byte[] valid = Encoding.UTF8.GetBytes("é€😀");
        for (int i = 0; i + valid.Length < bytes.Length; i += 50)
        {
            valid.CopyTo(bytes, i);
        }
        TokenDecoder decoder = ByteVocabulary.Instance.CreateDecoder();
        StringBuilder streamed = new();
        foreach (byte b in bytes)
        {
            streamed.Append(decoder.Append(b));
        }
        Assert.Equal("", decoder.Append(0xF0));
        streamed.Append(decoder.Flush());
        Assert.Equal(Encoding.UTF8.GetString([.. bytes, 0xF0]), streamed.ToString());
        Assert.Equal(0, decoder.PendingByteCount);
    }

    [Fact]
    public void Word_decoder_inserts_separators_and_restarts_after_flush()
    {
        WordVocabulary vocabulary = WordVocabulary.FromTokens(["a", "b", "\n"]);
        TokenDecoder decoder = vocabulary.CreateDecoder();
        Assert.Equal(["a", " b", "\n", "a"], new[] { 0, 1, 2, 0 }.Select(decoder.Append));
        Assert.Equal("", decoder.Flush());
        Assert.Equal("b", decoder.Append(1));
    }
}

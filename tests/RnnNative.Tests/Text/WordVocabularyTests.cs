using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class WordVocabularyTests
{
    private static WordVocabulary BuildAll(string text) => WordVocabulary.Build(Encoding.UTF8.GetBytes(text), 1000);

    private static string[] Tokens(string text)
    {
        WordVocabulary vocabulary = BuildAll(text);
        return [.. vocabulary.Encode(text).Select(id => vocabulary.Tokens[id])];
    }

    [Fact]
    public void Words_punctuation_and_line_breaks_are_tokens_other_whitespace_separates()
    {
        Assert.Equal(["Hello", ",", "world", "!", "\n", "It", "'", "s", "2024", "."], Tokens("Hello,  world!\r\n\tIt's 2024."));
    }

    [Fact]
    public void Letters_digits_and_combining_marks_from_any_script_stay_in_one_word()
    {
        Assert.Equal(["naïve", "e\u0301te\u0301", "x2", "世界", "Ωμέγα", "😀", "😀", "-", "١٢٣"], Tokens("naïve e\u0301te\u0301 x2 世界 Ωμέγα 😀😀-١٢٣"));
    }

    [Theory]
    [InlineData("Hello,  world!\r\nBye", "Hello , world !\nBye")]
    [InlineData("  leading and trailing  \n\n  spaces ", "leading and trailing\n\nspaces")]
    [InlineData("a\u00A0b\tc", "a b c")]
    [InlineData("(x+y)=z", "( x + y ) = z")]
    [InlineData("", "")]
    public void Decode_of_encode_is_the_documented_normalization(string text, string normalized)
    {
        WordVocabulary vocabulary = BuildAll(text);
        int[] ids = vocabulary.Encode(text);
        Assert.Equal(normalized, vocabulary.Decode(ids));
        Assert.Equal(ids, vocabulary.Encode(normalized));
    }

    [Fact]
    public void Invalid_utf8_splits_words_and_becomes_a_replacement_symbol()
    {
        byte[] bytes = [0x61, 0x62, 0xFF, 0x63, 0x20, 0xE2, 0x82];
        WordVocabulary vocabulary = WordVocabulary.Build(bytes, 10);
        Assert.Equal("ab \uFFFD c \uFFFD", vocabulary.Decode(vocabulary.Encode(bytes)));
    }

    [Fact]
    public void Top_words_by_frequency_then_ordinal_plus_unknown()
    {
        WordVocabulary vocabulary = WordVocabulary.Build("the cat the dog the cat a bird"u8, maxWords: 3);
        Assert.Equal(["the", "cat", "a"], vocabulary.Tokens);
        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(3, vocabulary.UnknownId);
        Assert.Equal([0, 3, 1, 3], vocabulary.Encode("the dog cat zebra"u8));
        Assert.Equal("the <unk> cat <unk>", vocabulary.Decode([0, 3, 1, 3]));
        Assert.Equal("<unk>", vocabulary.TokenText(3));
    }

    [Fact]
    public void Chunked_encoding_equals_whole_encoding_at_every_cut()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("Grüße,\r\nwörld 世界😀 e\u0301e\u0301 end"), 0xE2, 0x82];
        WordVocabulary vocabulary = WordVocabulary.Build(bytes, 100);
        int[] whole = vocabulary.Encode(bytes);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            List<int> ids = [];
            int consumed = vocabulary.EncodeChunk(bytes.AsSpan(0, cut), isFinalBlock: false, ids);
            vocabulary.EncodeChunk(bytes.AsSpan(consumed), isFinalBlock: true, ids);
            Assert.Equal(whole, ids);
        }
    }

    [Fact]
    public void Stream_build_equals_span_build_with_tiny_chunks()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("one two two three three three 世界 世界 😀\n");
        WordVocabulary expected = WordVocabulary.Build(bytes, 4);
        WordVocabulary streamed = WordVocabulary.Build(new MemoryStream(bytes), 4, chunkBytes: 1);
        Assert.Equal(expected.Tokens, streamed.Tokens);
    }

    [Fact]
    public void Tokens_that_are_not_single_tokens_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens(["two words"]));
        Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens(["a", "a"]));
        Assert.Throws<ArgumentException>(() => WordVocabulary.FromTokens([""]));
    }
}

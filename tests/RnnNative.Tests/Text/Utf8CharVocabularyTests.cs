using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public class Utf8CharVocabularyTests
{
    // 1-byte, 2-byte (é), 3-byte (€, 世), 4-byte (😀, 𝄞), a combining mark (U+0301) and a ZWJ emoji sequence.
    private const string Multilingual = "aé€世😀𝄞 e\u0301 👩\u200D💻 aaa ééé";

    [Fact]
    public void Multibyte_text_round_trips_one_id_per_scalar()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build(Encoding.UTF8.GetBytes(Multilingual));
        int[] ids = vocabulary.Encode(Multilingual);
        Assert.Equal(Multilingual.EnumerateRunes().Count(), ids.Length);
        Assert.Equal(Multilingual, vocabulary.Decode(ids));
        Assert.Equal(Multilingual.EnumerateRunes().Distinct().Count(), vocabulary.Count);
        Assert.Null(vocabulary.UnknownId);
        Assert.Equal("😀", vocabulary.TokenText(vocabulary.Encode("😀")[0]));
    }

    [Fact]
    public void Ids_are_ordered_by_frequency_then_code_point()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build("cbbaaa€€€😀"u8);
        Assert.Equal(["a", "€", "b", "c", "😀"], vocabulary.Characters.Select(r => r.ToString()));
        Assert.Equal([3, 2, 2, 0, 0, 0, 1, 1, 1, 4], vocabulary.Encode("cbbaaa€€€😀"u8));
    }

    [Fact]
    public void Each_maximal_invalid_subpart_is_one_replacement_character_counted_like_any_other()
    {
        // 'a', lone continuation, truncated 3-byte sequence, 'b', overlong, truncated 4-byte at the end.
        byte[] bytes = [0x61, 0x80, 0xE2, 0x82, 0x62, 0xC0, 0xAF, 0xF0, 0x9F, 0x98];
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build(bytes);
        string expected = Encoding.UTF8.GetString(bytes);
        Assert.Equal("a\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFD", expected);
        Assert.Equal(["\uFFFD", "a", "b"], vocabulary.Characters.Select(r => r.ToString()));
        int[] ids = vocabulary.Encode(bytes);
        Assert.Equal([1, 0, 0, 2, 0, 0, 0], ids);
        Assert.Equal(expected, vocabulary.Decode(ids));
    }

    [Fact]
    public void Size_cap_keeps_the_most_frequent_characters_and_adds_unknown()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build("aaaa€€€bbc😀"u8, maxSize: 4);
        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(3, vocabulary.UnknownId);
        Assert.Equal(["a", "€", "b"], vocabulary.Characters.Select(r => r.ToString()));
        Assert.Equal([0, 1, 2, 3, 3, 3], vocabulary.Encode("a€bc😀z"u8));
        Assert.Equal("<unk>", vocabulary.TokenText(3));
        Assert.Equal("a€b\uFFFD", vocabulary.Decode([0, 1, 2, 3]));
    }

    [Fact]
    public void Cap_larger_than_the_alphabet_still_has_unknown_for_unseen_text()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build("ab"u8, maxSize: 100);
        Assert.Equal(3, vocabulary.Count);
        Assert.Equal([0, 1, 2], vocabulary.Encode("abé"u8));
    }

    [Fact]
    public void Without_cap_an_unseen_character_throws_naming_it()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build("ab"u8);
        CharacterNotInVocabularyException error = Assert.Throws<CharacterNotInVocabularyException>(() => vocabulary.Encode("a€"u8));
        Assert.Equal((new System.Text.Rune(0x20AC), 1L), (error.Character, error.ByteOffset));
        Assert.Contains("U+20AC", error.Message);
    }

    [Fact]
    public void Chunked_encoding_equals_whole_encoding_at_every_cut()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(Multilingual), 0xF0, 0x9F, 0x61, 0xE2];
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.Build(bytes);
        int[] whole = vocabulary.Encode(bytes);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            List<int> ids = [];
            int consumed = vocabulary.EncodeChunk(bytes.AsSpan(0, cut), isFinalBlock: false, ids);
            Assert.InRange(cut - consumed, 0, 3);
            vocabulary.EncodeChunk(bytes.AsSpan(consumed), isFinalBlock: true, ids);
            Assert.Equal(whole, ids);
        }
    }

    [Fact]
    public void Stream_build_equals_span_build_with_tiny_chunks()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(Multilingual + Multilingual);
        Utf8CharVocabulary expected = Utf8CharVocabulary.Build(bytes, 6);
        Utf8CharVocabulary streamed = Utf8CharVocabulary.Build(new MemoryStream(bytes), 6, chunkBytes: 1);
        Assert.Equal(expected.Characters, streamed.Characters);
        Assert.Equal(expected.UnknownId, streamed.UnknownId);
    }

    [Fact]
    public void Token_text_escapes_controls()
    {
        Utf8CharVocabulary vocabulary = Utf8CharVocabulary.FromCharacters([new Rune('\n'), new Rune('\t'), new Rune(1), new Rune(' ')], withUnknown: false);
        Assert.Equal(["\\n", "\\t", "<U+0001>", " "], Enumerable.Range(0, 4).Select(vocabulary.TokenText));
    }
}

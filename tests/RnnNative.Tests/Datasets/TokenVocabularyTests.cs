using RnnNative.Data;
using RnnNative.Datasets;

namespace RnnNative.Tests.Datasets;

public class TokenVocabularyTests
{
    [Fact]
    public void Units_are_ranked_by_frequency_then_ordinal_capped_with_unknown_last()
    {
        TokenVocabulary vocabulary = TokenVocabulary.Build(["b", "a", "c", "a", "b", "d", "a"], TokenUnit.Words, maxUnits: 2);

        Assert.Equal(3, vocabulary.Count);
        Assert.Equal(["a", "b", "<unk>"], Enumerable.Range(0, 3).Select(vocabulary.UnitText));
        Assert.Equal(vocabulary.UnknownId, vocabulary.Id("c"));
        Assert.Equal(vocabulary.UnknownId, vocabulary.Id("never seen"));
    }

    [Fact]
    public void Lowercase_folds_units_when_building_and_when_encoding()
    {
        TokenVocabulary vocabulary = TokenVocabulary.Build(["York", "york", "NEW"], TokenUnit.Words, lowercase: true);

        Assert.Equal(["york", "new", "<unk>"], Enumerable.Range(0, 3).Select(vocabulary.UnitText));
        Assert.Equal(0, vocabulary.Id("YORK"));
    }

    [Fact]
    public void Texts_split_into_words_and_symbols_or_characters()
    {
        Assert.Equal(["Don", "'", "t", "stop", "!"], TokenVocabulary.Split("Don't  stop!", TokenUnit.Words));
        Assert.Equal(["a", " ", "😀"], TokenVocabulary.Split("a 😀", TokenUnit.Characters));
    }

    [Fact]
    public void Serialized_vocabularies_read_back_with_unit_and_case()
    {
        TokenVocabulary vocabulary = TokenVocabulary.Build(["x", "y", "y"], TokenUnit.Characters, lowercase: true);

        TokenVocabulary read = TokenVocabulary.Deserialize(vocabulary.Serialize());

        Assert.Equal((TokenUnit.Characters, true, 3), (read.Unit, read.Lowercase, read.Count));
        Assert.Equal(["y", "x", "<unk>"], Enumerable.Range(0, 3).Select(read.UnitText));
        Assert.Throws<InvalidDataException>(() => TokenVocabulary.Deserialize([7, 0, .. vocabulary.Serialize()[2..]]));
    }

    [Fact]
    public void A_sequence_to_sequence_vocabulary_puts_the_special_tokens_first_and_maps_unknowns_to_their_unknown()
    {
        TokenVocabulary vocabulary = TokenVocabulary.BuildWithSpecialTokens(["b", "a", "c", "a", "b", "d", "a", "<s>"], TokenUnit.Words, maxUnits: 2);

        Assert.True(vocabulary.HasSpecialTokens);
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>", "a", "b"], vocabulary.Tokens);
        Assert.Equal((SpecialTokens.Count + 2, SpecialTokens.Unknown), (vocabulary.Count, vocabulary.UnknownId));
        Assert.Equal([4, 5, SpecialTokens.Unknown, SpecialTokens.Unknown, SpecialTokens.Unknown], new[] { "a", "b", "c", "never seen", "<s>" }.Select(vocabulary.Id));
    }

    [Fact]
    public void Encode_and_decode_go_through_units_and_leave_the_special_tokens_out_of_the_text()
    {
        TokenVocabulary words = TokenVocabulary.BuildWithSpecialTokens(["go", "home", "go"], TokenUnit.Words, lowercase: true);
        TokenVocabulary characters = TokenVocabulary.BuildWithSpecialTokens(["1", "2", "+"], TokenUnit.Characters);

        Assert.Equal([4, 5, SpecialTokens.Unknown], words.Encode("Go home now"));
        Assert.Equal("go home <unk>", words.Decode([SpecialTokens.Start, 4, 5, SpecialTokens.Unknown, SpecialTokens.End, SpecialTokens.Padding]));
        Assert.Equal("12+1", characters.Decode(characters.Encode("12+1")));
    }

    [Fact]
    public void A_vocabulary_of_ids_names_each_symbol_by_its_id()
    {
        TokenVocabulary ids = TokenVocabulary.OfIds(12);

        Assert.Equal((12, true, TokenUnit.Words), (ids.Count, ids.HasSpecialTokens, ids.Unit));
        Assert.Equal([4, 11, 10, SpecialTokens.Unknown], ids.Encode("4 11 10 12"));
        Assert.Equal("4 11 5", ids.Decode([SpecialTokens.Start, 4, 11, 5, SpecialTokens.End]));
        Assert.Equal(ids.Tokens, TokenVocabulary.Deserialize(ids.Serialize()).Tokens);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenVocabulary.OfIds(SpecialTokens.Count));
    }

    [Fact]
    public void Serialized_sequence_to_sequence_vocabularies_read_back_with_their_layout()
    {
        TokenVocabulary vocabulary = TokenVocabulary.BuildWithSpecialTokens(["x", "y", "y"], TokenUnit.Characters, lowercase: true);

        TokenVocabulary read = TokenVocabulary.Deserialize(vocabulary.Serialize());

        Assert.Equal((TokenUnit.Characters, true, true), (read.Unit, read.Lowercase, read.HasSpecialTokens));
        Assert.Equal(["<pad>", "<s>", "</s>", "<unk>", "y", "x"], read.Tokens);
        Assert.False(TokenVocabulary.Deserialize(TokenVocabulary.Build(["x"], TokenUnit.Words).Serialize()).HasSpecialTokens);
        Assert.Throws<InvalidDataException>(() => TokenVocabulary.Deserialize([1, 4, .. vocabulary.Serialize()[2..]]));
    }
}

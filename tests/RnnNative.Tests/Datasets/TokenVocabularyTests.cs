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
}

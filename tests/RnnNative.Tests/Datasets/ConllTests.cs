using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Text;

namespace RnnNative.Tests.Datasets;

public class ConllTests
{
    private const string Train = """
        -DOCSTART- -X- O O

        # a comment before the sentence
        Fly VB O
        to TO O
        New NNP B-city
        York NNP I-city


        Book VB O
        # O


        """;

    [Fact]
    public void Sentences_are_read_with_comments_docstart_and_repeated_blank_lines_skipped()
    {
        ConllDocument document = ConllDocument.Parse(new StringReader(Train), "train.conll");

        Assert.Equal(2, document.Sentences.Count);
        ConllSentence first = document.Sentences[0], second = document.Sentences[1];
        Assert.Equal(["Fly", "to", "New", "York"], Enumerable.Range(0, first.Count).Select(first.Token));
        Assert.Equal(["O", "O", "B-city", "I-city"], Enumerable.Range(0, first.Count).Select(i => first.Tag(i)));
        Assert.Equal([4, 5, 6, 7], first.Lines);
        Assert.Equal(["Book", "#"], Enumerable.Range(0, second.Count).Select(second.Token));   // '#' inside a sentence is a token
        Assert.Equal(["New", "NNP", "B-city"], first.Rows[2]);
    }

    [Fact]
    public void A_line_without_a_tag_column_is_an_error_naming_file_and_line()
    {
        DatasetFormatException e = Assert.Throws<DatasetFormatException>(() => ConllDocument.Parse(new StringReader("a O\nb\n"), "train.conll"));

        Assert.Equal("train.conll:2: expected a token and a tag separated by whitespace, found one column \"b\"", e.Message);
        Assert.Equal(("train.conll", 2), (e.File, e.Line));
    }

    [Fact]
    public void Without_required_tags_a_one_column_file_is_tokens_to_tag()
    {
        ConllDocument document = ConllDocument.Parse(new StringReader("a\nb\n\nc\n"), "input.conll", requireTags: false);

        Assert.Equal([2, 1], document.Sentences.Select(s => s.Count));
        Assert.Null(document.Sentences[0].Tag(0));
    }

    [Fact]
    public void A_file_of_only_separators_and_comments_is_an_error()
    {
        DatasetFormatException e = Assert.Throws<DatasetFormatException>(() => ConllDocument.Parse(new StringReader("# c\n\n\n-DOCSTART- O\n"), "empty.conll"));

        Assert.Equal("empty.conll:4: no sentence: the file has no token lines", e.Message);
    }

    [Fact]
    public void Word_input_gives_a_timestep_per_token_and_a_tag_set_in_sorted_order()
    {
        ConllDocument document = ConllDocument.Parse(new StringReader(Train), "train.conll");

        (TokenVocabulary vocabulary, LabelSet tags) = TaggingDataset.Fit(document, TokenUnit.Words);
        TaggingDataset data = TaggingDataset.Encode(document, vocabulary, tags);

        Assert.Equal(["B-city", "I-city", "O"], tags.Names);
        Assert.Equal(TargetKind.StepClasses, data.Set.Target);
        Assert.Equal([0, 4, 6], data.Set.Offsets);
        Assert.Equal([2, 2, 0, 1, 2, 2], data.Set.Classes);
        Assert.Equal(["Fly", "to", "New", "York", "Book", "#"], data.Set.Tokens.Select(vocabulary.UnitText));
        Assert.Equal([0, 1, 2, 3], data.TokenSteps[0]);
    }

    [Fact]
    public void Character_input_tags_each_character_with_its_token_and_each_space_with_the_token_before()
    {
        ConllDocument document = ConllDocument.Parse(new StringReader("to O\nNY B-city\n"), "c.conll");

        (TokenVocabulary vocabulary, LabelSet tags) = TaggingDataset.Fit(document, TokenUnit.Characters);
        TaggingDataset data = TaggingDataset.Encode(document, vocabulary, tags);

        // "to NY": t o ␠ N Y
        Assert.Equal("to NY", string.Concat(data.Set.Tokens.Select(vocabulary.UnitText)));
        Assert.Equal([1, 1, 1, 0, 0], data.Set.Classes);
        Assert.Equal([0, 3], data.TokenSteps[0]);
        Assert.Equal([["O", "B-city"]], data.TagsFromSteps(tags, (sentence, step) => data.Set.Classes[data.Set.Offsets[sentence] + step]));
    }

    [Fact]
    public void A_tag_never_seen_in_training_is_an_error_naming_the_evaluation_file_and_line()
    {
        (TokenVocabulary vocabulary, LabelSet tags) = TaggingDataset.Fit(ConllDocument.Parse(new StringReader(Train), "train.conll"), TokenUnit.Words);
        ConllDocument evaluation = ConllDocument.Parse(new StringReader("Fly O\nto O\n\nParis B-town\n"), "valid.conll");

        DatasetFormatException e = Assert.Throws<DatasetFormatException>(() => TaggingDataset.Encode(evaluation, vocabulary, tags));

        Assert.Equal("valid.conll:4: tag \"B-town\" was not seen in training (its 3 tags: B-city, I-city, O)", e.Message);
    }

    [Fact]
    public void Unseen_tokens_encode_to_unknown_and_untagged_files_get_no_targets()
    {
        (TokenVocabulary vocabulary, LabelSet tags) = TaggingDataset.Fit(ConllDocument.Parse(new StringReader(Train), "train.conll"), TokenUnit.Words);
        ConllDocument input = ConllDocument.Parse(new StringReader("Fly\nParis\n"), "input.conll", requireTags: false);

        TaggingDataset data = TaggingDataset.Encode(input, vocabulary, tags);

        Assert.Equal([vocabulary.Id("Fly"), vocabulary.UnknownId], data.Set.Tokens);
        Assert.Equal([KernelSet.IgnoreTarget, KernelSet.IgnoreTarget], data.Set.Classes);
    }

    [Fact]
    public void Predictions_are_written_as_an_extra_column_and_read_back()
    {
        using TempFiles files = new();
        ConllDocument document = ConllDocument.Read(files.Write("train.conll", Train));
        StringWriter written = new();

        document.WriteWithPredictions(written, [["O", "O", "B-city", "O"], ["O", "O"]]);

        Assert.Equal("Fly VB O O\nto TO O O\nNew NNP B-city B-city\nYork NNP I-city O\n\nBook VB O O\n# O O\n\n", written.ToString().ReplaceLineEndings("\n"));
        ConllDocument reread = ConllDocument.Parse(new StringReader(written.ToString()), "predicted.conll");
        Assert.Equal("O", reread.Sentences[0].Tag(3));
        Assert.Throws<ArgumentException>(() => document.WriteWithPredictions(new StringWriter(), [["O"], ["O", "O"]]));
    }
}

using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Text;

namespace RnnNative.Tests.Datasets;

public class ClassificationTests
{
    [Fact]
    public void Tsv_lines_are_a_label_and_the_rest_of_the_line_as_text()
    {
        ClassificationFile file = ClassificationFile.ParseTsv(new StringReader("pos\tGreat film!\n\nneg\tdull\tand long\n"), "train.tsv");

        Assert.Equal([new LabeledText("pos", "Great film!", 1), new LabeledText("neg", "dull\tand long", 3)], file.Examples);
    }

    [Theory]
    [InlineData("pos great\n", "train.tsv:1: expected a label and a text separated by a tab")]
    [InlineData("pos\tok\n \tno label\n", "train.tsv:2: the label is empty")]
    [InlineData("\n\n", "train.tsv:2: no example: the file has no data lines")]
    public void Malformed_tsv_lines_are_errors_naming_file_and_line(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<DatasetFormatException>(() => ClassificationFile.ParseTsv(new StringReader(text), "train.tsv")).Message);
    }

    [Fact]
    public void Csv_columns_are_chosen_by_name_with_quotes_doubled_quotes_and_line_breaks_in_fields()
    {
        const string Csv = "id,text,sentiment\r\n1,\"Loved it, really\",pos\r\n2,\"He said \"\"meh\"\"\nand left\",neg\r\n3,plain,neg\r\n";

        ClassificationFile file = ClassificationFile.ParseCsv(new StringReader(Csv), "reviews.csv", labelColumn: "sentiment", textColumn: "text");

        Assert.Equal(
            [new LabeledText("pos", "Loved it, really", 2), new LabeledText("neg", "He said \"meh\"\nand left", 3), new LabeledText("neg", "plain", 5)],
            file.Examples);
    }

    [Theory]
    [InlineData("label,txt\npos,a\n", "reviews.csv:1: no text column named \"text\"; the header has: label, txt")]
    [InlineData("label,text\npos,a\nneg\n", "reviews.csv:3: 1 fields, but the header has 2")]
    [InlineData("label,text\npos,\"open\nneg,b\n", "reviews.csv:2: a quoted field is never closed")]
    [InlineData("label,text\npos,\"a\"b\n", "reviews.csv:2: 'b' after a closing quote; expected a comma or the end of the line")]
    [InlineData("", "reviews.csv:1: the file is empty; expected a header line")]
    public void Malformed_csv_is_an_error_naming_file_and_line(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<DatasetFormatException>(() => ClassificationFile.ParseCsv(new StringReader(text), "reviews.csv")).Message);
    }

    [Fact]
    public void Texts_encode_as_words_or_characters_with_a_class_per_sequence()
    {
        ClassificationFile train = ClassificationFile.ParseTsv(new StringReader("pos\tGood, good film\nneg\tBad film\n"), "train.tsv");

        (TokenVocabulary words, LabelSet classes) = ClassificationDataset.Fit(train, TokenUnit.Words, lowercase: true);
        SequenceSet byWord = ClassificationDataset.Encode(train, words, classes);
        (TokenVocabulary characters, _) = ClassificationDataset.Fit(train, TokenUnit.Characters);
        SequenceSet byCharacter = ClassificationDataset.Encode(train, characters, classes);

        Assert.Equal(["neg", "pos"], classes.Names);
        Assert.Equal(TargetKind.SequenceClass, byWord.Target);
        Assert.Equal([1, 0], byWord.Classes);
        Assert.Equal(["good", ",", "good", "film", "bad", "film"], byWord.Tokens.Select(words.UnitText));
        Assert.Equal([0, 4, 6], byWord.Offsets);
        Assert.Equal([0, 15, 23], byCharacter.Offsets);
        Assert.Equal("Good, good filmBad film", string.Concat(byCharacter.Tokens.Select(characters.UnitText)));
    }

    [Fact]
    public void A_label_never_seen_in_training_and_an_empty_text_are_errors_naming_file_and_line()
    {
        ClassificationFile train = ClassificationFile.ParseTsv(new StringReader("pos\tgood\nneg\tbad\n"), "train.tsv");
        (TokenVocabulary vocabulary, LabelSet classes) = ClassificationDataset.Fit(train, TokenUnit.Words);

        string unseen = Assert.Throws<DatasetFormatException>(() => ClassificationDataset.Encode(ClassificationFile.ParseTsv(new StringReader("pos\tok\nmixed\tso so\n"), "test.tsv"), vocabulary, classes)).Message;
        string empty = Assert.Throws<DatasetFormatException>(() => ClassificationDataset.Encode(ClassificationFile.ParseTsv(new StringReader("pos\t   \n"), "test.tsv"), vocabulary, classes)).Message;

        Assert.Equal("test.tsv:2: label \"mixed\" was not seen in training (its 2 labels: neg, pos)", unseen);
        Assert.Equal("test.tsv:1: the text has no word", empty);
    }

    [Fact]
    public void Predictions_are_written_as_label_probability_and_text()
    {
        using TempFiles files = new();
        ClassificationFile file = ClassificationFile.ReadCsv(files.Write("test.csv", "label,text\npos,\"a\tb\"\nneg,c\n"));
        StringWriter written = new();

        file.WritePredictions(written, ["neg", "neg"], [0.75f, 0.5f]);

        Assert.Equal("neg\t0.750000\ta b\nneg\t0.500000\tc\n", written.ToString().ReplaceLineEndings("\n"));
    }
}

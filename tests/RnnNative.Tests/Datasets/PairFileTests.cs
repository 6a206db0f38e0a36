using System.Text;
using RnnNative.Datasets;

namespace RnnNative.Tests.Datasets;

public class PairFileTests
{
    private static PairFile Parse(string text) => PairFile.Parse(Encoding.UTF8.GetBytes(text), "pairs.tsv");

    [Fact]
    public void Lines_are_a_source_and_a_target_with_blank_lines_skipped_crlf_read_and_further_columns_ignored()
    {
        PairFile file = Parse("\uFEFFGo.\tVa !\r\n\r\n  \nI won !\tJ'ai gagné !\tCC-BY 2.0 (France)\n 12+3 \t15");

        Assert.Equal([new TextPair("Go.", "Va !", 1), new TextPair("I won !", "J'ai gagné !", 4), new TextPair(" 12+3 ", "15", 5)], file.Pairs);
    }

    [Theory]
    [InlineData("a\tb\nno tab here\n", "pairs.tsv:2: expected a source and a target separated by a tab")]
    [InlineData("a\tb\n\tb\n", "pairs.tsv:2: the source is empty")]
    [InlineData("a\tb\r\n\r\nc\t\r\n", "pairs.tsv:3: the target is empty")]
    [InlineData("\n \n", "pairs.tsv:2: no pair: the file has no data lines")]
    public void Malformed_lines_are_one_error_naming_file_and_line(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<DatasetFormatException>(() => Parse(text)).Message);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_an_error_naming_their_line()
    {
        byte[] bytes = [.. "ok\tfine\nstill\tfine\n"u8, .. "bad\t"u8, 0xC3, 0x28, .. "\nlater\tline\n"u8];

        DatasetFormatException error = Assert.Throws<DatasetFormatException>(() => PairFile.Parse(bytes, "pairs.tsv"));

        Assert.Equal(("pairs.tsv", 3), (error.File, error.Line));
        Assert.Equal("pairs.tsv:3: bytes that are not UTF-8 at offset 4 of the line; expected UTF-8 text", error.Message);
    }

    [Fact]
    public void A_file_on_disk_names_its_path_in_errors()
    {
        using TempFiles files = new();
        string path = files.Write("train.tsv", "a\tb\nc d\n");

        Assert.StartsWith($"{path}:2: ", Assert.Throws<DatasetFormatException>(() => PairFile.Read(path)).Message);
        Assert.Equal([new TextPair("x", "y", 1)], PairFile.Read(files.Write("ok.tsv", "x\ty\n")).Pairs);
    }

    [Fact]
    public void Pairs_in_memory_are_checked_as_lines_are()
    {
        Assert.Equal([new TextPair("a", "b", 1)], PairFile.FromPairs([("a", "b")]).Pairs);
        Assert.Equal("pairs:2: the target is empty", Assert.Throws<DatasetFormatException>(() => PairFile.FromPairs([("a", "b"), ("c", "")])).Message);
        Assert.Throws<DatasetFormatException>(() => PairFile.FromPairs([]));
    }
}

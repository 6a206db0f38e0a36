using System.Text;
using RnnNative.Corpora;

namespace RnnNative.Tests.Corpora;

public class AdditionCorpusTests
{
    [Fact]
    public void Lines_are_right_sums_of_operands_in_range_with_digits_least_significant_first()
    {
        string[] lines = Encoding.ASCII.GetString(AdditionCorpus.Generate(2000, seed: 4)).Split('\n');
        Assert.Equal("", lines[^1]);
        HashSet<int> operands = [];
        foreach (string line in lines[..^1])
        {
            Assert.True(AdditionCorpus.TryParse(line, out int a, out int b, out int sum), line);
            Assert.Equal(a + b, sum);
            Assert.InRange(a, 0, AdditionCorpus.MaxOperand);
            Assert.InRange(b, 0, AdditionCorpus.MaxOperand);
            operands.Add(a);
            // Independently of the parser: the text is each number's decimal digits reversed.
            Assert.Equal(new string(a.ToString().Reverse().ToArray()) + "+" + new string(b.ToString().Reverse().ToArray()) + "=" + new string(sum.ToString().Reverse().ToArray()), line);
        }
        Assert.True(operands.Count > 90, "operands should cover [0, 99]");
        Assert.Equal(AdditionCorpus.Generate(50, seed: 4), AdditionCorpus.Generate(50, seed: 4));
        Assert.NotEqual(AdditionCorpus.Generate(50, seed: 4), AdditionCorpus.Generate(50, seed: 5));
    }

    [Theory]
    [InlineData("53+76=201", true)]    // 35 + 67 = 102
    [InlineData("35+67=102", false)]   // the usual notation is 53 + 76 = 201 here: wrong
    [InlineData("0+0=0", true)]
    [InlineData("01+9=91", true)]      // 10 + 9 = 19
    [InlineData("10+9=91", false)]     // "10" ends in a leading zero
    [InlineData("+1=1", false)]
    [InlineData("1+1=", false)]
    [InlineData("1+-1=0", false)]
    [InlineData("1 +1=2", false)]
    [InlineData("1+1=2=2", false)]
    public void IsCorrect_reads_the_corpus_notation_strictly(string line, bool correct) =>
        Assert.Equal(correct, AdditionCorpus.IsCorrect(line));

    [Fact]
    public void Questions_and_the_usual_notation_convert_both_ways()
    {
        Assert.Equal("53+76=", AdditionCorpus.Question(35, 67));
        Assert.Equal("35+67=102", AdditionCorpus.ToUsualNotation("53+76=201"));
        Assert.Equal("35+67=1x2", AdditionCorpus.ToUsualNotation("35+67=1x2"));   // malformed: unchanged
        Assert.Throws<ArgumentOutOfRangeException>(() => AdditionCorpus.Question(-1, 2));
    }
}

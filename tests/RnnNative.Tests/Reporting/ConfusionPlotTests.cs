using System.Text.RegularExpressions;
using RnnNative.Metrics;
using RnnNative.Reporting;

namespace RnnNative.Tests.Reporting;

public class ConfusionPlotTests
{
    private static readonly string[] Classes = ["B-city", "<unk> & co", "O"];

    [Fact]
    public void The_picture_names_the_classes_on_both_axes_and_shows_every_count()
    {
        string svg = ConfusionPlot.Svg(Classes, new long[,] { { 12, 3, 0 }, { 0, 7, 1 }, { 2, 0, 40 } }, "slot tags");

        Assert.Equal(Classes.Select(Escaped), Texts(svg, "gold"));
        Assert.Equal(Classes.Select(Escaped), Texts(svg, "predicted"));
        Assert.Equal(["12", "3", "0", "0", "7", "1", "2", "0", "40"], CellCounts(svg));
        Assert.Contains(">slot tags</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Cells_are_shaded_by_their_share_of_the_gold_row()
    {
        // Row 0 all on the diagonal: full shade. Row 1 split 1:1: halfway to it. Row 2 empty: white.
        string svg = ConfusionPlot.Svg(Classes, new long[,] { { 5, 0, 0 }, { 0, 9, 9 }, { 0, 0, 0 } });

        string[] fills = [.. Regex.Matches(svg, "<rect class=\"cell\"[^>]*fill=\"(#[0-9a-f]{6})\"").Select(m => m.Groups[1].Value)];
        Assert.Equal(["#1f77b4", "#ffffff", "#ffffff", "#ffffff", "#8fbbda", "#8fbbda", "#ffffff", "#ffffff", "#ffffff"], fills);
    }

    [Fact]
    public void A_different_matrix_gives_a_different_picture()
    {
        ConfusionMatrix first = new(Classes), second = new(Classes);
        first.Add([0, 1, 2, 2], [0, 1, 2, 0]);
        second.Add([0, 1, 2, 2], [0, 1, 2, 1]);   // the last example confused with another class

        string a = ConfusionPlot.Svg(first.Classes, first.ToArray()), b = ConfusionPlot.Svg(second.Classes, second.ToArray());

        Assert.NotEqual(a, b);
        Assert.Equal(["1", "0", "0", "0", "1", "0", "1", "0", "1"], CellCounts(a));
        Assert.Equal(["1", "0", "0", "0", "1", "0", "0", "1", "1"], CellCounts(b));
        Assert.Equal(a, ConfusionPlot.Svg(first.Classes, first.ToArray()));   // and the same matrix the same picture
    }

    [Fact]
    public void Counts_that_do_not_fit_the_classes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ConfusionPlot.Svg(Classes, new long[2, 2]));
        Assert.Throws<ArgumentException>(() => ConfusionPlot.Svg(Classes, new long[,] { { 1, 0, 0 }, { 0, -1, 0 }, { 0, 0, 1 } }));
    }

    private static string Escaped(string name) => name.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static List<string> Texts(string svg, string axis) =>
        [.. Regex.Matches(svg, $"<text class=\"{axis}\"[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value)];

    /// <summary>The numbers written in the cells, row by row: the text element that follows each cell.</summary>
    private static List<string> CellCounts(string svg) =>
        [.. Regex.Matches(svg, "<rect class=\"cell\".*?</rect><text[^>]*>([^<]*)</text>").Select(m => m.Groups[1].Value)];
}

using System.Globalization;
using System.Text;

namespace RnnNative.Reporting;

/// <summary>
/// A confusion matrix as a self-contained SVG picture, in the loss curve's style (<see cref="LossPlot"/>):
/// gold classes down the left, predicted classes along the bottom, the count in every cell, each cell
/// shaded by its share of its row (of the gold class's examples), so a class's errors read the same
/// whether it has 10 examples or 10,000.
/// </summary>
/// <remarks>
/// Takes plain arrays (<c>Metrics.ConfusionMatrix.ToArray()</c> and its class names): Reporting sits
/// in the layer of Metrics and uses none of it.
/// </remarks>
public static class ConfusionPlot
{
    private const int Top = 64, Right = 24, MinWidth = 320, CharWidth = 7;
    // The loss curve's training blue, reached by a cell that holds its whole row.
    private const int ShadeRed = 0x1f, ShadeGreen = 0x77, ShadeBlue = 0xb4;

    /// <summary>The picture of <paramref name="counts"/> [gold, predicted] over the classes named <paramref name="classes"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="counts"/> is not [C, C] for C = the number of classes, or a count is negative.</exception>
    public static string Svg(IReadOnlyList<string> classes, long[,] counts, string title = "confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(title);
        int c = classes.Count;
        if (c == 0 || counts.GetLength(0) != c || counts.GetLength(1) != c) throw new ArgumentException($"counts must be [{c}, {c}] for {c} classes, not [{counts.GetLength(0)}, {counts.GetLength(1)}]", nameof(counts));
        if (counts.Cast<long>().Any(n => n < 0)) throw new ArgumentException("counts must not be negative", nameof(counts));

        // Cells shrink with the number of classes (a 40-class matrix stays about 600 px wide); the margins
        // hold the longest class name, upright on the left, at 45 degrees under the columns.
        int cell = Math.Clamp(480 / c, 18, 56);
        int names = CharWidth * classes.Max(name => name.Length) + 10;
        int left = 40 + names, grid = c * cell, bottom = 48 + names * 3 / 4;
        int width = Math.Max(MinWidth, left + grid + Right), height = Top + grid + bottom;
        int fontSize = cell >= 28 ? 12 : 9;

        StringBuilder svg = new();
        SvgText.Open(svg, width, height, title);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"40\" text-anchor=\"middle\" fill=\"#555\">shade: share of the gold class's examples</text>\n");
        for (int gold = 0; gold < c; gold++)
        {
            long row = 0;
            for (int predicted = 0; predicted < c; predicted++) row += counts[gold, predicted];
            for (int predicted = 0; predicted < c; predicted++)
            {
                double share = row > 0 ? (double)counts[gold, predicted] / row : 0;
                int x = left + predicted * cell, y = Top + gold * cell;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"cell\" x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" fill=\"{Shade(share)}\" stroke=\"white\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>gold {SvgText.Escape(classes[gold])}, predicted {SvgText.Escape(classes[predicted])}: {counts[gold, predicted]} ({share:0.0%} of the row)</title></rect>");
                // Dark cells carry white numbers.
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{SvgText.Number(x + cell / 2.0)}\" y=\"{SvgText.Number(y + cell / 2.0 + fontSize / 3.0)}\" text-anchor=\"middle\" font-size=\"{fontSize}\" fill=\"{(share > 0.5 ? "white" : "black")}\">{counts[gold, predicted]}</text>\n");
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{Top}\" width=\"{grid}\" height=\"{grid}\" fill=\"none\" stroke=\"#999\"/>\n");
        AppendClassNames(svg, classes, left, cell, Top + grid);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + grid / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">predicted</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Top + grid / 2}\" transform=\"rotate(-90 16 {Top + grid / 2})\" text-anchor=\"middle\">gold</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Gold names right-aligned left of their rows; predicted names under their columns, turned 45 degrees so long names fit.</summary>
    private static void AppendClassNames(StringBuilder svg, IReadOnlyList<string> classes, int left, int cell, int gridBottom)
    {
        for (int i = 0; i < classes.Count; i++)
        {
            string name = SvgText.Escape(classes[i]);
            double middle = i * cell + cell / 2.0;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"gold\" x=\"{left - 6}\" y=\"{SvgText.Number(Top + middle + 4)}\" text-anchor=\"end\">{name}</text>\n");
            string x = SvgText.Number(left + middle), y = SvgText.Number(gridBottom + 14);
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"predicted\" x=\"{x}\" y=\"{y}\" transform=\"rotate(-45 {x} {y})\" text-anchor=\"end\">{name}</text>\n");
        }
    }

    /// <summary>White at share 0 to the full shade at share 1, linearly in each color channel.</summary>
    private static string Shade(double share)
    {
        static int Channel(int full, double share) => (int)Math.Round(255 + (full - 255) * share);
        return string.Create(CultureInfo.InvariantCulture, $"#{Channel(ShadeRed, share):x2}{Channel(ShadeGreen, share):x2}{Channel(ShadeBlue, share):x2}");
    }
}

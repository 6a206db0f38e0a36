using System.Globalization;
using System.Text;

namespace RnnNative.Reporting;

/// <summary>What the hand-written SVG pictures (<see cref="LossPlot"/>, <see cref="ConfusionPlot"/>) share: the opening and how they write numbers and text.</summary>
internal static class SvgText
{
    /// <summary>Opens a picture: the svg element (sans-serif, 12 px), a white background and the title centered at the top.</summary>
    public static void Open(StringBuilder svg, int width, int height, string title)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
    }

    /// <summary>A coordinate with at most one decimal, invariant culture: "12.5", "40".</summary>
    public static string Number(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Text safe inside an element or an attribute value.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}

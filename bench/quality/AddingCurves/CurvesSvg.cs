using System.Globalization;
using System.Text;

/// <summary>
/// Several curves of validation MSE against training seconds in one SVG picture, the MSE on a log scale (the adding
/// problem's curves span 0.17 down to 1e-4), with the 0.01 target drawn dashed. The engine's LossPlot draws one model's
/// training and validation loss against updates; this compares models against the clock, as the target does.
/// </summary>
internal static class CurvesSvg
{
    private const int Width = 720, Height = 440, Left = 64, Right = 110, Top = 40, Bottom = 48;
    private static readonly string[] Colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    public static string Render(IReadOnlyList<(string Name, List<(double Seconds, double Mse)> Points)> curves, string title, double seconds)
    {
        // Decades of MSE from below the best point (at least 1e-4 shown) up to 1.
        double lowest = curves.SelectMany(c => c.Points).Select(p => p.Mse).Where(m => m > 0).DefaultIfEmpty(1e-2).Min();
        int bottomDecade = Math.Min(-2, (int)Math.Floor(Math.Log10(lowest))), topDecade = 0;
        double X(double s) => Left + (Width - Left - Right) * Math.Min(s, seconds) / seconds;
        double Y(double mse) => Top + (Height - Top - Bottom) * (topDecade - Math.Log10(Math.Max(mse, Math.Pow(10, bottomDecade)))) / (topDecade - bottomDecade);
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

        StringBuilder svg = new();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        for (int decade = bottomDecade; decade <= topDecade; decade++)
        {
            double y = Y(Math.Pow(10, decade));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">1e{decade}</text>\n");
        }
        double step = seconds / 6;
        for (double s = 0; s <= seconds + 1e-9; s += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(s))}\" y1=\"{Top}\" x2=\"{F(X(s))}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/><text x=\"{F(X(s))}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{s:0}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">training seconds</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\">test MSE</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(Y(0.01))}\" x2=\"{Width - Right}\" y2=\"{F(Y(0.01))}\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>\n");
        for (int i = 0; i < curves.Count; i++)
        {
            string color = Colors[i % Colors.Length];
            string points = string.Join(" ", curves[i].Points.Select(p => $"{F(X(p.Seconds))},{F(Y(p.Mse))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 10}\" y1=\"{Top + 10 + 18 * i}\" x2=\"{Width - Right + 30}\" y2=\"{Top + 10 + 18 * i}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{Width - Right + 36}\" y=\"{Top + 14 + 18 * i}\">{Escape(curves[i].Name)}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

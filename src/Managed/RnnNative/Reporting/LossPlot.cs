using System.Globalization;
using System.Text;

namespace RnnNative.Reporting;

/// <summary>
/// A loss curve as a self-contained SVG picture: loss (nats per token) against the update, round
/// tick values on both axes, a marker on every validation point, and along the top the seconds of
/// training at which each round time was reached (when the curve knows its times).
/// </summary>
/// <remarks>
/// Written by hand rather than with a plotting library: OxyPlot.Core 2.2's SVG export (tried)
/// measures text without the viewer's font, which clipped its title and legend, and would have
/// been the engine's first dependency.
/// </remarks>
internal static class LossPlot
{
    private const int Width = 720, Height = 440, Left = 64, Right = 20, Top = 64, Bottom = 48;
    private const string TrainingColor = "#1f77b4", FaintTrainingColor = "#aec7e8", ValidationColor = "#d62728";

    public static string Svg(IReadOnlyList<CurvePoint> training, IReadOnlyList<CurvePoint> validation, string title)
    {
        List<CurvePoint> all = [.. training, .. validation];
        // The update axis ends at the last update (round ticks inside it), the loss axis at round values.
        long lastStep = Math.Max(1, all.Select(p => p.Update).DefaultIfEmpty(1).Max());
        NiceScale updates = NiceScale.Cover(0, lastStep, 8);
        NiceScale losses = NiceScale.Cover(all.Select(p => p.Loss).DefaultIfEmpty(0).Min(), all.Select(p => p.Loss).DefaultIfEmpty(1).Max(), 6);
        double X(double step) => Left + (Width - Left - Right) * step / lastStep;
        double Y(double loss) => Top + (Height - Top - Bottom) * (losses.Max - loss) / (losses.Max - losses.Min);

        StringBuilder svg = new();
        SvgText.Open(svg, Width, Height, title);
        foreach (double loss in losses.Ticks())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(Y(loss))}\" x2=\"{Width - Right}\" y2=\"{F(Y(loss))}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Y(loss) + 4)}\" text-anchor=\"end\">{losses.Label(loss)}</text>\n");
        }
        foreach (double step in updates.Ticks().TakeWhile(step => step <= lastStep))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(step))}\" y1=\"{Top}\" x2=\"{F(X(step))}\" y2=\"{Height - Bottom}\" stroke=\"#eee\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(step))}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{updates.Label(step)}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#999\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">update</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\" text-anchor=\"middle\">loss (nats/token)</text>\n");
        AppendSecondsAxis(svg, training, X);

        if (training.Count > 100)
        {
            // Per-window losses are noisy: draw them faintly under their moving average.
            AppendLine(svg, training, FaintTrainingColor, X, Y);
            AppendLine(svg, Smoothed(training), TrainingColor, X, Y);
        }
        else
        {
            AppendLine(svg, training, TrainingColor, X, Y);
        }
        AppendLine(svg, validation, ValidationColor, X, Y);
        foreach (CurvePoint point in validation)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"validation\" cx=\"{F(X(point.Update))}\" cy=\"{F(Y(point.Loss))}\" r=\"3.5\" fill=\"{ValidationColor}\"/>\n");
        }
        AppendLegend(svg);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// Round times along the top, each placed at the update when training had run that long:
    /// s -> update by linear interpolation between the training points (both rise together), from
    /// (0 s, update 0). Left out when any point's time is unknown (curves from older checkpoints).
    /// </summary>
    private static void AppendSecondsAxis(StringBuilder svg, IReadOnlyList<CurvePoint> training, Func<double, double> x)
    {
        if (training.Count == 0 || training.Any(p => !double.IsFinite(p.Seconds)) || !(training[^1].Seconds > 0)) return;
        NiceScale seconds = NiceScale.Cover(0, training[^1].Seconds, 6);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Top - 22}\" text-anchor=\"end\" fill=\"#555\">seconds</text>\n");
        foreach (double time in seconds.Ticks())
        {
            if (time > training[^1].Seconds) break;
            double px = x(UpdateAt(training, time));
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"seconds\" x1=\"{F(px)}\" y1=\"{Top - 5}\" x2=\"{F(px)}\" y2=\"{Top}\" stroke=\"#555\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(px)}\" y=\"{Top - 10}\" text-anchor=\"middle\" fill=\"#555\">{seconds.Label(time)}</text>\n");
        }
    }

    /// <summary>The (fractional) update at which training had run <paramref name="time"/> seconds.</summary>
    internal static double UpdateAt(IReadOnlyList<CurvePoint> training, double time)
    {
        (double step, double seconds) previous = (0, 0);
        foreach (CurvePoint point in training)
        {
            if (point.Seconds >= time)
            {
                double span = point.Seconds - previous.seconds;
                return span > 0 ? previous.step + (point.Update - previous.step) * (time - previous.seconds) / span : point.Update;
            }
            previous = (point.Update, point.Seconds);
        }
        return previous.step;
    }

    private static void AppendLegend(StringBuilder svg)
    {
        int x = Width - Right - 120, y = Top + 16;
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x - 8}\" y=\"{y - 12}\" width=\"120\" height=\"40\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#ccc\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y - 4}\" x2=\"{x + 20}\" y2=\"{y - 4}\" stroke=\"{TrainingColor}\" stroke-width=\"2\"/><text x=\"{x + 26}\" y=\"{y}\">training</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y + 12}\" x2=\"{x + 20}\" y2=\"{y + 12}\" stroke=\"{ValidationColor}\" stroke-width=\"2\"/><circle cx=\"{x + 10}\" cy=\"{y + 12}\" r=\"3.5\" fill=\"{ValidationColor}\"/><text x=\"{x + 26}\" y=\"{y + 16}\">validation</text>\n");
    }

    private static void AppendLine(StringBuilder svg, IReadOnlyList<CurvePoint> points, string color, Func<double, double> x, Func<double, double> y)
    {
        if (points.Count == 0) return;
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
        foreach (CurvePoint point in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"{F(x(point.Update))},{F(y(point.Loss))} ");
        }
        svg.Append("\"/>\n");
        if (points.Count == 1)
        {
            // A one-point polyline draws nothing.
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x(points[0].Update))}\" cy=\"{F(y(points[0].Loss))}\" r=\"3\" fill=\"{color}\"/>\n");
        }
    }

    /// <summary>A centered moving average over about 2% of the run: no lag, unlike an exponential average.</summary>
    private static List<CurvePoint> Smoothed(IReadOnlyList<CurvePoint> points)
    {
        int half = Math.Max(1, points.Count / 100);
        List<CurvePoint> smoothed = new(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            int first = Math.Max(0, i - half), last = Math.Min(points.Count - 1, i + half);
            double sum = 0;
            for (int j = first; j <= last; j++) sum += points[j].Loss;
            smoothed.Add(points[i] with { Loss = sum / (last - first + 1) });
        }
        return smoothed;
    }

    private static string F(double v) => SvgText.Number(v);
}

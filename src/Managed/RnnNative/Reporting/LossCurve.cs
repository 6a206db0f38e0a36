using System.Globalization;
using System.Text;

namespace RnnNative.Reporting;

/// <summary>A loss curve: training and validation loss against the update number and the training time.</summary>
public sealed class LossCurve
{
    private readonly List<CurvePoint> _training = [];
    private readonly List<CurvePoint> _validation = [];

    /// <summary>Training loss points, in update order.</summary>
    public IReadOnlyList<CurvePoint> Training => _training;

    /// <summary>Validation loss points, in update order.</summary>
    public IReadOnlyList<CurvePoint> Validation => _validation;

    /// <summary>Adds a training point; non-finite losses are skipped (they would break the scale).</summary>
    public void AddTraining(CurvePoint point)
    {
        if (double.IsFinite(point.Loss)) _training.Add(point);
    }

    /// <summary>Adds a validation point; non-finite losses are skipped.</summary>
    public void AddValidation(CurvePoint point)
    {
        if (double.IsFinite(point.Loss)) _validation.Add(point);
    }

    /// <summary>A self-contained SVG picture of both curves (nats per token on the y axis).</summary>
    public string ToSvg(string title = "loss")
    {
        const int width = 720, height = 420, left = 64, right = 16, top = 36, bottom = 48;
        IEnumerable<CurvePoint> all = _training.Concat(_validation);
        long maxStep = Math.Max(1, all.Select(p => p.Step).DefaultIfEmpty(1).Max());
        double minLoss = all.Select(p => p.Loss).DefaultIfEmpty(0).Min(), maxLoss = all.Select(p => p.Loss).DefaultIfEmpty(1).Max();
        if (maxLoss - minLoss < 1e-9)
        {
            maxLoss = minLoss + 1;
        }
        double X(long step) => left + (width - left - right) * (double)step / maxStep;
        double Y(double loss) => top + (height - top - bottom) * (maxLoss - loss) / (maxLoss - minLoss);
        static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        StringBuilder svg = new();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        for (int tick = 0; tick <= 4; tick++)
        {
            double loss = minLoss + (maxLoss - minLoss) * tick / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(loss))}\" x2=\"{width - right}\" y2=\"{F(Y(loss))}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(Y(loss) + 4)}\" text-anchor=\"end\">{loss.ToString("0.000", CultureInfo.InvariantCulture)}</text>\n");
            long step = maxStep * tick / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(step))}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{step}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">update</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(top + height - bottom) / 2}\" transform=\"rotate(-90 16 {(top + height - bottom) / 2})\" text-anchor=\"middle\">loss (nats/token)</text>\n");
        if (_training.Count > 100)
        {
            // Per-window losses are noisy: draw them faintly under their moving average.
            AppendLine(svg, _training, "#aec7e8", X, Y);
            AppendLine(svg, Smoothed(_training), "#1f77b4", X, Y);
        }
        else
        {
            AppendLine(svg, _training, "#1f77b4", X, Y);
        }
        AppendLine(svg, _validation, "#d62728", X, Y);
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right - 150}\" y=\"{top + 14}\" fill=\"#1f77b4\">— training</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right - 150}\" y=\"{top + 30}\" fill=\"#d62728\">— validation</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void AppendLine(StringBuilder svg, List<CurvePoint> points, string color, Func<long, double> x, Func<double, double> y)
    {
        if (points.Count == 0) return;
        svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
        foreach (CurvePoint point in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"{x(point.Step):0.#},{y(point.Loss):0.#} ");
        }
        svg.Append("\"/>\n");
        if (points.Count == 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{x(points[0].Step):0.#}\" cy=\"{y(points[0].Loss):0.#}\" r=\"3\" fill=\"{color}\"/>\n");
        }
    }

    /// <summary>A centered moving average over about 2% of the run: no lag, unlike an exponential average.</summary>
    private static List<CurvePoint> Smoothed(List<CurvePoint> points)
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

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

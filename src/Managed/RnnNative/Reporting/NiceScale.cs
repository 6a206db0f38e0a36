using System.Globalization;

namespace RnnNative.Reporting;

/// <summary>
/// An axis range with round tick values (Heckbert's "nice numbers", Graphics Gems 1990): the tick
/// step is 1, 2 or 5 times a power of ten, and the range is widened to whole steps, so a loss
/// axis reads 1.5, 2, 2.5 ... rather than 1.433, 2.174 ...
/// </summary>
internal readonly record struct NiceScale(double Min, double Max, double Step)
{
    /// <summary>The scale with at most about <paramref name="maxTicks"/> intervals that covers [min, max].</summary>
    public static NiceScale Cover(double min, double max, int maxTicks)
    {
        if (!(max > min)) max = min + 1;
        // step = f * 10^k with f the smallest of 1, 2, 5, 10 that keeps the ticks to maxTicks intervals.
        double raw = (max - min) / maxTicks;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        return new NiceScale(Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>Min, Min + Step, ..., Max (computed by multiplication, so no drift accumulates).</summary>
    public IEnumerable<double> Ticks()
    {
        int count = (int)Math.Round((Max - Min) / Step);
        for (int i = 0; i <= count; i++) yield return Min + i * Step;
    }

    /// <summary>A tick's label with just the decimals the step needs ("1.5", "2", "0.02").</summary>
    public string Label(double value)
    {
        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(Step) + 1e-9));
        return Math.Round(value, decimals).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}

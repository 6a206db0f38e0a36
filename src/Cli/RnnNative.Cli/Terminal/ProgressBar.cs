using System.Globalization;
using RnnNative.Training;

namespace RnnNative.Cli.Terminal;

/// <summary>
/// Training's status: the update, the smoothed loss, the last validation loss, tokens/s, the
/// elapsed time and the ETA. On a terminal one line redraws in place a few times a second, with a
/// bar when there is room, and always fits the terminal's width, read at each redraw (a line that
/// wraps cannot be redrawn); what does not fit is left out, least useful first. When output is redirected (logs,
/// CI) a plain line is printed every few seconds and at each validation, with no carriage return.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive, Func<int> width)
{
    public const int DefaultWidth = 80;
    private const int MaxBarWidth = 30, MinBarWidth = 10;
    private readonly TimeSpan _interval = interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);
    private DateTime _lastDrawn = DateTime.MinValue;
    private double? _lastValidation;
    private int _lastLength;

    /// <summary>What the throughput counts: "tok" (tokens, the default) or "timesteps" (numeric sequences).</summary>
    public string Unit { get; set; } = "tok";

    public void Report(TrainingProgress p, bool force = false)
    {
        if (p.ValidationLoss is double validation) _lastValidation = validation;
        DateTime now = DateTime.UtcNow;
        if (!force && now - _lastDrawn < _interval) return;
        _lastDrawn = now;
        if (interactive)
        {
            // The last column stays empty: writing into it wraps the cursor on many terminals.
            int room = Math.Max(width() - 1, 1);
            string line = Fit(Parts(p), p.Fraction, room);
            // Spaces clear the rest of the previous line, up to the width: after the terminal narrowed, more would wrap.
            output.Write("\r" + line.PadRight(Math.Min(_lastLength, room)));
            _lastLength = line.Length;
        }
        else
        {
            output.WriteLine(string.Join(" | ", Parts(p)));
        }
    }

    /// <summary>Ends the in-place line so the next output starts on a fresh one.</summary>
    public void Break()
    {
        if (interactive && _lastLength > 0)
        {
            output.WriteLine();
            _lastLength = 0;
        }
    }

    /// <summary>The status, most useful part first.</summary>
    private List<string> Parts(TrainingProgress p)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        string updates = p.TotalUpdates > 0 ? string.Format(c, "update {0}/{1} {2:0}%", p.Update, p.TotalUpdates, p.Fraction * 100) : string.Format(c, "update {0} {1:0}%", p.Update, p.Fraction * 100);
        string loss = string.Format(c, "loss {0:0.000}", p.SmoothedLoss) + (_lastValidation is double v ? string.Format(c, " val {0:0.000}", v) : "");
        string time = Duration(p.Elapsed) + (p.Remaining is TimeSpan r ? " ETA " + Duration(r) : "");
        return [updates, loss, time, Rate(p.TokensPerSecond) + $" {Unit}/s"];
    }

    /// <summary>All parts behind a bar when a bar of at least <see cref="MinBarWidth"/> fits in
    /// <paramref name="room"/> columns too; else the parts that fit (a single one too long is cut).</summary>
    private static string Fit(List<string> parts, double fraction, int room)
    {
        string text = string.Join(" | ", parts);
        int barWidth = Math.Min(MaxBarWidth, room - text.Length - 3);
        if (barWidth >= MinBarWidth)
        {
            int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * barWidth);
            return "[" + new string('#', filled) + new string('.', barWidth - filled) + "] " + text;
        }
        while (text.Length > room && parts.Count > 1)
        {
            parts.RemoveAt(parts.Count - 1);
            text = string.Join(" | ", parts);
        }
        return text.Length > room ? text[..room] : text;
    }

    private static string Rate(double tokensPerSecond) => tokensPerSecond >= 1000
        ? (tokensPerSecond / 1000).ToString("0.0", CultureInfo.InvariantCulture) + "K"
        : tokensPerSecond.ToString("0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : $"{t.Minutes}:{t.Seconds:00}";
}

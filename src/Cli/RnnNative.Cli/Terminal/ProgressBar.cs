using System.Globalization;
using RnnNative.Training;

namespace RnnNative.Cli.Terminal;

/// <summary>
/// One status line for training: a bar when the run's length is known, the smoothed loss, the
/// last validation loss, tokens/s and the ETA. On a terminal the line redraws in place a few
/// times a second; when output is redirected (logs, CI) it prints a plain line every few seconds.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive)
{
    private const int BarWidth = 24;
    private readonly TimeSpan _interval = interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);
    private DateTime _lastDrawn = DateTime.MinValue;
    private double? _lastValidation;
    private int _lastLength;

    public void Report(TrainingProgress p, bool force = false)
    {
        if (p.ValidationLoss is double validation) _lastValidation = validation;
        DateTime now = DateTime.UtcNow;
        if (!force && now - _lastDrawn < _interval) return;
        _lastDrawn = now;
        string line = Format(p);
        if (interactive)
        {
            output.Write("\r" + line.PadRight(_lastLength));
            _lastLength = line.Length;
        }
        else
        {
            output.WriteLine(line);
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

    private string Format(TrainingProgress p)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        int filled = (int)Math.Round(p.Fraction * BarWidth);
        string bar = "[" + new string('#', filled) + new string('.', BarWidth - filled) + "]";
        string steps = p.TotalSteps > 0 ? $"{p.Step}/{p.TotalSteps}" : p.Step.ToString(c);
        string validation = _lastValidation is double v ? string.Format(c, " val {0:0.000}", v) : "";
        string eta = p.Remaining is TimeSpan r ? " ETA " + Duration(r) : "";
        return string.Format(c, "{0} {1,3:0}% step {2} loss {3:0.000}{4} | {5} tok/s | {6}{7}",
            bar, p.Fraction * 100, steps, p.SmoothedLoss, validation, Rate(p.TokensPerSecond), Duration(p.Elapsed), eta);
    }

    private static string Rate(double tokensPerSecond) => tokensPerSecond >= 1000
        ? (tokensPerSecond / 1000).ToString("0.0", CultureInfo.InvariantCulture) + "K"
        : tokensPerSecond.ToString("0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? $"{(int)t.TotalHours}h{t.Minutes:00}m"
        : $"{t.Minutes}:{t.Seconds:00}";
}

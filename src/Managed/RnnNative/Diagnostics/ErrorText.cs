using System.Text.RegularExpressions;

namespace RnnNative.Diagnostics;

/// <summary>
/// The one place that turns an exception into the single line every front door shows (rnn_last_error(),
/// the CLI's stderr): .NET's argument-check wording ("Hidden ('0') must be greater than or equal to '1'.
/// (Parameter 'Hidden') Actual value was 0.") becomes "Hidden: must be at least 1, not 0".
/// </summary>
public static partial class ErrorText
{
    /// <summary>The message of <paramref name="e"/> as one line, argument checks reworded as above.</summary>
    public static string OneLine(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is ArgumentException { ParamName: { } name } argument)
        {
            string reason = Reason(argument);
            return reason.StartsWith(name, StringComparison.Ordinal) ? reason : $"{name}: {reason}";
        }
        return Joined(e.Message);
    }

    /// <summary>What is wrong with the argument, without its name: "must be at least 1, not 0".</summary>
    public static string Reason(ArgumentException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string message = e.Message;
        string name = e.ParamName ?? "";
        message = message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal);
        string? actual = null;
        int actualAt = message.IndexOf("\nActual value was ", StringComparison.Ordinal);
        if (actualAt >= 0)
        {
            actual = message[(actualAt + "\nActual value was ".Length)..].TrimEnd('.');
            message = message[..actualAt];
        }
        message = Reworded(message, name, ref actual, e is ArgumentNullException);
        if (actual is not null) message = $"{message.TrimEnd('.')}, not {actual}";
        return Joined(message);
    }

    private static string Joined(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>.NET's ThrowIf* texts, which name the argument and its value themselves.</summary>
    private static string Reworded(string message, string name, ref string? actual, bool isNull)
    {
        if (isNull) return "is null";
        Match check = ThrowIfText().Match(message);
        if (!check.Success) return message;
        actual = check.Groups["value"].Value;
        string bound = check.Groups["bound"].Value;
        return check.Groups["rule"].Value switch
        {
            "greater than or equal to" => $"must be at least {bound}",
            "less than or equal to" => $"must be at most {bound}",
            "greater than" => $"must be greater than {bound}",
            "less than" => $"must be less than {bound}",
            "a non-negative value" => "must be 0 or more",
            "a non-negative and non-zero value" => "must be at least 1",
            "a non-zero value" => "must not be 0",
            string rule => $"must be {rule} {bound}".TrimEnd(),
        };
    }

    [GeneratedRegex(@"^\S+ \('(?<value>.*)'\) must be (?<rule>greater than or equal to|less than or equal to|greater than|less than|not equal to|equal to|a non-negative and non-zero value|a non-negative value|a non-zero value)(?: '(?<bound>.*)')?\.$", RegexOptions.Singleline)]
    private static partial Regex ThrowIfText();
}

using System.Globalization;
using System.Numerics;

namespace RnnNative.Cli.CommandLine;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c>, <c>--flag</c> and short aliases (<c>-m FILE</c>) after a
/// command. A word that names no option of the command is an error at once, with the closest
/// option; each option is then read once by the command, and <see cref="RejectUnused"/> turns one
/// the command did not read on this path into an error instead of silently ignoring it.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string?>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, CommandSyntax syntax)
    {
        List<string> list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string arg = list[i];
            if (!LooksLikeOption(arg))
            {
                throw new UsageException($"unexpected argument '{arg}' (options look like --name value)");
            }
            string word = arg;
            string? value = null;
            int equals = arg.IndexOf('=');
            if (equals >= 0)
            {
                (word, value) = (arg[..equals], arg[(equals + 1)..]);
            }
            string name = syntax.Resolve(word) ?? throw syntax.Unknown(word);
            // The next word is this option's value unless it is itself an option: "-0.5" and
            // "-hello" are values, "--top-k" and "-n" are not.
            if (equals < 0 && i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) && syntax.Resolve(list[i + 1]) is null)
            {
                value = list[++i];
            }
            if (!_options.TryGetValue(name, out List<string?>? values))
            {
                _options[name] = values = [];
            }
            values.Add(value);
        }
    }

    /// <summary>"--name" or "-x": a dash and then a letter, so negative numbers stay values.</summary>
    private static bool LooksLikeOption(string word) =>
        word.Length >= 2 && word[0] == '-' && (char.IsAsciiLetter(word[1]) || (word[1] == '-' && word.Length > 2));

    public bool Has(string name) => _options.ContainsKey(name);

    public bool Flag(string name)
    {
        if (!_options.TryGetValue(name, out List<string?>? values)) return false;
        _used.Add(name);
        return values[^1] switch
        {
            null or "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            string other => throw new UsageException($"--{name} is a switch; '{other}' is not true or false"),
        };
    }

    public string? String(string name)
    {
        if (!_options.TryGetValue(name, out List<string?>? values)) return null;
        _used.Add(name);
        return values[^1] ?? throw new UsageException($"--{name} needs a value");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    /// <summary>Every value given for a repeatable option (e.g. several --stop strings).</summary>
    public IReadOnlyList<string> All(string name)
    {
        if (!_options.TryGetValue(name, out List<string?>? values)) return [];
        _used.Add(name);
        return values.Select(v => v ?? throw new UsageException($"--{name} needs a value")).ToArray();
    }

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Parse(name, fallback, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "an integer", min, max);

    public long Long(string name, long fallback, long min = long.MinValue) =>
        Parse(name, fallback, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "an integer", min, long.MaxValue);

    public ulong ULong(string name, ulong fallback) =>
        Parse(name, fallback, (string s, out ulong v) => ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a non-negative integer", ulong.MinValue, ulong.MaxValue);

    public float Float(string name, float fallback, float min = float.MinValue, float max = float.MaxValue) =>
        Parse(name, fallback, (string s, out float v) => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && float.IsFinite(v), "a number", min, max);

    public double Double(string name, double fallback, double min = double.MinValue) =>
        Parse(name, fallback, (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v), "a number", min, double.MaxValue);

    /// <summary>One of a fixed set of words, e.g. --cell lstm|elman.</summary>
    public T Choice<T>(string name, T fallback, params (string Word, T Value)[] choices)
    {
        string? text = String(name);
        if (text is null) return fallback;
        foreach ((string word, T value) in choices)
        {
            if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase)) return value;
        }
        throw new UsageException($"--{name} must be one of {string.Join("|", choices.Select(c => c.Word))}, not '{text}'");
    }

    /// <summary>Fails on any option the command did not read (e.g. one that does not apply to a resumed run).</summary>
    public void RejectUnused()
    {
        string? unknown = _options.Keys.FirstOrDefault(k => !_used.Contains(k));
        if (unknown is not null)
        {
            throw new UsageException($"--{unknown} does not apply to this run");
        }
    }

    private delegate bool TryParser<T>(string text, out T value);

    private T Parse<T>(string name, T fallback, TryParser<T> parse, string what, T min, T max) where T : IComparable<T>, IMinMaxValue<T>
    {
        string? text = String(name);
        if (text is null) return fallback;
        if (!parse(text, out T value)) throw new UsageException($"--{name} expects {what}, not '{text}'");
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            // A bound that is only the type's limit is no rule the user needs to read.
            string range = max.CompareTo(T.MaxValue) == 0 ? $"at least {min}" : min.CompareTo(T.MinValue) == 0 ? $"at most {max}" : $"between {min} and {max}";
            throw new UsageException($"--{name} must be {range}, not {text}");
        }
        return value;
    }
}

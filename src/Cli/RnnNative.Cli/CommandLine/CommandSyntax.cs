using System.Text.RegularExpressions;

namespace RnnNative.Cli.CommandLine;

/// <summary>
/// What one command accepts. Its usage text names every option the command reads, so the options
/// are taken from it: the help a user reads and the list the parser checks cannot drift apart.
/// The short aliases that apply are those whose option the command has.
/// </summary>
internal sealed partial class CommandSyntax
{
    public CommandSyntax(string name, string usage)
    {
        Name = name;
        Usage = usage;
        Options = OptionName().Matches(usage).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Aliases = ShortAliases.All.Where(a => Options.Contains(a.Option)).ToArray();
    }

    public string Name { get; }

    public string Usage { get; }

    /// <summary>Option names without their dashes, e.g. "hidden".</summary>
    public IReadOnlySet<string> Options { get; }

    public IReadOnlyList<(string Alias, string Option)> Aliases { get; }

    /// <summary>What <c>rnn NAME --help</c> prints: the usage and the short aliases.</summary>
    public string Help => Usage.TrimEnd() + "\n" + (Aliases.Count == 0 ? "" :
        "  short    " + string.Join("  ", Aliases.Select(a => $"{a.Alias} = --{a.Option}")) + "\n");

    /// <summary>The option a command-line word names (<c>--hidden</c>, <c>-m</c>, <c>--temp</c>), or null if it names none.</summary>
    public string? Resolve(string word)
    {
        if (word.StartsWith("--", StringComparison.Ordinal) && Options.Contains(word[2..])) return word[2..];
        foreach ((string alias, string option) in Aliases)
        {
            if (word == alias) return option;
        }
        return null;
    }

    /// <summary>The one-line error for a word that names no option of this command, with the closest one if any.</summary>
    public UsageException Unknown(string word)
    {
        string? closest = Suggestion.Closest(word, Options);
        return new UsageException($"unknown option {word} for rnn {Name}" + (closest is null ? "" : $"; did you mean --{closest}?"));
    }

    [GeneratedRegex("--([a-z][a-z0-9-]*)")]
    private static partial Regex OptionName();
}

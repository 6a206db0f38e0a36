namespace RnnNative.Cli.CommandLine;

/// <summary>
/// Short spellings users bring from llama.cpp (<c>llama-cli -m model -p "text" -n 128 -t 8 -s 42
/// --temp 0.8</c>, same meanings) and char-rnn (whose <c>-primetext</c>, <c>-length</c> and
/// <c>-seed</c> are these options too), and <c>--steps</c>, RnnNative's name for <c>--updates</c> before 0.3.0
/// (an optimizer update is not a timestep nor a sampling step), and <c>--valid-fraction</c>, the fraction held out
/// when no <c>--valid</c> file is given. An alias applies to every command that has its option.
/// </summary>
internal static class ShortAliases
{
    public static readonly IReadOnlyList<(string Alias, string Option)> All =
    [
        ("-m", "model"),
        ("-p", "prime"),
        ("--prompt", "prime"),
        ("-n", "length"),
        ("-t", "threads"),
        ("-s", "seed"),
        ("--temp", "temperature"),
        ("--steps", "updates"),
        ("--valid-fraction", "val-fraction"),
    ];
}

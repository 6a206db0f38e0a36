using RnnNative.Kernels.Step;

namespace RnnNative.Cli.CommandLine;

/// <summary><c>--precision f32|bf16|int8</c>: the step weights sampling and token-by-token evaluation read.</summary>
internal static class PrecisionOption
{
    /// <summary>The words and the precisions they name.</summary>
    public static readonly (string Word, WeightPrecision Value)[] Words =
    [
        ("f32", WeightPrecision.Float32),
        ("bf16", WeightPrecision.BFloat16),
        ("int8", WeightPrecision.Int8),
    ];

    /// <summary>The word of <paramref name="precision"/>, as the command line spells it.</summary>
    public static string Word(WeightPrecision precision) => Words.First(w => w.Value == precision).Word;

    /// <summary>--precision, or <paramref name="fallback"/> when absent.</summary>
    public static WeightPrecision? Read(Arguments args, WeightPrecision? fallback) =>
        args.Choice("precision", fallback, Words.Select(w => (w.Word, (WeightPrecision?)w.Value)).ToArray());
}

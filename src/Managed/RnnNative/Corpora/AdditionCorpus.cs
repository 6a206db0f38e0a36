using System.Globalization;
using System.Text;
using RnnNative.Randomness;

namespace RnnNative.Corpora;

/// <summary>
/// The built-in corpus, made on the spot so training needs no download: lines of additions with
/// their sums, <c>535+61=596</c>, operands uniform in [0, 999]. A character model has to learn the
/// format at once and carrying digits over time, so its loss and its answers show progress.
/// </summary>
public static class AdditionCorpus
{
    /// <summary>The same text for the same seed, <paramref name="lines"/> lines of ASCII.</summary>
    public static byte[] Generate(int lines, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1);
        SeededRandom random = new(seed);
        StringBuilder text = new(lines * 12);
        for (int i = 0; i < lines; i++)
        {
            int a = random.NextInt(1000), b = random.NextInt(1000);
            text.Append(a).Append('+').Append(b).Append('=').Append(a + b).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Checks a line "a+b=c": true when it is well formed and the sum is right.</summary>
    public static bool IsCorrect(string line)
    {
        int plus = line.IndexOf('+'), equals = line.IndexOf('=');
        return plus > 0 && equals > plus
            && TryParseDigits(line.AsSpan(0, plus), out int a)
            && TryParseDigits(line.AsSpan(plus + 1, equals - plus - 1), out int b)
            && TryParseDigits(line.AsSpan(equals + 1), out int sum)
            && a + b == sum;
    }

    // Digits only: no sign, no spaces, so "1++2=3" is not a correct line.
    private static bool TryParseDigits(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

using System.Globalization;
using System.Text;
using RnnNative.Randomness;

namespace RnnNative.Corpora;

/// <summary>
/// The built-in corpus, made on the spot so training needs no download: lines of additions with
/// their sums, operands uniform in [0, <see cref="MaxOperand"/>], every number written
/// least-significant digit first: 35+61=96 is the line <c>53+16=69</c>. That is the order in which
/// a carry travels, so a model reading left to right can write the sum digit by digit as it goes
/// (the trick of Zaremba and Sutskever's "Learning to Execute"); written most-significant digit
/// first, the first digit of a sum depends on every digit of both operands. A character model has to
/// learn the format and the carries, so its loss and its answers show progress; a 1x256 LSTM answers
/// most new sums right after 45 s on two cores.
/// </summary>
public static class AdditionCorpus
{
    /// <summary>The largest operand: two digits, which a small model learns in well under a minute.</summary>
    public const int MaxOperand = 99;

    /// <summary>The same text for the same seed, <paramref name="lines"/> lines of ASCII.</summary>
    public static byte[] Generate(int lines, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1);
        SeededRandom random = new(seed);
        StringBuilder text = new(lines * 9);
        for (int i = 0; i < lines; i++)
        {
            int a = random.NextInt(MaxOperand + 1), b = random.NextInt(MaxOperand + 1);
            text.Append(Question(a, b)).Append(Digits(a + b)).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The start of the line for a + b, up to and including '=' (the prime a model completes).</summary>
    public static string Question(int a, int b)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        return Digits(a) + "+" + Digits(b) + "=";
    }

    /// <summary>Reads a corpus line "a+b=c" (digits least-significant first) as numbers; false when it is not
    /// well formed: digits only (no sign, no spaces), no leading zeros (which the corpus never writes
    /// at a number's most significant end), one '+' before one '='.</summary>
    public static bool TryParse(string line, out int a, out int b, out int sum)
    {
        a = b = sum = 0;
        int plus = line.IndexOf('+'), equals = line.IndexOf('=');
        return plus > 0 && equals > plus
            && TryParseDigits(line.AsSpan(0, plus), out a)
            && TryParseDigits(line.AsSpan(plus + 1, equals - plus - 1), out b)
            && TryParseDigits(line.AsSpan(equals + 1), out sum);
    }

    /// <summary>Checks a corpus line "a+b=c": true when it is well formed and the sum is right.</summary>
    public static bool IsCorrect(string line) => TryParse(line, out int a, out int b, out int sum) && a + b == sum;

    /// <summary>A corpus line in the usual notation ("53+16=69" is "35+61=96"); a malformed line unchanged.</summary>
    public static string ToUsualNotation(string line) =>
        TryParse(line, out int a, out int b, out int sum) ? string.Create(CultureInfo.InvariantCulture, $"{a}+{b}={sum}") : line;

    /// <summary>The decimal digits of <paramref name="value"/>, least significant first.</summary>
    private static string Digits(int value)
    {
        char[] digits = value.ToString(CultureInfo.InvariantCulture).ToCharArray();
        Array.Reverse(digits);
        return new string(digits);
    }

    private static bool TryParseDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        // The last character is the most significant digit: a zero there is a leading zero, unless it is the only digit.
        if (text.IsEmpty || text.Length > 9 || (text.Length > 1 && text[^1] == '0'))
        {
            return false;
        }
        for (int i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] is < '0' or > '9')
            {
                return false;
            }
            value = value * 10 + (text[i] - '0');
        }
        return true;
    }
}

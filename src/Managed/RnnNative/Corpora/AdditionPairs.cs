using System.Globalization;
using RnnNative.Randomness;

namespace RnnNative.Corpora;

/// <summary>
/// The sequence-to-sequence addition task of the Keras <c>addition_rnn</c> example: the source is a question
/// "535+61", the target its sum "596". Generated as Keras does it: each operand has a number of digits drawn
/// uniformly from 1..<see cref="Digits"/>, then that many digits uniformly from 0-9, read as a number (so "007"
/// is 7 and small numbers are more frequent than uniform operands would make them); a question whose sorted
/// operand pair (a, b) was drawn before is skipped, so the questions are distinct and "12+345" and "345+12"
/// never both appear. With <see cref="Reversed"/> the question's characters are reversed ("16+535"), as Keras's
/// <c>REVERSE = True</c> does, which puts the units digits first and shortens the paths between the digits that
/// decide the answer's; unlike Keras, nothing is padded with spaces (the batches carry the lengths). The
/// held-out questions are drawn after the training ones against the same record of sorted pairs, so none of
/// them (nor its swapped form) is a training question. Deterministic by seed.
/// </summary>
public sealed class AdditionPairs
{
    /// <summary>The Keras example's operand size: up to 3 digits.</summary>
    public const int DefaultDigits = 3;

    /// <summary>The largest operand size: sums of 9-digit numbers still fit an int.</summary>
    public const int MaxDigits = 9;

    private AdditionPairs(int digits, bool reversed, List<(string, string)> training, List<(string, string)> heldOut)
    {
        Digits = digits;
        Reversed = reversed;
        Training = training;
        HeldOut = heldOut;
    }

    /// <summary>Operands have 1..Digits digits.</summary>
    public int Digits { get; }

    /// <summary>Whether the questions' characters are reversed.</summary>
    public bool Reversed { get; }

    /// <summary>The training pairs (question, sum), distinct questions.</summary>
    public IReadOnlyList<(string Source, string Target)> Training { get; }

    /// <summary>The held-out pairs: distinct questions none of which is (in either operand order) a training question.</summary>
    public IReadOnlyList<(string Source, string Target)> HeldOut { get; }

    /// <summary>
    /// <paramref name="training"/> training and <paramref name="heldOut"/> held-out pairs, the same for the same arguments
    /// (Keras: 50,000 questions of up to 3 digits, reversed).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative (training below 1), digits is outside 1..<see cref="MaxDigits"/>,
    /// or there are fewer distinct questions of that many digits than asked for.</exception>
    public static AdditionPairs Generate(int training = 50_000, int heldOut = 1_000, int digits = DefaultDigits, bool reverse = true, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(training, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(heldOut);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, MaxDigits);
        // Operands are 0..10^D-1: M(M+1)/2 unordered pairs.
        long operands = (long)Math.Pow(10, digits), questions = operands * (operands + 1) / 2;
        if (training + (long)heldOut > questions)
        {
            throw new ArgumentOutOfRangeException(nameof(training), training, $"{training} + {heldOut} distinct questions asked, but operands of up to {digits} digits make only {questions}");
        }
        SeededRandom random = new(seed);
        HashSet<(int, int)> seen = new(training + heldOut);
        return new AdditionPairs(digits, reverse, Draw(training), Draw(heldOut));

        List<(string, string)> Draw(int count)
        {
            List<(string, string)> pairs = new(count);
            while (pairs.Count < count)
            {
                int a = Operand(random, digits), b = Operand(random, digits);
                if (!seen.Add((Math.Min(a, b), Math.Max(a, b)))) continue;
                pairs.Add((Question(a, b, reverse), (a + b).ToString(CultureInfo.InvariantCulture)));
            }
            return pairs;
        }
    }

    /// <summary>The question "a+b", its characters reversed when <paramref name="reverse"/> ("16+535" for 535+61).</summary>
    public static string Question(int a, int b, bool reverse)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        string question = string.Create(CultureInfo.InvariantCulture, $"{a}+{b}");
        if (!reverse) return question;
        char[] characters = question.ToCharArray();
        Array.Reverse(characters);
        return new string(characters);
    }

    /// <summary>The operands of a question written by <see cref="Question"/> with the same <paramref name="reversed"/>; false when it is not one.</summary>
    public static bool TryParseQuestion(string question, bool reversed, out int a, out int b)
    {
        ArgumentNullException.ThrowIfNull(question);
        a = b = 0;
        if (reversed)
        {
            char[] characters = question.ToCharArray();
            Array.Reverse(characters);
            question = new string(characters);
        }
        int plus = question.IndexOf('+');
        return plus > 0
            && int.TryParse(question.AsSpan(0, plus), NumberStyles.None, CultureInfo.InvariantCulture, out a)
            && int.TryParse(question.AsSpan(plus + 1), NumberStyles.None, CultureInfo.InvariantCulture, out b)
            && Question(a, b, reverse: false) == question;
    }

    /// <summary>Keras's operand: 1..<paramref name="digits"/> digits (uniform), each digit uniform, read as a number.</summary>
    private static int Operand(SeededRandom random, int digits)
    {
        int count = 1 + random.NextInt(digits), value = 0;
        for (int i = 0; i < count; i++) value = value * 10 + random.NextInt(10);
        return value;
    }
}

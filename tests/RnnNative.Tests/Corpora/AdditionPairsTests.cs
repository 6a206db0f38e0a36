using RnnNative.Corpora;

namespace RnnNative.Tests.Corpora;

public class AdditionPairsTests
{
    private static (int A, int B) Operands((string Source, string Target) pair, bool reversed)
    {
        Assert.True(AdditionPairs.TryParseQuestion(pair.Source, reversed, out int a, out int b), pair.Source);
        return (a, b);
    }

    [Fact]
    public void Questions_are_distinct_by_sorted_operands_with_correct_sums_of_up_to_the_digits()
    {
        AdditionPairs data = AdditionPairs.Generate(training: 5000, heldOut: 500, digits: 3, reverse: false, seed: 3);

        (int A, int B)[] operands = [.. data.Training.Select(pair => Operands(pair, reversed: false))];

        Assert.Equal(5000, data.Training.Count);
        Assert.Equal(5000, operands.Select(o => (Math.Min(o.A, o.B), Math.Max(o.A, o.B))).Distinct().Count());
        Assert.All(data.Training, pair => Assert.Equal((Operands(pair, false).A + Operands(pair, false).B).ToString(System.Globalization.CultureInfo.InvariantCulture), pair.Target));
        Assert.All(operands, o => Assert.InRange(Math.Max(o.A, o.B), 0, 999));
        // Keras's operands: 1, 2 or 3 digits with equal probability, then digits; uniform operands in 0..999 would
        // have 3 digits 90% of the time, Keras's a third of the time before the repeats of small pairs are skipped.
        double threeDigits = operands.Count(o => o.A >= 100) / (double)operands.Length;
        Assert.InRange(threeDigits, 0.3, 0.45);
        Assert.Contains(operands, o => o.A < 10);
    }

    [Fact]
    public void Held_out_questions_are_never_training_questions_in_either_operand_order()
    {
        // One digit: 55 distinct questions, so 40 + 15 uses all of them and any overlap would show.
        AdditionPairs data = AdditionPairs.Generate(training: 40, heldOut: 15, digits: 1, reverse: true, seed: 9);

        HashSet<(int, int)> training = [.. data.Training.Select(pair => Operands(pair, true)).Select(o => (Math.Min(o.A, o.B), Math.Max(o.A, o.B)))];
        HashSet<(int, int)> heldOut = [.. data.HeldOut.Select(pair => Operands(pair, true)).Select(o => (Math.Min(o.A, o.B), Math.Max(o.A, o.B)))];

        Assert.Equal((40, 15), (training.Count, heldOut.Count));
        Assert.Empty(training.Intersect(heldOut));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdditionPairs.Generate(training: 50, heldOut: 6, digits: 1));
    }

    [Fact]
    public void Reversal_reverses_the_question_text_only()
    {
        Assert.Equal("16+535", AdditionPairs.Question(535, 61, reverse: true));
        Assert.Equal("535+61", AdditionPairs.Question(535, 61, reverse: false));

        AdditionPairs straight = AdditionPairs.Generate(training: 300, heldOut: 30, seed: 5, reverse: false);
        AdditionPairs reversed = AdditionPairs.Generate(training: 300, heldOut: 30, seed: 5, reverse: true);

        Assert.Equal(straight.Training.Select(p => new string(p.Source.Reverse().ToArray())), reversed.Training.Select(p => p.Source));
        Assert.Equal(straight.Training.Select(p => p.Target), reversed.Training.Select(p => p.Target));
        Assert.True(AdditionPairs.TryParseQuestion("16+535", reversed: true, out int a, out int b));
        Assert.Equal((535, 61), (a, b));
        Assert.False(AdditionPairs.TryParseQuestion("05+1", reversed: false, out _, out _));
        Assert.False(AdditionPairs.TryParseQuestion("5+", reversed: false, out _, out _));
    }

    [Fact]
    public void The_same_seed_gives_the_same_pairs_and_another_seed_others()
    {
        AdditionPairs first = AdditionPairs.Generate(training: 2000, heldOut: 100, seed: 1);
        AdditionPairs again = AdditionPairs.Generate(training: 2000, heldOut: 100, seed: 1);
        AdditionPairs other = AdditionPairs.Generate(training: 2000, heldOut: 100, seed: 2);

        Assert.Equal(first.Training, again.Training);
        Assert.Equal(first.HeldOut, again.HeldOut);
        Assert.NotEqual(first.Training, other.Training);
        Assert.Equal((3, true), (first.Digits, first.Reversed));
    }
}

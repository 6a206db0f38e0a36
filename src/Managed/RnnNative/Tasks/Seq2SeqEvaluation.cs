using System.Globalization;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Sampling;

namespace RnnNative.Tasks;

/// <summary>
/// A sequence-to-sequence model's scores on pairs (<see cref="Seq2SeqTaskModel.Evaluate"/>). Each pair's target is its n
/// tokens then the end token, n + 1 positions; the decoded sequence likewise, its end token present when it finished:
/// <code>
/// TokenAccuracy = Σ_pairs #{k &lt; n+1 : decoded[k] = target[k]} / Σ_pairs (n + 1)   (positions past the decoded end are wrong)
/// ExactMatch    = share of pairs whose every position is right (the same tokens, then the end token)
/// </code>
/// So a decoded text equal to the target as its vocabulary writes it is an exact match; an answer one digit short is not,
/// and it still scores the positions it got right.
/// </summary>
/// <param name="Loss">Mean cross-entropy of the teacher-forced decoder, nats per target position (the end token included).</param>
/// <param name="ExactMatch">The share of pairs decoded exactly.</param>
/// <param name="TokenAccuracy">The share of target positions (the end token included) decoded right.</param>
/// <param name="Count">The pairs scored.</param>
public sealed record Seq2SeqEvaluation(double Loss, double ExactMatch, double TokenAccuracy, int Count)
{
    /// <summary>The scores of <paramref name="decoded"/>[i] against pair i's target of <paramref name="data"/>, with mean loss <paramref name="loss"/>.</summary>
    /// <exception cref="ArgumentException">Not one decoded sequence per pair.</exception>
    public static Seq2SeqEvaluation Of(double loss, PairSet data, IReadOnlyList<DecodedSequence> decoded)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(decoded);
        if (decoded.Count != data.Count)
        {
            throw new ArgumentException($"{decoded.Count} decoded sequences for {data.Count} pairs; expected one per pair.", nameof(decoded));
        }
        long positions = 0, right = 0;
        int exact = 0;
        for (int i = 0; i < data.Count; i++)
        {
            ReadOnlySpan<int> target = data.Target(i);
            int correct = CorrectPositions(target, decoded[i]);
            positions += target.Length + 1;
            right += correct;
            if (correct == target.Length + 1) exact++;
        }
        return new Seq2SeqEvaluation(loss, (double)exact / data.Count, (double)right / positions, data.Count);
    }

    /// <summary>Positions k in 0..n where the decoded sequence (its end token included when finished) has target[k] (y_{n} = the end token).</summary>
    private static int CorrectPositions(ReadOnlySpan<int> target, DecodedSequence decoded)
    {
        int[] tokens = decoded.Tokens;
        int decodedLength = tokens.Length + (decoded.Finished ? 1 : 0), correct = 0;
        for (int k = 0; k <= target.Length && k < decodedLength; k++)
        {
            int expected = k < target.Length ? target[k] : SpecialTokens.End;
            int got = k < tokens.Length ? tokens[k] : SpecialTokens.End;
            if (got == expected) correct++;
        }
        return correct;
    }

    /// <summary>One line: "loss 0.0123  exact match 99.10%  token accuracy 99.80%  (1,000 pairs)".</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "loss {0:0.0000}  exact match {1:0.00%}  token accuracy {2:0.00%}  ({3:N0} pairs)", Loss, ExactMatch, TokenAccuracy, Count);
}

namespace RnnNative.Sampling;

/// <summary>
/// One decoded target: its tokens and how likely the decoder found them. The score ranks results:
/// <code>
/// Score = LogProbability / length^α      α: BeamOptions.LengthPenalty (0: Score = LogProbability)
/// length = Tokens.Length + 1 when Finished (EOS is a prediction too), else Tokens.Length
/// </code>
/// </summary>
/// <param name="Tokens">The target tokens, without BOS and EOS.</param>
/// <param name="LogProbability">Σ log p of every token the sequence chose, EOS included when <paramref name="Finished"/>.</param>
/// <param name="Score">LogProbability normalised by length (see above); higher is better.</param>
/// <param name="Finished">The sequence ended in EOS; false when it reached the maximum length and the decoder wanted more.</param>
public sealed record DecodedSequence(int[] Tokens, double LogProbability, double Score, bool Finished)
{
    /// <summary>A sequence scored with length penalty <paramref name="lengthPenalty"/> (α, see the type's summary).</summary>
    public static DecodedSequence Scored(int[] tokens, double logProbability, bool finished, double lengthPenalty)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int length = tokens.Length + (finished ? 1 : 0);
        return new DecodedSequence(tokens, logProbability, logProbability / Math.Pow(length, lengthPenalty), finished);
    }
}

namespace RnnNative.Sampling;

/// <summary>How <see cref="BeamSearch"/> searches: how many hypotheses it keeps per source, how long they may grow and how
/// their scores weigh length (see <see cref="DecodedSequence"/> for the score).</summary>
public sealed record BeamOptions
{
    /// <summary>K: the hypotheses kept per source at every timestep, and the results returned per source.</summary>
    public int Width { get; init; } = 4;

    /// <summary>The most tokens a result may have, EOS not counted: a sequence of this many tokens may still end in EOS;
    /// one the decoder wants to continue past it is returned unfinished.</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>α in Score = LogProbability / length^α: 0 ranks by raw log-probability (favouring short sequences), 1 by the
    /// mean log-probability per token.</summary>
    public double LengthPenalty { get; init; } = 1.0;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> whose ParamName is the first option out of range.</summary>
    public void Validate()
    {
        if (Width < 1) throw new ArgumentOutOfRangeException(nameof(Width), Width, "the beam width must be at least 1 hypothesis per source");
        if (MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "the maximum length must be at least 1 token");
        if (!double.IsFinite(LengthPenalty) || LengthPenalty < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LengthPenalty), LengthPenalty, "the length penalty must be a finite number >= 0 (0: raw log-probability)");
        }
    }
}

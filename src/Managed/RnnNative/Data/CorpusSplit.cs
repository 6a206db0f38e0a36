namespace RnnNative.Data;

/// <summary>A corpus cut into a training part and the held-out validation part that follows it.</summary>
public sealed record CorpusSplit(TokenSequence Train, TokenSequence Validation)
{
    /// <summary>The share of a corpus held out for validation by default: its last 10%.</summary>
    public const double DefaultValidationFraction = 0.1;

    /// <summary>The fraction <see cref="Create"/> held out; NaN for a split the host made itself.</summary>
    public double ValidationFraction { get; init; } = double.NaN;

    /// <summary>
    /// The last floor(N·<paramref name="validationFraction"/>) tokens are validation, the rest training.
    /// Both are slices sharing <paramref name="tokens"/>' storage.
    /// </summary>
    public static CorpusSplit Create(TokenSequence tokens, double validationFraction = DefaultValidationFraction)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        }
        long validation = (long)Math.Floor(tokens.Length * validationFraction);
        long train = tokens.Length - validation;
        return new CorpusSplit(tokens.Slice(0, train), tokens.Slice(train, validation)) { ValidationFraction = validationFraction };
    }
}

using RnnNative.Datasets;

namespace RnnNative.Tasks;

/// <summary>
/// How a sequence-to-sequence model's text meets its ids, fixed by the training pairs and recorded in the model file: the
/// source vocabulary the encoder reads and the target vocabulary the decoder writes, both sequence-to-sequence vocabularies
/// (<see cref="TokenVocabulary.HasSpecialTokens"/>: padding, start, end and unknown at ids 0..3). Every file read for the
/// model is encoded with it; a unit neither side holds encodes to <see cref="Data.SpecialTokens.Unknown"/>.
/// </summary>
/// <param name="Source">The encoder's vocabulary (Vs = its count).</param>
/// <param name="Target">The decoder's vocabulary (Vt = its count).</param>
public sealed record Seq2SeqEncoding(TokenVocabulary Source, TokenVocabulary Target)
{
    /// <summary>The vocabularies of both sides.</summary>
    /// <exception cref="ArgumentException">A vocabulary has no special tokens (a tagger's or classifier's).</exception>
    public TokenVocabulary Source { get; } = Checked(Source, nameof(Source));

    /// <summary>The decoder's vocabulary (Vt = its count).</summary>
    public TokenVocabulary Target { get; } = Checked(Target, nameof(Target));

    /// <summary>Both vocabularies fitted on <paramref name="training"/> as <paramref name="options"/> say (unit, cap, case).</summary>
    public static Seq2SeqEncoding Fit(PairFile training, TaskDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (TokenVocabulary source, TokenVocabulary target) = PairDataset.Fit(training, options.Unit, options.MaxVocabulary, options.Lowercase);
        return new Seq2SeqEncoding(source, target);
    }

    private static TokenVocabulary Checked(TokenVocabulary vocabulary, string side)
    {
        ArgumentNullException.ThrowIfNull(vocabulary, side);
        return vocabulary.HasSpecialTokens ? vocabulary
            : throw new ArgumentException($"the {side.ToLowerInvariant()} vocabulary has no special tokens; build it with TokenVocabulary.BuildWithSpecialTokens", side);
    }
}

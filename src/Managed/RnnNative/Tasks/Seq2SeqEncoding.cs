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

    /// <summary>Vocabularies of <paramref name="sourceVocabularySize"/> and <paramref name="targetVocabularySize"/> ids whose symbols
    /// are their numbers (<see cref="TokenVocabulary.OfIds"/>): the encoding of pairs a host gives as token ids.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size leaves no symbol (at most the special tokens).</exception>
    public static Seq2SeqEncoding OfIds(int sourceVocabularySize, int targetVocabularySize)
    {
        RequireSymbols(sourceVocabularySize, nameof(sourceVocabularySize));
        RequireSymbols(targetVocabularySize, nameof(targetVocabularySize));
        return new Seq2SeqEncoding(TokenVocabulary.OfIds(sourceVocabularySize), TokenVocabulary.OfIds(targetVocabularySize));
    }

    private static void RequireSymbols(int size, string name)
    {
        if (size <= Data.SpecialTokens.Count)
        {
            throw new ArgumentOutOfRangeException(name, size, $"a vocabulary of ids needs more than the {Data.SpecialTokens.Count} special tokens (symbols start at id {Data.SpecialTokens.Count})");
        }
    }

    /// <summary>Throws unless every id of <paramref name="set"/> is below its side's vocabulary size: pairs read with this encoding
    /// (<paramref name="source"/> names them in the message).</summary>
    /// <exception cref="ArgumentException">An id is outside its side's vocabulary (pairs read with another encoding).</exception>
    public void Check(PairSet set, string source)
    {
        ArgumentNullException.ThrowIfNull(set);
        CheckIds(set.SourceTokens, Source.Count, "source", source);
        CheckIds(set.TargetTokens, Target.Count, "target", source);
    }

    private static void CheckIds(int[] ids, int vocabulary, string side, string source)
    {
        if (ids.Length > 0 && ids.Max() >= vocabulary)
        {
            throw new ArgumentException($"{source}: {side} id {ids.Max()} is outside the model's {side} vocabulary of {vocabulary}; read the pairs with the model's encoding.", "data");
        }
    }

    private static TokenVocabulary Checked(TokenVocabulary vocabulary, string side)
    {
        ArgumentNullException.ThrowIfNull(vocabulary, side);
        return vocabulary.HasSpecialTokens ? vocabulary
            : throw new ArgumentException($"the {side.ToLowerInvariant()} vocabulary has no special tokens; build it with TokenVocabulary.BuildWithSpecialTokens", side);
    }
}

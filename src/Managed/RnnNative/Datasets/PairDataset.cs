namespace RnnNative.Datasets;

/// <summary>
/// A pair file encoded for a sequence-to-sequence model: pair i's source and target as words or characters
/// (<see cref="TokenVocabulary.Split"/>), each side with its own vocabulary (<see cref="TokenVocabulary.BuildWithSpecialTokens"/>:
/// the special tokens first), fitted on the training pairs and reused for every other file; a unit the
/// vocabulary does not hold encodes to <see cref="Data.SpecialTokens.Unknown"/>.
/// </summary>
public static class PairDataset
{
    /// <summary>
    /// The source and target vocabularies of the training pairs, each of the <paramref name="maxUnits"/> most frequent
    /// units of its side (0: all) after the special tokens; <paramref name="unit"/> and <paramref name="lowercase"/> apply to both.
    /// </summary>
    public static (TokenVocabulary Source, TokenVocabulary Target) Fit(PairFile training, TokenUnit unit, int maxUnits = 0, bool lowercase = false)
    {
        ArgumentNullException.ThrowIfNull(training);
        IEnumerable<string> sources = training.Pairs.SelectMany(pair => TokenVocabulary.Split(pair.Source, unit));
        IEnumerable<string> targets = training.Pairs.SelectMany(pair => TokenVocabulary.Split(pair.Target, unit));
        return (TokenVocabulary.BuildWithSpecialTokens(sources, unit, maxUnits, lowercase), TokenVocabulary.BuildWithSpecialTokens(targets, unit, maxUnits, lowercase));
    }

    /// <summary>Encodes <paramref name="file"/> with vocabularies from <see cref="Fit"/> (or a model's), pair i as example i.</summary>
    /// <exception cref="ArgumentException">A vocabulary is not a sequence-to-sequence one (<see cref="TokenVocabulary.HasSpecialTokens"/>).</exception>
    /// <exception cref="DatasetFormatException">A side has no unit (a text of only whitespace, split into words).</exception>
    public static PairSet Encode(PairFile file, TokenVocabulary source, TokenVocabulary target)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (!source.HasSpecialTokens) throw new ArgumentException("the source vocabulary has no special tokens; build it with TokenVocabulary.BuildWithSpecialTokens", nameof(source));
        if (!target.HasSpecialTokens) throw new ArgumentException("the target vocabulary has no special tokens; build it with TokenVocabulary.BuildWithSpecialTokens", nameof(target));
        List<int> sourceIds = [], targetIds = [];
        int[] sourceLengths = new int[file.Pairs.Count], targetLengths = new int[file.Pairs.Count];
        for (int i = 0; i < sourceLengths.Length; i++)
        {
            TextPair pair = file.Pairs[i];
            sourceLengths[i] = Append(sourceIds, source, pair.Source, file.File, pair.Line, "source");
            targetLengths[i] = Append(targetIds, target, pair.Target, file.File, pair.Line, "target");
        }
        return PairSet.FromTokens(sourceIds.ToArray(), sourceLengths, targetIds.ToArray(), targetLengths);
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> and returns how many.</summary>
    private static int Append(List<int> ids, TokenVocabulary vocabulary, string text, string file, int line, string side)
    {
        int[] encoded = vocabulary.Encode(text);
        if (encoded.Length == 0) throw new DatasetFormatException(file, line, $"the {side} has no {(vocabulary.Unit == TokenUnit.Words ? "word" : "character")}");
        ids.AddRange(encoded);
        return encoded.Length;
    }
}

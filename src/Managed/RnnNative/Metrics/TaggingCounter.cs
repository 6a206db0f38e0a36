namespace RnnNative.Metrics;

/// <summary>
/// Counts a tagger's results sequence by sequence as CoNLL's conlleval.pl counts a file: token accuracy
/// and chunk (span) precision, recall and F1, per chunk type and overall. A chunk is correct only when
/// the gold and the predicted tags start it at the same token, end it at the same token and give it the
/// same type; where chunks start and end is read from the tags as conlleval reads them
/// (<see cref="ChunkTag"/>), so IOB1 and IOB2 tags both work and a chunk opened by I- counts.
/// </summary>
/// <remarks>
/// Each sequence is followed by a sentence boundary, as conlleval reads a blank line: a tag "O" in both
/// columns that is not counted as a token, so a chunk ends with its sequence. Not thread-safe.
/// </remarks>
public sealed class TaggingCounter
{
    private readonly Dictionary<string, LabelScore> _types = new(StringComparer.Ordinal);
    private long _tokens, _correctTokens;
    // conlleval's state between two tokens: the previous tags, and whether the chunk that gold and
    // prediction both opened is still the same in both (so far correct).
    private ChunkTag _lastGold = ChunkTag.Outside, _lastPredicted = ChunkTag.Outside;
    private bool _inCorrectChunk;

    /// <summary>Counts one sequence of gold and predicted tag names ("B-PER", "I-PER", "O").</summary>
    /// <exception cref="ArgumentException">The two sequences differ in length.</exception>
    public void Add(ReadOnlySpan<string> gold, ReadOnlySpan<string> predicted)
    {
        CheckLengths(gold.Length, predicted.Length);
        for (int t = 0; t < gold.Length; t++)
        {
            ArgumentNullException.ThrowIfNull(gold[t], nameof(gold));
            ArgumentNullException.ThrowIfNull(predicted[t], nameof(predicted));
            Count(ChunkTag.Parse(gold[t]), ChunkTag.Parse(predicted[t]), isToken: true);
        }
        Count(ChunkTag.Outside, ChunkTag.Outside, isToken: false);
    }

    /// <summary>Counts one sequence of gold and predicted tag ids, named by <paramref name="tagNames"/>.</summary>
    /// <exception cref="ArgumentException">The two sequences differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is not an index of <paramref name="tagNames"/>.</exception>
    public void Add(ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted, IReadOnlyList<string> tagNames)
    {
        ArgumentNullException.ThrowIfNull(tagNames);
        CheckLengths(gold.Length, predicted.Length);
        for (int t = 0; t < gold.Length; t++)
        {
            Count(ChunkTag.Parse(Name(tagNames, gold[t], nameof(gold))), ChunkTag.Parse(Name(tagNames, predicted[t], nameof(predicted))), isToken: true);
        }
        Count(ChunkTag.Outside, ChunkTag.Outside, isToken: false);
    }

    /// <summary>The metrics of everything counted so far (the counter can go on counting).</summary>
    public TaggingMetrics Result()
    {
        // conlleval closes a chunk still open at the end of its input; after a boundary none normally is.
        Dictionary<string, LabelScore> types = new(_types, StringComparer.Ordinal);
        if (_inCorrectChunk) Increment(types, _lastGold.Type, correct: 1);
        List<LabelScore> sorted = [.. types.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
        LabelScore overall = new("overall", sorted.Sum(s => s.Gold), sorted.Sum(s => s.Predicted), sorted.Sum(s => s.Correct));
        return new TaggingMetrics(_tokens, _correctTokens, overall, sorted);
    }

    /// <summary>
    /// One token of conlleval's main loop: first decide whether the open correct chunk ended correctly
    /// (both sides end it here and gave it the same type) or went wrong (only one side ends it, or the
    /// types part), then whether both sides start a chunk of one type here, then count the starts.
    /// </summary>
    private void Count(ChunkTag gold, ChunkTag predicted, bool isToken)
    {
        bool goldEnds = ChunkTag.ChunkEnds(_lastGold, gold), predictedEnds = ChunkTag.ChunkEnds(_lastPredicted, predicted);
        if (_inCorrectChunk)
        {
            if (goldEnds && predictedEnds && _lastPredicted.Type == _lastGold.Type)
            {
                _inCorrectChunk = false;
                Increment(_types, _lastGold.Type, correct: 1);
            }
            else if (goldEnds != predictedEnds || predicted.Type != gold.Type)
            {
                _inCorrectChunk = false;
            }
        }

        bool goldStarts = ChunkTag.ChunkStarts(_lastGold, gold), predictedStarts = ChunkTag.ChunkStarts(_lastPredicted, predicted);
        if (goldStarts && predictedStarts && predicted.Type == gold.Type) _inCorrectChunk = true;
        if (goldStarts) Increment(_types, gold.Type, gold: 1);
        if (predictedStarts) Increment(_types, predicted.Type, predicted: 1);

        if (isToken)
        {
            _tokens++;
            if (gold == predicted) _correctTokens++;
        }
        _lastGold = gold;
        _lastPredicted = predicted;
    }

    private static void Increment(Dictionary<string, LabelScore> types, string type, long gold = 0, long predicted = 0, long correct = 0)
    {
        LabelScore score = types.GetValueOrDefault(type) ?? new LabelScore(type, 0, 0, 0);
        types[type] = score with { Gold = score.Gold + gold, Predicted = score.Predicted + predicted, Correct = score.Correct + correct };
    }

    private static string Name(IReadOnlyList<string> tagNames, int id, string paramName)
    {
        if ((uint)id >= (uint)tagNames.Count) throw new ArgumentOutOfRangeException(paramName, id, $"a tag id must be in [0, {tagNames.Count})");
        return tagNames[id];
    }

    private static void CheckLengths(int gold, int predicted)
    {
        if (gold != predicted) throw new ArgumentException($"the gold sequence has {gold} tags, the predicted one {predicted}", nameof(predicted));
    }
}

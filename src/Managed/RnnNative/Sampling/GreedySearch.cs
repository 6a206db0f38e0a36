using RnnNative.Data;
using RnnNative.Model;

namespace RnnNative.Sampling;

/// <summary>
/// Greedy decoding: every source takes the most likely next token (the lowest id among equals) until it takes EOS or has
/// the maximum length. Written on its own, not as a beam of width 1, so that "a beam of width 1 equals greedy" checks the
/// beam. All sources still decoding go through one <see cref="IStepDecoder.Step"/> per timestep; a source that ends
/// leaves the rows (<see cref="IStepDecoder.Reorder"/>).
/// </summary>
public static class GreedySearch
{
    /// <summary>Decodes every source of <paramref name="decoder"/> (which must be fresh: one row per source, nothing read),
    /// returning one sequence per source in source order. A sequence holds at most <paramref name="maxLength"/> tokens, EOS not
    /// counted: after that many, the sequence is finished if the next token is EOS, and returned unfinished otherwise (that
    /// token not taken). Greedy applies no length penalty: Score = LogProbability.</summary>
    public static DecodedSequence[] Decode(IStepDecoder decoder, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "the maximum length must be at least 1 token");
        int[] rowSources = DecoderRows.SourcesAtStart(decoder);
        int vocabulary = decoder.Vocabulary;
        var results = new DecodedSequence[rowSources.Length];
        var tokens = new List<int>[rowSources.Length];
        var logProbability = new double[rowSources.Length];
        for (int s = 0; s < tokens.Length; s++) tokens[s] = [];

        int[] input = Enumerable.Repeat(SpecialTokens.Start, rowSources.Length).ToArray();
        float[] logProbabilities = new float[checked(input.Length * vocabulary)];
        var keep = new List<int>(input.Length);
        for (int timestep = 0; ; timestep++)
        {
            decoder.Step(input, logProbabilities.AsSpan(0, input.Length * vocabulary));   // [R, V]
            keep.Clear();
            for (int row = 0; row < input.Length; row++)
            {
                int source = rowSources[row];
                ReadOnlySpan<float> next = logProbabilities.AsSpan(row * vocabulary, vocabulary);
                int best = ArgMax(next);
                bool finished = best == SpecialTokens.End;
                if (finished || timestep == maxLength)
                {
                    if (finished) logProbability[source] += next[best];
                    results[source] = DecodedSequence.Scored([.. tokens[source]], logProbability[source], finished, lengthPenalty: 0);
                    continue;
                }
                tokens[source].Add(best);
                logProbability[source] += next[best];
                input[row] = best;
                keep.Add(row);
            }
            if (keep.Count == 0) break;
            if (keep.Count < input.Length)
            {
                // A session keeps at least one row (Seq2SeqModel's refuses none): when every row ended, nothing is stepped again.
                if (keep.Count > 0) decoder.Reorder(keep.ToArray());
                rowSources = keep.Select(row => rowSources[row]).ToArray();
                input = keep.Select(row => input[row]).ToArray();
            }
        }
        return results;
    }

    /// <summary>The most likely token; the lowest id among equals.</summary>
    private static int ArgMax(ReadOnlySpan<float> logProbabilities)
    {
        int best = 0;
        for (int token = 1; token < logProbabilities.Length; token++)
        {
            if (logProbabilities[token] > logProbabilities[best]) best = token;
        }
        return best;
    }
}

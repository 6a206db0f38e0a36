using RnnNative.Data;
using RnnNative.Sampling;

namespace RnnNative.Tests.Sampling;

/// <summary>Every sequence a search could return for one source, scored as <see cref="DecodedSequence"/> documents, by
/// walking the whole tree: y + EOS for every y of at most maxLength tokens, and y unfinished for every y of exactly
/// maxLength tokens that the decoder could continue (any other token of log-probability above -∞).</summary>
internal static class Exhaustive
{
    public static List<DecodedSequence> Enumerate(ScriptedDecoder decoder, int key, int maxLength, double lengthPenalty)
    {
        var all = new List<DecodedSequence>();
        Walk([], 0.0);
        return all.OrderByDescending(sequence => sequence.Score).ToList();

        void Walk(int[] prefix, double logProbability)
        {
            float[] next = decoder.Next(key, prefix);
            if (next[SpecialTokens.End] > float.NegativeInfinity) Add(prefix, logProbability + next[SpecialTokens.End], finished: true);
            for (int token = 0; token < next.Length; token++)
            {
                if (token == SpecialTokens.End || next[token] == float.NegativeInfinity) continue;
                if (prefix.Length == maxLength)
                {
                    Add(prefix, logProbability, finished: false);
                    return;
                }
                Walk([.. prefix, token], logProbability + next[token]);
            }
        }

        void Add(int[] tokens, double logProbability, bool finished)
        {
            int length = tokens.Length + (finished ? 1 : 0);
            all.Add(new DecodedSequence(tokens, logProbability, logProbability / Math.Pow(length, lengthPenalty), finished));
        }
    }
}

using RnnNative.Data;
using RnnNative.Model;

namespace RnnNative.Sampling;

/// <summary>
/// Beam search over a batch of sources. Each source keeps K = <see cref="BeamOptions.Width"/> live hypotheses; at every
/// timestep the live hypotheses of all sources still searching go through ONE <see cref="IStepDecoder.Step"/> (one row each),
/// then <see cref="IStepDecoder.Reorder"/> makes the rows the next timestep's hypotheses (sources that are done drop out).
/// No timestep is run twice: a hypothesis's state is its row's.
/// <para>Per source and timestep (<see cref="SourceBeam"/>): every expansion "live hypothesis + token" is ranked by its
/// cumulative log-probability (ties: the better-ranked parent first, then the lower token id; tokens of log-probability -∞
/// are never taken). An EOS expansion ranked among the first K is finished (EOS ranked lower is dropped); the K best
/// expansions by other tokens are the next live hypotheses. After <see cref="BeamOptions.MaxLength"/> tokens, the last
/// timestep ranks only each hypothesis's EOS and its best other token: among the first K, EOS finishes the hypothesis and
/// another token returns it unfinished (that token not taken). A beam of width 1 is therefore greedy decoding.</para>
/// <para>Stopping: a source is done when it has at least K finished hypotheses and the K-th best of them by raw
/// log-probability is at least the best live hypothesis's log-probability (or when nothing is live, or at the maximum length).
/// Log-probabilities only fall as a hypothesis grows, so with LengthPenalty 0 no live hypothesis could have entered the K
/// results: the rule is exact. With LengthPenalty &gt; 0 it is the usual heuristic: a longer hypothesis can score better per
/// token than the finished ones although it is less likely, and stopping may miss it (the exact bound, the live
/// log-probability over (MaxLength + 1)^α, would run nearly every beam to the maximum length).</para>
/// <para>Results: per source, the finished hypotheses (and the unfinished ones of the last timestep) ranked by
/// <see cref="DecodedSequence.Score"/>, best first (ties: the one found first), the first K; fewer only when fewer
/// distinct hypotheses exist.</para>
/// </summary>
public static class BeamSearch
{
    /// <summary>Decodes every source of <paramref name="decoder"/> (which must be fresh: one row per source, nothing read)
    /// with <paramref name="options"/> (validated first); returns, per source in source order, up to K sequences best
    /// Score first.</summary>
    public static DecodedSequence[][] Decode(IStepDecoder decoder, BeamOptions options)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int[] rowSources = DecoderRows.SourcesAtStart(decoder);
        int vocabulary = decoder.Vocabulary;
        var beams = new SourceBeam[rowSources.Length];
        for (int row = 0; row < rowSources.Length; row++) beams[rowSources[row]] = new SourceBeam(options, row);

        int[] input = Enumerable.Repeat(SpecialTokens.Start, rowSources.Length).ToArray();
        float[] logProbabilities = [];
        var parents = new List<int>();
        var next = new List<int>();
        for (int timestep = 0; input.Length > 0; timestep++)
        {
            int values = checked(input.Length * vocabulary);
            if (logProbabilities.Length < values) logProbabilities = new float[values];
            decoder.Step(input, logProbabilities.AsSpan(0, values));   // [R, V]
            parents.Clear();
            next.Clear();
            foreach (SourceBeam beam in beams)
            {
                if (!beam.Done) beam.Advance(logProbabilities, vocabulary, last: timestep == options.MaxLength, parents, next);
            }
            if (parents.Count > 0 && !IsEveryRowInPlace(parents, input.Length)) decoder.Reorder(parents.ToArray());
            input = next.ToArray();
        }
        return beams.Select(beam => beam.Results()).ToArray();
    }

    /// <summary>The rows stay as they are (every row its own parent, none dropped): no reorder needed.</summary>
    private static bool IsEveryRowInPlace(List<int> parents, int rows)
    {
        if (parents.Count != rows) return false;
        for (int row = 0; row < rows; row++)
        {
            if (parents[row] != row) return false;
        }
        return true;
    }
}

using RnnNative.Data;

namespace RnnNative.Sampling;

/// <summary>
/// One source's beam in a <see cref="BeamSearch"/>: its live hypotheses (each on one decoder row), its ended ones, and
/// the ranking, pruning and stopping rules that <see cref="BeamSearch"/> documents.
/// </summary>
internal sealed class SourceBeam
{
    /// <summary>A live hypothesis: its tokens, Σ log p of them, and the decoder row holding its state.</summary>
    private readonly record struct Hypothesis(int[] Tokens, double LogProbability, int Row);

    /// <summary>An expansion of live hypothesis <c>Parent</c> (its rank) by <c>Token</c>, of cumulative log-probability
    /// <c>LogProbability</c>.</summary>
    private readonly record struct Expansion(double LogProbability, int Parent, int Token);

    /// <summary>Better first: higher log-probability, then the better-ranked parent, then the lower token id.</summary>
    private static readonly Comparison<Expansion> s_better = (a, b) =>
        a.LogProbability != b.LogProbability ? b.LogProbability.CompareTo(a.LogProbability)
        : a.Parent != b.Parent ? a.Parent.CompareTo(b.Parent)
        : a.Token.CompareTo(b.Token);

    private readonly int _width;
    private readonly double _lengthPenalty;
    private List<Hypothesis> _live;
    private readonly List<DecodedSequence> _ended = [];
    private readonly List<double> _finishedLogProbabilities = [];
    private readonly List<Expansion> _best;

    /// <summary>A beam holding one empty hypothesis on decoder row <paramref name="row"/>.</summary>
    public SourceBeam(BeamOptions options, int row)
    {
        _width = options.Width;
        _lengthPenalty = options.LengthPenalty;
        _live = [new Hypothesis([], 0, row)];
        // The walk needs the K best expansions by other tokens and the EOS ones among the first K: at most 2K,
        // since each parent has one EOS expansion and at most K parents live.
        _best = new List<Expansion>((int)Math.Min(2L * _width, 1024));
    }

    /// <summary>Nothing live: the source needs no more rows.</summary>
    public bool Done => _live.Count == 0;

    /// <summary>Takes the log-probabilities the live hypotheses' rows got from the step ([R, V] for all rows), ends, prunes
    /// and extends the hypotheses, and appends each new live hypothesis's parent row and token to <paramref name="parents"/>
    /// and <paramref name="tokens"/> (its new row: its place there). <paramref name="last"/>: the hypotheses have the
    /// maximum length, so every one ends.</summary>
    public void Advance(ReadOnlySpan<float> logProbabilities, int vocabulary, bool last, List<int> parents, List<int> tokens)
    {
        RankExpansions(logProbabilities, vocabulary, last);
        var extended = new List<Expansion>();
        for (int rank = 0; rank < _best.Count && extended.Count < _width; rank++)
        {
            Expansion expansion = _best[rank];
            Hypothesis parent = _live[expansion.Parent];
            if (expansion.Token == SpecialTokens.End)
            {
                if (rank < _width) Finish([.. parent.Tokens], expansion.LogProbability);
            }
            else if (last)
            {
                if (rank < _width) _ended.Add(DecodedSequence.Scored([.. parent.Tokens], parent.LogProbability, finished: false, _lengthPenalty));
            }
            else
            {
                extended.Add(expansion);
            }
        }
        var live = new List<Hypothesis>(extended.Count);
        if (extended.Count > 0 && !CannotImprove(extended[0].LogProbability))
        {
            foreach (Expansion expansion in extended)
            {
                Hypothesis parent = _live[expansion.Parent];
                live.Add(new Hypothesis([.. parent.Tokens, expansion.Token], expansion.LogProbability, parents.Count));
                parents.Add(parent.Row);
                tokens.Add(expansion.Token);
            }
        }
        _live = live;
    }

    /// <summary>The ended hypotheses, best Score first (ties: the one found first), at most K.</summary>
    public DecodedSequence[] Results() => _ended.OrderByDescending(sequence => sequence.Score).Take(_width).ToArray();

    /// <summary>Fills <see cref="_best"/> with the best 2K expansions in order. On the last timestep a hypothesis offers only
    /// EOS and its best other token (it cannot grow; any other token means "unfinished").</summary>
    private void RankExpansions(ReadOnlySpan<float> logProbabilities, int vocabulary, bool last)
    {
        _best.Clear();
        int keep = (int)Math.Min(2L * _width, (long)_live.Count * vocabulary);
        for (int parent = 0; parent < _live.Count; parent++)
        {
            Hypothesis hypothesis = _live[parent];
            ReadOnlySpan<float> next = logProbabilities.Slice(hypothesis.Row * vocabulary, vocabulary);   // [V]
            if (last)
            {
                Offer(new Expansion(hypothesis.LogProbability + next[SpecialTokens.End], parent, SpecialTokens.End), keep);
                int other = BestOtherThanEnd(next);
                Offer(new Expansion(hypothesis.LogProbability + next[other], parent, other), keep);
                continue;
            }
            for (int token = 0; token < vocabulary; token++)
            {
                Offer(new Expansion(hypothesis.LogProbability + next[token], parent, token), keep);
            }
        }
    }

    /// <summary>Inserts an expansion into the sorted <see cref="_best"/> if it is among the best <paramref name="keep"/>
    /// (an impossible one, log-probability -∞ or NaN, never).</summary>
    private void Offer(Expansion expansion, int keep)
    {
        if (!(expansion.LogProbability > double.NegativeInfinity)) return;
        if (_best.Count == keep && s_better(expansion, _best[^1]) >= 0) return;
        int at = _best.Count;
        while (at > 0 && s_better(expansion, _best[at - 1]) < 0) at--;
        if (_best.Count == keep) _best.RemoveAt(keep - 1);
        _best.Insert(at, expansion);
    }

    private void Finish(int[] tokens, double logProbability)
    {
        _ended.Add(DecodedSequence.Scored(tokens, logProbability, finished: true, _lengthPenalty));
        _finishedLogProbabilities.Add(logProbability);
    }

    /// <summary>The stopping rule (see <see cref="BeamSearch"/>): K finished hypotheses, the K-th best by log-probability at
    /// least as likely as the best live one.</summary>
    private bool CannotImprove(double bestLive)
    {
        if (_finishedLogProbabilities.Count < _width) return false;
        _finishedLogProbabilities.Sort((a, b) => b.CompareTo(a));
        return _finishedLogProbabilities[_width - 1] >= bestLive;
    }

    /// <summary>The most likely token other than EOS (the lowest id among equals).</summary>
    private static int BestOtherThanEnd(ReadOnlySpan<float> logProbabilities)
    {
        int best = -1;
        for (int token = 0; token < logProbabilities.Length; token++)
        {
            if (token != SpecialTokens.End && (best < 0 || logProbabilities[token] > logProbabilities[best])) best = token;
        }
        return best;
    }
}

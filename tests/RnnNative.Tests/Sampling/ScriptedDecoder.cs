using RnnNative.Data;
using RnnNative.Model;

namespace RnnNative.Tests.Sampling;

/// <summary>
/// A step decoder for testing searches: a row's state is its source and the tokens it has read, and the next token's
/// log-probabilities are a pure function of them (<see cref="Next"/>), so a search that mixes up rows, re-runs a timestep
/// or forgets to reorder gets different numbers. It checks the seam's rules as it goes (throwing
/// <see cref="InvalidOperationException"/>): every row reads BOS first and then only symbols, never a token after EOS
/// (a finished hypothesis is never stepped), never more than <c>maxRows</c> rows at once (sources × K) nor more tokens
/// than the maximum length. <see cref="IgnoreReorder"/> is the negative control: rows keep their state when reordered.
/// </summary>
internal abstract class ScriptedDecoder(int vocabulary, int[] sourceKeys, int maxRows, int maxTokens) : IStepDecoder
{
    private List<(int Source, int[] Prefix, bool Started)> _rows = sourceKeys.Select((_, s) => (s, Array.Empty<int>(), false)).ToList();

    public int Vocabulary => vocabulary;

    public int Rows => _rows.Count;

    public ReadOnlySpan<int> Sources => _rows.Select(r => r.Source).ToArray();

    /// <summary>Step calls so far.</summary>
    public int Steps { get; private set; }

    /// <summary>Σ rows over the step calls.</summary>
    public int RowsStepped { get; private set; }

    /// <summary>The negative control: <see cref="Reorder"/> only resizes, row r keeps old row r's state (modulo the old count).</summary>
    public bool IgnoreReorder { get; init; }

    /// <summary>The next token's log-probabilities [V] for the source with key <paramref name="key"/> after reading
    /// <paramref name="prefix"/> (symbols, BOS and EOS excluded).</summary>
    public abstract float[] Next(int key, int[] prefix);

    public void Step(ReadOnlySpan<int> tokens, Span<float> logProbabilities)
    {
        Check(tokens.Length == Rows, $"{tokens.Length} tokens for {Rows} rows");
        Check(logProbabilities.Length == Rows * vocabulary, $"{logProbabilities.Length} log-probabilities for {Rows} rows of {vocabulary}");
        Check(Rows <= maxRows, $"{Rows} rows stepped at once, more than sources × width = {maxRows}");
        Steps++;
        RowsStepped += Rows;
        for (int row = 0; row < Rows; row++)
        {
            (int source, int[] prefix, bool started) = _rows[row];
            int token = tokens[row];
            if (!started) Check(token == SpecialTokens.Start, $"row {row} read {token} before BOS");
            else Check(token >= SpecialTokens.Count || token == SpecialTokens.Unknown, $"row {row} read {token} after {prefix.Length} symbols (EOS: a finished hypothesis stepped)");
            int[] read = started ? [.. prefix, token] : prefix;
            Check(read.Length <= maxTokens, $"row {row} read {read.Length} symbols, more than the maximum length {maxTokens}");
            _rows[row] = (source, read, true);
            Next(sourceKeys[source], read).CopyTo(logProbabilities.Slice(row * vocabulary, vocabulary));
        }
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        int[] named = parents.ToArray();
        Check(named.Length > 0, "reordered to no rows (a session keeps at least one, as Seq2SeqModel's does)");
        Check(named.All(p => (uint)p < (uint)Rows), $"parents [{string.Join(", ", named)}] name rows outside 0..{Rows - 1}");
        List<(int, int[], bool)> old = _rows;
        _rows = IgnoreReorder
            ? named.Select((_, r) => old[r % old.Count]).ToList()
            : named.Select(p => old[p]).ToList();
    }

    private static void Check(bool rule, string broken)
    {
        if (!rule) throw new InvalidOperationException(broken);
    }
}

/// <summary>
/// Log-probabilities from a seeded hash of (seed, source key, prefix, token), log-softmax normalised: logits uniform in
/// [-2, 2], EOS's shifted by the source's <c>endBias</c> (a source that ends early or late: its difficulty), UNK's
/// by -3 (possible but unlikely), PAD and BOS impossible (-∞).
/// </summary>
internal sealed class HashedDecoder(int vocabulary, int[] sourceKeys, ulong seed, int maxRows, int maxTokens, Func<int, double>? endBias = null)
    : ScriptedDecoder(vocabulary, sourceKeys, maxRows, maxTokens)
{
    public override float[] Next(int key, int[] prefix)
    {
        double[] logits = new double[Vocabulary];
        for (int token = 0; token < Vocabulary; token++)
        {
            ulong hash = Mix(seed ^ Mix((ulong)key + 0x9E37));
            foreach (int read in prefix) hash = Mix(hash ^ (ulong)read);
            hash = Mix(hash ^ ((ulong)token << 32));
            logits[token] = token switch
            {
                SpecialTokens.Padding or SpecialTokens.Start => double.NegativeInfinity,
                _ => (hash >> 11) * (4.0 / (1UL << 53)) - 2.0
                    + (token == SpecialTokens.Unknown ? -3.0 : 0.0)
                    + (token == SpecialTokens.End ? endBias?.Invoke(key) ?? 0.0 : 0.0),
            };
        }
        double max = logits.Max(), logSum = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
        return logits.Select(z => (float)(z - logSum)).ToArray();
    }

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Hand-written probabilities per prefix ("4 5" → [p_0..p_{V-1}]) for one source; a prefix not in the table ends
/// (EOS certain).</summary>
internal sealed class TableDecoder(int vocabulary, Dictionary<string, double[]> table, int maxRows, int maxTokens)
    : ScriptedDecoder(vocabulary, [0], maxRows, maxTokens)
{
    public override float[] Next(int key, int[] prefix)
    {
        double[] probabilities = table.GetValueOrDefault(string.Join(' ', prefix))
            ?? Enumerable.Range(0, Vocabulary).Select(t => t == SpecialTokens.End ? 1.0 : 0.0).ToArray();
        return probabilities.Select(p => (float)Math.Log(p)).ToArray();
    }
}

namespace RnnNative.Cli.CommandLine;

/// <summary>
/// "Did you mean --hidden?": the known option closest to a misspelled one, by edit distance
/// (a swap of two neighbours counts as one edit), or the only one it abbreviates. Underscores
/// count as dashes, so char-rnn's <c>-seq_length</c> finds <c>--seq-length</c>.
/// </summary>
internal static class Suggestion
{
    public static string? Closest(string written, IEnumerable<string> known)
    {
        string typed = written.TrimStart('-').Replace('_', '-');
        if (typed.Length == 0) return null;
        int tolerance = typed.Length <= 3 ? 1 : 2;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string name in known.Order(StringComparer.Ordinal))
        {
            int distance = Distance(typed, name);
            if (distance <= tolerance && distance < bestDistance) (best, bestDistance) = (name, distance);
        }
        if (best is not null) return best;
        string[] abbreviated = typed.Length >= 3 ? known.Where(n => n.StartsWith(typed, StringComparison.Ordinal)).ToArray() : [];
        return abbreviated.Length == 1 ? abbreviated[0] : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    internal static int Distance(string a, string b)
    {
        int[,] d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}

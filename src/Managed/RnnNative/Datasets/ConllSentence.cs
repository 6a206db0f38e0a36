namespace RnnNative.Datasets;

/// <summary>One sentence of a CoNLL file: its rows (the whitespace-separated columns of each token line) and their line numbers.</summary>
public sealed class ConllSentence
{
    /// <summary>A sentence of <paramref name="rows"/> read from <paramref name="lines"/> (1-based).</summary>
    public ConllSentence(IReadOnlyList<string[]> rows, IReadOnlyList<int> lines)
    {
        if (rows.Count == 0 || rows.Count != lines.Count) throw new ArgumentException("a sentence has at least one row and a line per row", nameof(rows));
        Rows = rows;
        Lines = lines;
    }

    /// <summary>The columns of each token line, as read.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The 1-based line of each row in its file.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Tokens of the sentence.</summary>
    public int Count => Rows.Count;

    /// <summary>Token <paramref name="i"/>: the first column.</summary>
    public string Token(int i) => Rows[i][0];

    /// <summary>Tag of token <paramref name="i"/>: the last column (null on an untagged row of one column).</summary>
    public string? Tag(int i) => Rows[i].Length > 1 ? Rows[i][^1] : null;
}

namespace RnnNative.Datasets;

/// <summary>One example of a pair file: its source text, its target text and the line it is on (1-based; for pairs given in memory, the pair's 1-based position).</summary>
public sealed record TextPair(string Source, string Target, int Line);

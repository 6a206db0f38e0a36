namespace RnnNative.Kernels.Step;

/// <summary>
/// The B streams of a batched step as spans, each stream a row at a fixed stride (what <see cref="KernelSet.LstmSteps"/>,
/// <see cref="KernelSet.GruSteps"/> and <see cref="KernelSet.DenseSteps"/> check and pin into <see cref="StepStreams"/>):
/// <code>
/// Init      [rows, InitRowLength]   starting sums: stream s starts from row InitRows[s] (a token table's rows, or the one bias row)
/// InitRows  [B]                     B a multiple of <see cref="StepStreams.StreamGroup"/>
/// X         [B, XStride]            each stream's x [stored columns], zeros past K
/// HiddenPrev, Cell, Hidden  [B, StateStride]   [padded units] per stream (HiddenPrev: GRU; Cell: LSTM, in place)
/// </code>
/// </summary>
internal readonly ref struct StreamRows
{
    public ReadOnlySpan<float> Init { get; init; }

    public int InitRowLength { get; init; }

    public ReadOnlySpan<int> InitRows { get; init; }

    public ReadOnlySpan<float> X { get; init; }

    public int XStride { get; init; }

    public ReadOnlySpan<float> HiddenPrev { get; init; }

    public Span<float> Cell { get; init; }

    public Span<float> Hidden { get; init; }

    public int StateStride { get; init; }

    /// <summary>B: the streams (padding included).</summary>
    public int Count => InitRows.Length;
}

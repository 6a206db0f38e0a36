using RnnNative.Kernels;
using RnnNative.Kernels.Threading;

namespace RnnNative.Cells;

/// <summary>
/// The input gates of a window's T·B rows, on the engine's threads: the biases added to the input
/// projections, fused with the gather from a token table when there is one. Each was a pass over
/// T·B·G·H floats (8 MB for a 2x256 LSTM with T=64, B=32) on the caller while the other threads
/// waited, the gather a copy and then a second pass for the bias. Every row gets the same single
/// add whatever the split, so results are bit-identical for any thread count.
/// </summary>
internal sealed unsafe class GateRowsWork(KernelSet kernels) : RowParallelWork
{
    private bool _gather;
    private float* _gates;        // [rows, width]
    private float* _bias;         // [width]
    private float* _table;        // [V, width] (gather)
    private int* _tokens;         // [rows] (gather)
    private int _width;

    /// <summary>A piece handles at least 64K floats: less costs more to hand over than to add.</summary>
    protected override int MinimumElementsPerPiece => 1 << 16;

    /// <summary><c>gates[r, :] += bias</c> for every row.</summary>
    public void AddBias(Span<float> gates, int rows, ReadOnlySpan<float> bias)
    {
        fixed (float* g = gates, b = bias)
        {
            Start(gather: false, g, bias.Length, b);
            Run(rows, bias.Length);
        }
    }

    /// <summary><c>gates[r, :] = table[tokens[r], :] + bias</c> for every row (tokens checked by the caller).</summary>
    public void GatherAddBias(Span<float> gates, ReadOnlySpan<float> table, ReadOnlySpan<int> tokens, ReadOnlySpan<float> bias)
    {
        fixed (float* g = gates, t = table, b = bias)
        fixed (int* k = tokens)
        {
            Start(gather: true, g, bias.Length, b);
            _table = t;
            _tokens = k;
            Run(tokens.Length, bias.Length);
        }
    }

    private void Start(bool gather, float* gates, int width, float* bias)
    {
        _gather = gather;
        _gates = gates;
        _width = width;
        _bias = bias;
    }

    protected override void RunRows(int first, int count)
    {
        ReadOnlySpan<float> bias = new(_bias, _width);
        if (!_gather)
        {
            kernels.AddRowVector(new Span<float>(_gates + (long)first * _width, count * _width), count, bias);
            return;
        }
        for (int r = first; r < first + count; r++)
        {
            kernels.Add(new ReadOnlySpan<float>(_table + (long)_tokens[r] * _width, _width), bias, new Span<float>(_gates + (long)r * _width, _width));
        }
    }
}

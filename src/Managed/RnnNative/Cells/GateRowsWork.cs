using RnnNative.Kernels;
using RnnNative.Threading;

namespace RnnNative.Cells;

/// <summary>
/// The passes over all T·B gate rows of a window that are neither GEMM nor step, on the engine's
/// threads: the biases added to the input projections (fused with the gather from a token table
/// when there is one) and the bias gradient. Each is a pass over T·B·G·H floats (8 MB for a 2x256
/// LSTM with T=64, B=32) that ran on the caller while the other threads waited. Every row (or, for
/// the column sums, every column) gets the same operations whatever the split, so results are
/// bit-identical for any thread count.
/// </summary>
internal sealed unsafe class GateRowsWork(KernelSet kernels) : RowParallelWork
{
    private enum Pass { AddBias, GatherAddBias, SumColumns }

    private Pass _pass;
    private float* _gates;        // [rows, width]
    private float* _vector;       // [width]: the bias (AddBias, GatherAddBias) or the sums (SumColumns)
    private float* _table;        // [V, width] (GatherAddBias)
    private int* _tokens;         // [rows] (GatherAddBias)
    private int _rows;
    private int _width;

    /// <summary>A piece handles at least 64K floats: less costs more to hand over than to add.</summary>
    protected override int MinimumElementsPerPiece => 1 << 16;

    /// <summary><c>gates[r, :] += bias</c> for every row.</summary>
    public void AddBias(Span<float> gates, int rows, ReadOnlySpan<float> bias)
    {
        fixed (float* g = gates, b = bias)
        {
            Start(Pass.AddBias, g, rows, bias.Length, b);
            Run(rows, bias.Length);
        }
    }

    /// <summary><c>gates[r, :] = table[tokens[r], :] + bias</c> for every row (tokens checked by the caller).</summary>
    public void GatherAddBias(Span<float> gates, ReadOnlySpan<float> table, ReadOnlySpan<int> tokens, ReadOnlySpan<float> bias)
    {
        fixed (float* g = gates, t = table, b = bias)
        fixed (int* k = tokens)
        {
            Start(Pass.GatherAddBias, g, tokens.Length, bias.Length, b);
            _table = t;
            _tokens = k;
            Run(tokens.Length, bias.Length);
        }
    }

    /// <summary><c>sums[j] += Σ_r gates[r, j]</c>, rows in order; threads split the columns.</summary>
    public void AccumulateColumnSums(ReadOnlySpan<float> gates, int rows, Span<float> sums)
    {
        fixed (float* g = gates, s = sums)
        {
            Start(Pass.SumColumns, g, rows, sums.Length, s);
            Run(sums.Length, rows);
        }
    }

    private void Start(Pass pass, float* gates, int rows, int width, float* vector)
    {
        _pass = pass;
        _gates = gates;
        _rows = rows;
        _width = width;
        _vector = vector;
    }

    protected override void RunRows(int first, int count)
    {
        ReadOnlySpan<float> vector = new(_vector, _width);
        switch (_pass)
        {
            case Pass.AddBias:
                kernels.AddRowVector(new Span<float>(_gates + (long)first * _width, count * _width), count, vector);
                break;
            case Pass.GatherAddBias:
                for (int r = first; r < first + count; r++)
                {
                    Span<float> row = new(_gates + (long)r * _width, _width);
                    kernels.Add(new ReadOnlySpan<float>(_table + (long)_tokens[r] * _width, _width), vector, row);
                }
                break;
            default:
                // Here "rows" of the split are columns [first, first + count) of every gate row.
                Span<float> sums = new(_vector + first, count);
                for (int r = 0; r < _rows; r++)
                {
                    kernels.Add(sums, new ReadOnlySpan<float>(_gates + (long)r * _width + first, count), sums);
                }
                break;
        }
    }
}

using RnnNative.Kernels;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// Layer 0's gate gradients summed per token, for a window whose input projections were gathered
/// from the token table: <c>S[v] = Σ_{r: token_r = v} dGates_r</c> [V, G*H] over the T*B rows, split
/// over the threads by blocks of columns. Each element sums its rows in row order on one thread,
/// so the sums do not depend on the thread count (the scatter alone is a few % of a small model's
/// update, which one thread would leave serial).
/// </summary>
internal sealed unsafe class TokenGateSumsWork(KernelSet kernels) : RowParallelWork
{
    /// <summary>Columns per unit of work: a whole number of 512-bit vectors.</summary>
    private const int BlockWidth = 64;

    private float* _dGates;   // [rows, width]
    private float* _sums;     // [V, width]
    private int* _tokens;     // [rows]
    private int _rows;
    private int _width;

    /// <summary><paramref name="sums"/> [V, width] = Σ over rows r of <paramref name="dGates"/> [rows, width] into row tokens[r].</summary>
    public void Run(ReadOnlySpan<float> dGates, ReadOnlySpan<int> tokens, int width, Span<float> sums)
    {
        sums.Clear();
        fixed (float* g = dGates, s = sums)
        fixed (int* k = tokens)
        {
            _dGates = g;
            _sums = s;
            _tokens = k;
            _rows = tokens.Length;
            _width = width;
            try
            {
                Run((width + BlockWidth - 1) / BlockWidth, _rows * BlockWidth);
            }
            finally
            {
                _dGates = _sums = null; // the pointers die with the pins
                _tokens = null;
            }
        }
    }

    /// <summary>Column blocks [first, first + count) of every row.</summary>
    protected override void RunRows(int first, int count)
    {
        int start = first * BlockWidth;
        int length = Math.Min(_width, (first + count) * BlockWidth) - start;
        for (int r = 0; r < _rows; r++)
        {
            kernels.Axpy(1f, new ReadOnlySpan<float>(_dGates + (long)r * _width + start, length), new Span<float>(_sums + (long)_tokens[r] * _width + start, length));
        }
    }
}

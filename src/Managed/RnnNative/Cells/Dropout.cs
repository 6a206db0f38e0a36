using RnnNative.Kernels;
using RnnNative.Kernels.Regularization;
using RnnNative.Kernels.Threading;

namespace RnnNative.Cells;

/// <summary>
/// Inverted dropout at one place of a network, in training passes only (Zaremba et al. 2014: on the
/// non-recurrent connections), over rows of a [T*B, W] buffer:
/// <code>
/// forward:  y  = x ⊙ mask,  mask = keep ? 1/(1-p) : 0    (DropoutMask, keyed by seed, update, place, element)
/// backward: dx = dy ⊙ mask
/// </code>
/// Places: k = the input of layer k; 0 is the embedding, 1..L-1 the gaps between stacked layers, L the
/// output layer's input. The mask of the last forward is kept (a float per element) for the backward:
/// the backward is then one vectorized multiply, where drawing the mask again would hash every element
/// a second time, the costlier half of the work. Rows are split over the engine's threads; the mask of
/// an element does not depend on the split.
/// </summary>
internal sealed class Dropout
{
    private readonly KernelSet _kernels;
    private readonly int _place;
    private readonly PieceWork _work;
    private float[] _mask = [];   // [rows, W] of the last forward that dropped

    public Dropout(KernelSet kernels, float probability, int place)
    {
        _kernels = kernels;
        Probability = probability;
        _place = place;
        _work = new PieceWork(this);
    }

    /// <summary>p, the chance an element is dropped in training.</summary>
    public float Probability { get; }

    /// <summary>True when the last <see cref="Forward"/> dropped (a training pass with p &gt; 0): then its
    /// result is in <see cref="Output"/> and <see cref="Backward"/> masks; else the input passed through.</summary>
    public bool Active { get; private set; }

    /// <summary>[rows, W]: x ⊙ mask of the last forward that dropped (only its first rows·W elements are that window's).</summary>
    public float[] Output { get; private set; } = [];

    /// <summary>In a training pass with p &gt; 0: <see cref="Output"/> = <paramref name="x"/> ⊙ mask, drawing the mask of
    /// <paramref name="mode"/>'s update at this place. Otherwise nothing (<see cref="Active"/> false).</summary>
    public unsafe void Forward(ReadOnlySpan<float> x, int rows, ForwardMode mode)
    {
        Active = mode.IsTraining && Probability > 0;
        if (!Active)
        {
            return;
        }
        if (_mask.Length < x.Length)
        {
            _mask = new float[x.Length];
            Output = new float[x.Length];
        }
        fixed (float* source = x)
        {
            // Pinned for the pieces, which cannot hold a span; they finish before the call returns.
            _work.RunPieces(DropoutMask.StreamKey(mode.Seed, mode.Update, _place), source, Output, rows, x.Length / rows);
        }
    }

    /// <summary>After a forward that dropped: <paramref name="dy"/> ⊙= mask, in place (the gradient reaching the
    /// dropout's input). Otherwise nothing.</summary>
    public unsafe void Backward(Span<float> dy, int rows)
    {
        if (!Active)
        {
            return;
        }
        fixed (float* gradient = dy)
        {
            _work.RunPieces(key: null, gradient, [], rows, dy.Length / rows);
        }
    }

    /// <summary>Rows [first, first + count) of a forward (with a key) or of a backward (without).</summary>
    private sealed unsafe class PieceWork(Dropout dropout) : RowParallelWork
    {
        private ulong? _key;
        private float* _source;
        private float[] _target = [];
        private int _width;

        /// <summary>Runs the rows of <paramref name="source"/> [rows, width] (pinned by the caller) in pieces.</summary>
        public void RunPieces(ulong? key, float* source, float[] target, int rows, int width)
        {
            _key = key;
            _source = source;
            _target = target;
            _width = width;
            try
            {
                Run(rows, width);
            }
            finally
            {
                _source = null;
            }
        }

        protected override void RunRows(int first, int count)
        {
            int start = first * _width, length = count * _width;
            ReadOnlySpan<float> source = new(_source + start, length);
            Span<float> mask = dropout._mask.AsSpan(start, length);
            if (_key is ulong key)
            {
                dropout._kernels.DropoutForward(key, start, dropout.Probability, source, mask, _target.AsSpan(start, length));
            }
            else
            {
                Span<float> gradient = new(_source + start, length);
                dropout._kernels.DropoutBackward(mask, gradient, gradient);
            }
        }
    }
}

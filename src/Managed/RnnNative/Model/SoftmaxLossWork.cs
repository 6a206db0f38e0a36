using RnnNative.Kernels;
using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// <see cref="KernelSet.SoftmaxCrossEntropy"/> over a head's T*B rows, split over the threads by rows:
/// each row's loss is kept apart and the losses are summed in row order afterwards, as the kernel sums
/// them over all rows, so the loss has the same bits for any thread count (on one thread the loss
/// and gradient of a small model's head are a few % of its update, which the other thread waited out).
/// </summary>
internal sealed unsafe class SoftmaxLossWork(KernelSet kernels) : RowParallelWork
{
    private double[] _rowLosses = [];   // [rows]
    private float* _logits;             // [rows, classes]; dLogits in place when _gradScale applies
    private int* _targets;              // [rows]
    private int _classes;
    private bool _gradient;
    private float _gradScale;

    /// <summary>Summed loss over <paramref name="rows"/> rows of <paramref name="logits"/> [rows, classes]; with
    /// <paramref name="gradient"/>, overwrites the logits with <c>gradScale * (softmax(z) - onehot(target))</c>.
    /// Bad targets throw before anything is written, as the kernel's.</summary>
    public double Run(Span<float> logits, int rows, int classes, ReadOnlySpan<int> targets, bool gradient, float gradScale)
    {
        KernelArguments.AtLeast(logits.Length, (long)rows * classes, nameof(logits), $"[{rows}, {classes}] (rows, classes)");
        KernelArguments.AtLeast(targets.Length, rows, nameof(targets), $"{rows} rows");
        SoftmaxCrossEntropy.CheckTargets(targets, rows, classes);
        if (_rowLosses.Length < rows) _rowLosses = new double[rows];
        fixed (float* z = logits)
        fixed (int* t = targets)
        {
            _logits = z;
            _targets = t;
            (_classes, _gradient, _gradScale) = (classes, gradient, gradScale);
            try
            {
                Run(rows, classes);
            }
            finally
            {
                _logits = null; // the pointers die with the pins
                _targets = null;
            }
        }
        double loss = 0;
        foreach (double rowLoss in _rowLosses.AsSpan(0, rows))
        {
            loss += rowLoss;
        }
        return loss;
    }

    protected override void RunRows(int first, int count)
    {
        for (int r = first; r < first + count; r++)
        {
            Span<float> z = new(_logits + (long)r * _classes, _classes);
            _rowLosses[r] = kernels.SoftmaxCrossEntropy(z, 1, _classes, new ReadOnlySpan<int>(_targets + r, 1), _gradient ? z : [], _gradScale);
        }
    }
}

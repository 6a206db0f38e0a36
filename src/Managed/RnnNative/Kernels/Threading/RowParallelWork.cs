namespace RnnNative.Kernels.Threading;

/// <summary>
/// Splits rows of a row-wise kernel (a batch of cells) into one contiguous range per thread.
/// Each row's arithmetic does not depend on the split, so results are bit-identical for any
/// thread count. Instances are reused step after step so the hot loop allocates nothing.
/// </summary>
internal abstract class RowParallelWork : IParallelWork
{
    private int _rows;
    private int _pieces;

    /// <summary>Runs <see cref="RunRows"/> over [0, rows) on up to <see cref="Parallelism.ThreadCount"/> threads.</summary>
    public void Run(int rows, int elementsPerRow)
    {
        long elements = (long)rows * elementsPerRow;
        _rows = rows;
        _pieces = (int)Math.Clamp(elements / MinimumElementsPerPiece, 1, Math.Min(rows, Parallelism.AvailableThreads));
        Parallelism.Run(this, _pieces);
    }

    void IParallelWork.Run(int index)
    {
        int first = (int)((long)_rows * index / _pieces);
        int end = (int)((long)_rows * (index + 1) / _pieces);
        RunRows(first, end - first);
    }

    /// <summary>Below this many elements per piece the work runs on the caller: waking a worker costs more than it saves.</summary>
    protected virtual int MinimumElementsPerPiece => 8192;

    /// <summary>Processes rows [first, first + count).</summary>
    protected abstract void RunRows(int first, int count);
}

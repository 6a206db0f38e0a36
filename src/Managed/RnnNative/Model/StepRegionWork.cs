using System.Diagnostics;
using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// One parallel region of a single-token step (<see cref="SingleTokenStep"/>): a layer's step over its panels and, in the
/// same region, the sums of another matrix (layer 0's W_hh · h for the next token); either may be absent. Each piece takes
/// the same fraction of both matrices' panels, and reads its layer panels then its sums
/// panels, or, backward, its sums panels then its layer panels, each in descending order: the exact reverse. Shares
/// follow how fast each piece went in the regions before (<see cref="PieceBalance"/>); each panel's sums are the same
/// whichever piece reads it. How many pieces a region runs in is measured too (<see cref="PieceCountSearch"/>, one per
/// region of a token: a layer's), from as many as its size allows. Reused token after token, so the hot loop allocates
/// nothing.
/// </summary>
internal sealed class StepRegionWork(KernelSet kernels) : IParallelWork
{
    /// <summary>
    /// A region splits between threads only when each piece streams at least 256 KiB of weights, whatever the precision. A
    /// smaller one is read from the caller's L2 faster than a worker is handed half of it: on the Zen 5 host (README,
    /// performance) one thread samples a 2x128 bfloat16 LSTM token (layers of 128 and 256 KiB) in 3.7-4.1 us of CPU where
    /// two threads took 5.2 us, and the split pays from layers of about 0.5 MiB on (2x192 float32, 0.6 and 1.2 MiB: 19 us
    /// on one thread, 12 on two). Measured again for merged regions: a 2x128 float32 GRU's (layer 1 and layer 0's sums,
    /// 589 KiB) split in two ran a token in 3.8 us, unsplit (a 320 KiB minimum) in 4.6 (2 threads, separate processes).
    /// </summary>
    private const long MinimumBytesPerPiece = 256 << 10;

    private StepLayout? _layout;
    private StepMatrix? _matrix;
    private Memory<float> _init;
    private float[] _x = [];
    private float[] _previous = [];
    private float[] _cell = [];
    private float[] _hidden = [];
    private StepMatrix? _sumsMatrix;
    private float[] _sumsInit = [];
    private float[] _sumsX = [];
    private float[] _sums = [];
    private bool _backward;
    private int _pieces;
    private readonly PieceBalance _balance = new();
    private PieceCountSearch[] _searches = [];
    private int _region;

    /// <summary>The shares the pieces get (tests skew them).</summary>
    internal PieceBalance Balance => _balance;

    /// <summary>Regions run in more than one piece so far (tests check that they split).</summary>
    internal long SplitRegions { get; private set; }

    /// <summary>The region's work: <paramref name="matrix"/>'s step (<see cref="StepLayout.Run"/>; none when null) and
    /// <paramref name="sumsMatrix"/>'s sums <paramref name="sumsInit"/> + A · <paramref name="sumsX"/> into
    /// <paramref name="sums"/> (<see cref="KernelSet.StepSums"/>; none when null). <paramref name="region"/> (&gt;= 0) names the
    /// region among a token's (the same work token after token): each has its own piece count.</summary>
    public void Set(int region, StepLayout layout, StepMatrix? matrix, Memory<float> init, float[] x, float[] previous, float[] cell, float[] hidden,
        StepMatrix? sumsMatrix, float[] sumsInit, float[] sumsX, float[] sums, bool backward)
    {
        if (region >= _searches.Length)
        {
            Array.Resize(ref _searches, region + 1);
        }
        _searches[region] ??= new PieceCountSearch();
        _region = region;
        _layout = layout;
        _matrix = matrix;
        _init = init;
        _x = x;
        _previous = previous;
        _cell = cell;
        _hidden = hidden;
        _sumsMatrix = sumsMatrix;
        _sumsInit = sumsInit;
        _sumsX = sumsX;
        _sums = sums;
        _backward = backward;
    }

    /// <summary>Runs the region on up to <see cref="Parallelism.ThreadCount"/> threads.</summary>
    public void Run()
    {
        int panels = Math.Max(_matrix?.Panels ?? 0, _sumsMatrix?.Panels ?? 0);
        long bytes = Bytes(_matrix) + Bytes(_sumsMatrix);
        int limit = (int)Math.Clamp(bytes / MinimumBytesPerPiece, 1, Math.Max(1, Math.Min(panels, Parallelism.AvailableThreads)));
        if (limit == 1)
        {
            // Nothing to balance or search: no clock reads (a 2x128 token's regions take about a microsecond).
            _pieces = 1;
            RunPiece(0);
            return;
        }
        PieceCountSearch search = _searches[_region];
        _pieces = search.Pieces(limit, out bool timed);
        // A single piece reads the clock only when the search times it.
        long start = timed || _pieces > 1 ? Stopwatch.GetTimestamp() : 0;
        if (_pieces == 1)
        {
            RunPiece(0);
            if (timed) search.Record(Stopwatch.GetTimestamp() - start);
            return;
        }
        _balance.Begin(_pieces, start);
        Parallelism.Run(this, _pieces);
        SplitRegions++;
        if (timed) search.Record(Stopwatch.GetTimestamp() - start);
        Span<double> done = stackalloc double[_pieces];
        for (int i = 0; i < _pieces; i++)
        {
            done[i] = (double)(Bytes(_matrix, i) + Bytes(_sumsMatrix, i)) / bytes;
        }
        _balance.Update(_pieces, done);
    }

    void IParallelWork.Run(int index)
    {
        long start = Stopwatch.GetTimestamp();
        RunPiece(index);
        _balance.Record(index, start, Stopwatch.GetTimestamp());
    }

    private void RunPiece(int index)
    {
        if (_backward)
        {
            RunSums(index);
            RunLayer(index);
        }
        else
        {
            RunLayer(index);
            RunSums(index);
        }
    }

    private void RunLayer(int index)
    {
        if (_matrix is null) return;
        (int first, int count) = Share(_matrix, index);
        if (count > 0) _layout!.Run(kernels, _matrix, _init.Span, _x, _previous, _cell, _hidden, first, count, _backward);
    }

    private void RunSums(int index)
    {
        if (_sumsMatrix is null) return;
        (int first, int count) = Share(_sumsMatrix, index);
        if (count > 0) kernels.StepSums(_sumsMatrix, _sumsInit, _sumsX, _sums, first, count, _backward);
    }

    /// <summary>Piece <paramref name="index"/>'s panels of <paramref name="matrix"/>: its share of [0, panels).</summary>
    private (int First, int Count) Share(StepMatrix matrix, int index) => _balance.Range(matrix.Panels, index, _pieces);

    private static long Bytes(StepMatrix? matrix) => matrix is null ? 0 : (long)matrix.Panels * matrix.PanelBytes;

    /// <summary>The bytes of <paramref name="matrix"/> piece <paramref name="index"/> reads.</summary>
    private long Bytes(StepMatrix? matrix, int index) => matrix is null ? 0 : (long)Share(matrix, index).Count * matrix.PanelBytes;
}

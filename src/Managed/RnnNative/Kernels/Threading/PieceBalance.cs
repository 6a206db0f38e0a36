using System.Diagnostics;

namespace RnnNative.Kernels.Threading;

/// <summary>
/// How a parallel region repeated many times (a sampler's step, token after token) splits its work between its pieces:
/// so that, at the speeds and start times the pieces had lately, they end together. Even shares do not end together:
/// a worker starts a piece some tenths of a microsecond after the caller (it has to see the call), the caller's cache
/// is refilled by the serial part of a token (decoder, draw), and on a shared host one core is often slower than the
/// other for seconds at a time (on the Zen 5 host a 2-thread region's two pieces took 8.1 and 12.8 us, and minutes later
/// 9.6 and 6.9, for the same bytes). With piece i starting s_i after the region and taking c_i for the whole work:
/// <code>
/// end_i    = s_i + share_i · c_i                     equal for all i, Σ share_i = 1:
/// E        = (1 + Σ_i s_i / c_i) / Σ_i 1 / c_i
/// target_i = (E − s_i) / c_i                         (Σ target_i = 1)
/// share_i += Smoothing · (target_i − share_i)        a smoothed step towards them, no share below a floor
/// </code>
/// Shares are kept per piece count (regions of one step differ in size). Callers map them to whole units
/// (<see cref="Range"/>) and must not let results depend on the split. Not thread-safe: one region at a time, pieces
/// writing only their own times.
/// </summary>
internal sealed class PieceBalance
{
    /// <summary>The weight of the latest region: about 8 regions to follow a change, few enough that one preempted piece
    /// moves the split by little.</summary>
    private const double Smoothing = 0.125;

    /// <summary>No piece's share falls below this fraction of an even one: a piece slowed once (an interrupt) gets work
    /// back at once.</summary>
    private const double MinimumOfEven = 0.25;

    /// <summary>Pieces a region has at most: one per thread, and the engine runs at most this many.</summary>
    private const int MaximumPieces = 1024;

    /// <summary>Longs between two pieces' times: a cache line apart, as pieces on different threads write them.</summary>
    private const int Stride = 16;

    private readonly double[]?[] _shares = new double[]?[MaximumPieces + 1];
    private long[] _times = [];   // per piece: [start, end] in Stopwatch ticks, Stride apart
    private double[] _offsets = [];   // Update's scratch, per piece: the start after the region's, and the time for all the work
    private double[] _whole = [];
    private long _start;

    /// <summary>Starts a region of <paramref name="pieces"/> pieces at <paramref name="start"/> (<see cref="Stopwatch"/>
    /// ticks): no piece has times yet.</summary>
    public void Begin(int pieces, long start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pieces, MaximumPieces);
        if (_times.Length < pieces * Stride)
        {
            _times = new long[pieces * Stride];
            _offsets = new double[pieces];
            _whole = new double[pieces];
        }
        for (int i = 0; i < pieces; i++)
        {
            _times[i * Stride] = 0;
            _times[i * Stride + 1] = 0;
        }
        _start = start;
    }

    /// <summary>Piece <paramref name="index"/>'s units of [0, <paramref name="units"/>) among <paramref name="pieces"/>:
    /// [first, first + count), contiguous, in index order, covering every unit once.</summary>
    public (int First, int Count) Range(int units, int index, int pieces)
    {
        double[] shares = Shares(pieces);
        double before = 0;
        for (int i = 0; i < index; i++)
        {
            before += shares[i];
        }
        int first = Cut(units, before, index, pieces), end = Cut(units, before + shares[index], index + 1, pieces);
        return (first, end - first);
    }

    /// <summary>The unit where piece <paramref name="index"/> starts: 0 and <paramref name="units"/> at the ends exactly.</summary>
    private static int Cut(int units, double fraction, int index, int pieces) =>
        index == 0 ? 0 : index == pieces ? units : Math.Clamp((int)Math.Round(units * fraction), 0, units);

    /// <summary>Records that piece <paramref name="index"/> ran from <paramref name="start"/> to <paramref name="end"/>
    /// (<see cref="Stopwatch"/> ticks).</summary>
    public void Record(int index, long start, long end)
    {
        _times[index * Stride] = start;
        _times[index * Stride + 1] = end;
    }

    /// <summary>Moves the shares of <paramref name="pieces"/> pieces towards those that would have ended together, given
    /// the fractions <paramref name="done"/> of the work each piece actually did (after rounding to units) and the
    /// times recorded. A region with a piece that did nothing (its share rounded to no unit) or took no time measures
    /// no speed for it: the shares then take a step towards even, so a piece left without work gets some back.</summary>
    public void Update(int pieces, ReadOnlySpan<double> done)
    {
        if (pieces < 2) return;
        double[] shares = Shares(pieces);
        double[] offsets = _offsets, whole = _whole;   // sized by Begin: no allocation per region, whatever the thread count
        double inverses = 0, weighted = 0;
        for (int i = 0; i < pieces; i++)
        {
            long start = _times[i * Stride], end = _times[i * Stride + 1];
            if (end <= start || done[i] <= 0)
            {
                for (int j = 0; j < pieces; j++) shares[j] += Smoothing * (1.0 / pieces - shares[j]);
                return;
            }
            offsets[i] = Math.Max(0, start - _start);
            whole[i] = (end - start) / done[i];
            inverses += 1 / whole[i];
            weighted += offsets[i] / whole[i];
        }
        double ending = (1 + weighted) / inverses;
        // The step keeps Σ share = 1; shares raised to the floor take it from the others, in proportion to what they have above it.
        double floor = MinimumOfEven / pieces, deficit = 0, above = 0;
        for (int i = 0; i < pieces; i++)
        {
            shares[i] += Smoothing * ((ending - offsets[i]) / whole[i] - shares[i]);
            if (shares[i] < floor)
            {
                deficit += floor - shares[i];
                shares[i] = floor;
            }
            else
            {
                above += shares[i] - floor;
            }
        }
        if (deficit > 0)
        {
            for (int i = 0; i < pieces; i++)
            {
                if (shares[i] > floor) shares[i] -= deficit * (shares[i] - floor) / above;
            }
        }
    }

    /// <summary>The current shares for <paramref name="pieces"/> pieces, even at first.</summary>
    internal double[] Shares(int pieces)
    {
        if (_shares[pieces] is not { } shares)
        {
            shares = new double[pieces];
            Array.Fill(shares, 1.0 / pieces);
            _shares[pieces] = shares;
        }
        return shares;
    }
}

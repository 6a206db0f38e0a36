namespace RnnNative.Kernels.Threading;

/// <summary>
/// How many pieces a parallel region repeated many times (a sampler's step, token after token) runs in: the count whose
/// regions took least time lately, found by trying a neighbour now and then. More pieces are not always faster: a worker
/// is handed its piece through memory shared between cores, and on a shared host that hand-over took 0.15 us in some
/// minutes and 0.45 us in others (the Zen 5 host, README performance): a 2x256 int8 GRU token ran in 4.7-5.7 us on two
/// threads in the fast minutes, 9.3-9.5 us in the slow ones, and 6.7-7.0 us on one thread in both. The search:
/// <code>
/// at the end of every Interval regions:  Warmup + Window regions at a neighbour n' (half or twice n, in turns), timed
///                                        Warmup + Window regions at the count n, timed
///                                        n ← n' when the neighbour's median region took less than (1 − Margin) of n's
/// </code>
/// the other regions run at n untimed; the first interval is FirstInterval regions, so a short run (a reply of a few
/// hundred tokens) gets the faster count too. After a neighbour that took over FarSlower times n's, the next trial
/// waits twice as long (up to MaximumInterval), so a count far better than its neighbours (large regions on two
/// threads) pays about 0.3% of their excess. The two windows are measured milliseconds apart, so a change of the host's phase moves both
/// alike; medians, because one region of a window can be preempted and take ten times the others; the warm-up regions
/// after each switch are not timed (they fetch the weights the other pieces' caches held). Starts at the most pieces
/// allowed (<see cref="Pieces"/>'s limit: the region's size and the threads decide it). Callers make results independent
/// of the piece count. Not thread-safe: one region at a time.
/// </summary>
internal sealed class PieceCountSearch
{
    /// <summary>Regions from one trial to the next at first: a trial runs 2 · (Warmup + Window) of them, so a neighbour
    /// that is slower costs about 2% of its excess.</summary>
    internal const int Interval = 1024;

    /// <summary>Regions before the first trial (after a start or a new limit): the first <c>FirstInterval − 2 · (Warmup +
    /// Window)</c> run at the most pieces, as a short run and the tests of a split expect.</summary>
    internal const int FirstInterval = 64;

    /// <summary>The longest wait between trials, after neighbours far slower.</summary>
    internal const int MaximumInterval = 8 * Interval;

    /// <summary>A neighbour this much slower than the count waits twice as long for its next trial.</summary>
    internal const double FarSlower = 1.25;

    /// <summary>Untimed regions after each switch of the count.</summary>
    internal const int Warmup = 4;

    /// <summary>Timed regions per count in a trial.</summary>
    internal const int Window = 16;

    /// <summary>A neighbour must be this much faster to be taken: equal counts do not flap on noise.</summary>
    internal const double Margin = 0.03;

    private int _count;        // the pieces regions run in; 0 before the first region
    private int _limit;        // the most pieces allowed when _count was set
    private int _neighbour;    // the count under trial
    private bool _tryFewer = true;   // which neighbour the next trial takes, when both exist
    private int _position;     // regions since this interval started, in [0, _interval)
    private int _interval = FirstInterval;   // regions in this interval, its trial included
    private readonly long[] _durations = new long[2 * Window];   // this trial's timed regions: the neighbour's, then the count's

    /// <summary>The pieces the next region runs in, at most <paramref name="limit"/> (&gt;= 1), and whether it is timed: the
    /// caller then passes its duration to <see cref="Record"/>.</summary>
    public int Pieces(int limit, out bool timed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (limit != _limit)
        {
            // Other threads or another region size: start again from the most pieces.
            _limit = limit;
            _count = limit;
            _position = 0;
            _interval = FirstInterval;
        }
        int offset = TrialOffset(_position);
        _position = (_position + 1) % _interval;
        if (offset == 0)
        {
            _neighbour = Neighbour();
        }
        if (offset < 0 || _neighbour == _count)
        {
            timed = false;
            return _count;
        }
        int trial = Warmup + Window;
        timed = offset % trial >= Warmup;
        return offset < trial ? _neighbour : _count;
    }

    /// <summary>The duration (any unit, the same for every region) of the region <see cref="Pieces"/> marked timed; the
    /// last one of a trial settles it.</summary>
    public void Record(long duration)
    {
        // The region just timed: the last of the interval when the position has wrapped.
        int offset = TrialOffset((_position == 0 ? _interval : _position) - 1), trial = Warmup + Window;
        int slot = offset < trial ? offset - Warmup : Window + offset - trial - Warmup;
        _durations[slot] = duration;
        if (slot < 2 * Window - 1) return;
        double neighbour = Median(_durations.AsSpan(0, Window)), count = Median(_durations.AsSpan(Window));
        if (neighbour < (1 - Margin) * count)
        {
            _count = _neighbour;
        }
        _interval = neighbour > FarSlower * count ? Math.Min(2 * Math.Max(_interval, Interval), MaximumInterval) : Interval;
    }

    /// <summary>Where the region at <paramref name="position"/> of the interval falls in the trial that ends it, negative
    /// before the trial: the first regions after a start run at the most pieces, as a short run expects.</summary>
    private int TrialOffset(int position) => position - (_interval - 2 * (Warmup + Window));

    /// <summary>The median of <paramref name="durations"/> (an even count: the mean of the middle two), sorting them.</summary>
    private static double Median(Span<long> durations)
    {
        durations.Sort();
        int half = durations.Length / 2;
        return (durations[half - 1] + durations[half]) / 2.0;
    }

    /// <summary>The count under trial: half or twice the current one, in turns, within [1, limit].</summary>
    private int Neighbour()
    {
        int fewer = Math.Max(1, _count / 2), more = Math.Min(_limit, _count * 2);
        bool takeFewer = fewer != _count && (_tryFewer || more == _count);
        _tryFewer = !_tryFewer;
        return takeFewer ? fewer : more;
    }
}

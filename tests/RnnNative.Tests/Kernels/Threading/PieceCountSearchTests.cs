using RnnNative.Kernels.Threading;

namespace RnnNative.Tests.Kernels.Threading;

public class PieceCountSearchTests
{
    private const int Trial = 2 * (PieceCountSearch.Warmup + PieceCountSearch.Window);

    /// <summary>Runs <paramref name="regions"/> regions on <paramref name="search"/>, a region of n pieces taking
    /// <paramref name="duration"/>(n, region) (the region's index counts from 0 across calls through <paramref name="clock"/>);
    /// returns the piece counts the regions ran in.</summary>
    private static int[] Run(PieceCountSearch search, int limit, int regions, Func<int, int, long> duration, ref int clock)
    {
        int[] counts = new int[regions];
        for (int i = 0; i < regions; i++, clock++)
        {
            counts[i] = search.Pieces(limit, out bool timed);
            Assert.InRange(counts[i], 1, limit);
            if (timed) search.Record(duration(counts[i], clock));
        }
        return counts;
    }

    [Fact]
    public void One_piece_allowed_is_never_timed_or_tried()
    {
        PieceCountSearch search = new();
        for (int i = 0; i < 3 * PieceCountSearch.Interval; i++)
        {
            Assert.Equal(1, search.Pieces(1, out bool timed));
            Assert.False(timed);
        }
    }

    [Fact]
    public void It_starts_at_the_limit_and_takes_fewer_pieces_when_they_are_faster()
    {
        PieceCountSearch search = new();
        int clock = 0, interval = PieceCountSearch.FirstInterval;
        // A slow hand-over: one piece 6 units, two pieces 9.
        int[] counts = Run(search, 2, interval + 1, (n, _) => n == 1 ? 600 : 900, ref clock);
        Assert.All(counts[..(interval - Trial)], n => Assert.Equal(2, n));   // the most pieces until the trial,
        Assert.Equal(1, counts[interval - Trial]);                          // which tries the neighbour first,
        Assert.Equal(2, counts[interval - Trial / 2]);                      // then the count it started from,
        Assert.Equal(1, counts[interval]);                                  // and keeps the faster one.
    }

    [Fact]
    public void Equal_counts_keep_the_most_pieces()
    {
        // The negative control of the test above: within the margin, nothing moves.
        PieceCountSearch search = new();
        int clock = 0;
        int[] counts = Run(search, 2, 8 * PieceCountSearch.Interval, (n, region) => n == 1 ? 1000 + region % 7 : 990 + region % 11, ref clock);
        for (int region = 0; region < counts.Length; region++)
        {
            // Trials end after FirstInterval regions, then every Interval.
            int sinceFirst = region - PieceCountSearch.FirstInterval;
            bool trial = sinceFirst < 0 ? region >= PieceCountSearch.FirstInterval - Trial : sinceFirst % PieceCountSearch.Interval >= PieceCountSearch.Interval - Trial;
            if (!trial) Assert.Equal(2, counts[region]);
        }
    }

    [Fact]
    public void It_follows_the_host_back_to_more_pieces()
    {
        PieceCountSearch search = new();
        int clock = 0, interval = PieceCountSearch.Interval;
        Run(search, 2, PieceCountSearch.FirstInterval, (n, _) => n == 1 ? 600 : 900, ref clock);
        // The host's fast phase: two pieces now 4 units. With one piece, the only neighbour is two.
        int[] counts = Run(search, 2, interval + 1, (n, _) => n == 1 ? 600 : 400, ref clock);
        Assert.Equal(1, counts[0]);
        Assert.Equal(2, counts[interval]);
    }

    [Fact]
    public void A_preempted_region_does_not_move_the_count()
    {
        PieceCountSearch search = new();
        int clock = 0, interval = PieceCountSearch.FirstInterval;
        // Two pieces are faster, but the first timed region of their window was preempted: a sum would take one piece.
        int spike = interval - Trial / 2 + PieceCountSearch.Warmup;
        int[] counts = Run(search, 2, interval + 1, (n, region) => n == 2 ? (region == spike ? 50_000 : 500) : 800, ref clock);
        Assert.Equal(2, counts[spike]);
        Assert.Equal(2, counts[interval]);
    }

    [Fact]
    public void A_far_slower_neighbour_is_tried_less_and_less_often()
    {
        PieceCountSearch search = new();
        int clock = 0, regions = 16 * PieceCountSearch.Interval, neighbourWindow = PieceCountSearch.Warmup + PieceCountSearch.Window;
        int[] counts = Run(search, 2, regions, (n, _) => n == 1 ? 2000 : 500, ref clock);
        // Trials end intervals of FirstInterval, then 2, 4 and 8 times Interval (the wait doubles after each): 4 neighbour
        // windows, where intervals of Interval would give 16.
        Assert.Equal(4 * neighbourWindow, counts.Count(n => n == 1));
        // A neighbour slower by less than FarSlower keeps the first interval.
        counts = Run(new PieceCountSearch(), 2, regions, (n, _) => n == 1 ? 600 : 500, ref clock);
        Assert.Equal(16 * neighbourWindow, counts.Count(n => n == 1));
    }

    [Fact]
    public void With_many_threads_it_climbs_to_the_fastest_count()
    {
        // Region time falls to a best count of 2 and rises after it (8 pieces cost more than 1).
        long Duration(int n, int _) => n switch { 1 => 1000, 2 => 600, 4 => 800, _ => 1200 };
        int clock = 0, interval = PieceCountSearch.Interval;
        int[] counts = Run(new PieceCountSearch(), 8, 16 * interval, Duration, ref clock);
        Assert.Equal(8, counts[0]);
        Assert.Equal(4, counts[interval]);       // 8 -> 4 (the first trial tries fewer),
        Assert.Equal(2, counts[4 * interval]);   // 4 -> 2 at the trial after 8 (far slower: a doubled wait),
        Assert.Equal(2, counts[^1]);             // where both neighbours (1 and 4) are slower.
    }

    [Fact]
    public void A_new_limit_starts_again_from_it()
    {
        PieceCountSearch search = new();
        int clock = 0;
        Assert.Equal(1, Run(search, 2, PieceCountSearch.FirstInterval + 1, (n, _) => n == 1 ? 600 : 900, ref clock)[^1]);
        Assert.Equal(4, search.Pieces(4, out bool timed));
        Assert.False(timed);
    }
}

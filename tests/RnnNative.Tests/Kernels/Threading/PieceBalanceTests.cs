using RnnNative.Kernels.Threading;

namespace RnnNative.Tests.Kernels.Threading;

public class PieceBalanceTests
{
    [Theory]
    [InlineData(2, 16)]
    [InlineData(3, 7)]
    [InlineData(4, 1000)]
    [InlineData(8, 5)]
    public void Ranges_cover_every_unit_once_in_order_whatever_the_shares(int pieces, int units)
    {
        PieceBalance balance = new();
        Random random = new(pieces * units);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] shares = balance.Shares(pieces);
            double sum = 0;
            for (int i = 0; i < pieces; i++) sum += shares[i] = random.NextDouble() + 1e-3;
            for (int i = 0; i < pieces; i++) shares[i] /= sum;
            int next = 0;
            for (int i = 0; i < pieces; i++)
            {
                (int first, int count) = balance.Range(units, i, pieces);
                Assert.Equal(next, first);
                Assert.True(count >= 0);
                next = first + count;
            }
            Assert.Equal(units, next);
        }
    }

    /// <summary>Runs 200 regions of two pieces on <paramref name="balance"/>: piece i starts <paramref name="offset1"/>
    /// ticks late (piece 1 only) and takes <paramref name="whole0"/> / <paramref name="whole1"/> ticks for the whole work.</summary>
    private static void Regions(PieceBalance balance, double whole0, double whole1, long offset1 = 0)
    {
        for (int region = 0; region < 200; region++)
        {
            double[] shares = balance.Shares(2);
            double[] done = [shares[0], shares[1]];
            balance.Begin(2, 5_000);
            balance.Record(0, 5_000, 5_000 + (long)Math.Round(whole0 * done[0]));
            balance.Record(1, 5_000 + offset1, 5_000 + offset1 + (long)Math.Round(whole1 * done[1]));
            balance.Update(2, done);
        }
    }

    [Fact]
    public void Shares_move_to_where_the_pieces_end_together()
    {
        // Piece 0 is twice as slow per unit of work: pieces end together at shares 1/3 and 2/3.
        PieceBalance balance = new();
        Regions(balance, 2e6, 1e6);
        Assert.Equal(1.0 / 3, balance.Shares(2)[0], 3);
        Assert.Equal(2.0 / 3, balance.Shares(2)[1], 3);
        // Even again once the pieces go at the same speed.
        Regions(balance, 1e6, 1e6);
        Assert.Equal(0.5, balance.Shares(2)[0], 3);
    }

    [Fact]
    public void A_piece_that_starts_later_gets_less_so_both_end_together()
    {
        // Same speed (1000 ticks for the whole work), piece 1 starts 100 ticks late: they end together at
        // shares 0.55 and 0.45 (550 = 100 + 450).
        PieceBalance balance = new();
        Regions(balance, 1000, 1000, offset1: 100);
        Assert.Equal(0.55, balance.Shares(2)[0], 2);
        Assert.Equal(0.45, balance.Shares(2)[1], 2);
    }

    [Fact]
    public void A_piece_stalled_once_moves_the_split_by_a_step_and_keeps_a_floor()
    {
        PieceBalance balance = new();
        balance.Begin(2, 0);
        balance.Record(0, 0, 1_000);
        balance.Record(1, 0, 1_000_000_000);   // preempted
        balance.Update(2, [0.5, 0.5]);
        double[] shares = balance.Shares(2);
        Assert.InRange(shares[1], 0.5 - 0.125 * 0.5 - 1e-9, 0.5);   // one smoothed step, not all the way
        for (int region = 0; region < 100; region++)
        {
            balance.Begin(2, 0);
            balance.Record(0, 0, 1_000);
            balance.Record(1, 0, 1_000_000_000);
            balance.Update(2, [shares[0], shares[1]]);
        }
        Assert.True(balance.Shares(2)[1] >= 0.25 / 2 - 1e-9, $"share {balance.Shares(2)[1]}");
        Assert.Equal(1.0, balance.Shares(2)[0] + balance.Shares(2)[1], 12);
    }

    [Fact]
    public void A_piece_left_without_work_gets_some_back()
    {
        // Shares so skewed that piece 1 rounds to no unit: its speed cannot be measured, and the shares step towards even
        // until it has units again (they would otherwise stay where they are, one thread doing all the work for good).
        PieceBalance balance = new();
        double[] shares = balance.Shares(2);
        shares[0] = 0.9;
        shares[1] = 0.1;
        Assert.Equal(0, balance.Range(4, 1, 2).Count);
        balance.Begin(2, 0);
        balance.Record(0, 0, 500);
        balance.Update(2, [1.0, 0]);
        Assert.Equal(0.9 + 0.125 * (0.5 - 0.9), shares[0], 12);
        Assert.Equal(0.1 + 0.125 * (0.5 - 0.1), shares[1], 12);
        for (int region = 0; region < 20 && balance.Range(4, 1, 2).Count == 0; region++)
        {
            balance.Begin(2, 0);
            balance.Record(0, 0, 500);
            balance.Update(2, [1.0, 0]);
        }
        Assert.True(balance.Range(4, 1, 2).Count > 0);
    }

    [Fact]
    public void Each_piece_count_keeps_its_own_shares()
    {
        PieceBalance balance = new();
        balance.Shares(2)[0] = 0.2;
        balance.Shares(2)[1] = 0.8;
        Assert.All(balance.Shares(3), share => Assert.Equal(1.0 / 3, share, 12));
        Assert.Equal(0.2, balance.Shares(2)[0]);
    }
}

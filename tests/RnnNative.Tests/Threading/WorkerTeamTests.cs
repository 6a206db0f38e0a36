using RnnNative.Threading;

namespace RnnNative.Tests.Threading;

public class WorkerTeamTests
{
    /// <summary>Counts how often each piece runs; a piece run twice or never shows up in the counts.</summary>
    private sealed class CountingWork(int pieces) : IParallelWork
    {
        public readonly int[] Runs = new int[pieces];

        public void Run(int index) => Interlocked.Increment(ref Runs[index]);
    }

    [Fact]
    public void Every_piece_runs_exactly_once_across_many_back_to_back_calls()
    {
        using WorkerTeam team = new(4);
        Random random = new(1);
        for (int call = 0; call < 100_000; call++)
        {
            CountingWork work = new(random.Next(1, 9));
            team.Run(work, work.Runs.Length);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        }
    }

    [Fact]
    public void Concurrent_callers_and_nested_calls_each_get_all_their_pieces()
    {
        using WorkerTeam team = new(3);
        Parallel.For(0, 4, caller =>
        {
            for (int call = 0; call < 2_000; call++)
            {
                CountingWork inner = new(3);
                CountingWork outer = new(5);
                team.Run(new NestedWork(team, outer, inner), 5);
                Assert.All(outer.Runs, runs => Assert.Equal(1, runs));
                Assert.All(inner.Runs, runs => Assert.Equal(5, runs));
            }
        });
    }

    [Fact]
    public void An_exception_in_a_piece_reaches_the_caller_after_all_pieces_finish()
    {
        using WorkerTeam team = new(2);
        CountingWork counted = new(6);
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => team.Run(new FailingWork(counted, failAt: 2), 6));
        Assert.Equal("piece 2", error.Message);
        Assert.All(counted.Runs, runs => Assert.Equal(1, runs));
        CountingWork after = new(4);
        team.Run(after, 4);
        Assert.All(after.Runs, runs => Assert.Equal(1, runs));
    }

    [Fact]
    public void Only_a_piece_among_several_runs_its_nested_calls_alone()
    {
        using WorkerTeam team = new(2);
        bool[] inside = new bool[3];
        // A call of one piece leaves the team free, so what that piece starts (a small batch's
        // per-step GEMMs) can still be split; pieces of a larger call have no thread to spare.
        team.Run(new ProbeWork(inside), 1);
        Assert.False(inside[0]);
        team.Run(new ProbeWork(inside), 3);
        Assert.All(inside, Assert.True);
    }

    private sealed class ProbeWork(bool[] inside) : IParallelWork
    {
        public void Run(int index) => inside[index] = WorkerTeam.InsidePiece;
    }

    private sealed class NestedWork(WorkerTeam team, CountingWork outer, CountingWork inner) : IParallelWork
    {
        public void Run(int index)
        {
            outer.Run(index);
            team.Run(inner, inner.Runs.Length);   // runs on this thread alone: the team is busy
        }
    }

    private sealed class FailingWork(CountingWork counted, int failAt) : IParallelWork
    {
        public void Run(int index)
        {
            counted.Run(index);
            if (index == failAt) throw new InvalidOperationException($"piece {index}");
        }
    }
}

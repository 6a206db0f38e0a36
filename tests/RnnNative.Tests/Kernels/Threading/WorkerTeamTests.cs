using RnnNative.Kernels.Threading;

namespace RnnNative.Tests.Kernels.Threading;

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
    public void Piece_zero_of_a_split_call_runs_on_the_calling_thread()
    {
        // The caller's piece stays on the caller's core call after call (a sampler's weights stay in its L2),
        // however quickly an idle worker looks for work.
        using WorkerTeam team = new(3);
        int caller = Environment.CurrentManagedThreadId;
        ThreadRecordingWork work = new(8);
        int takenByWorkers = 0;
        for (int call = 0; call < 20_000; call++)
        {
            int pieces = 2 + call % 7;
            team.Run(work, pieces);
            Assert.Equal(caller, work.Threads[0]);
            takenByWorkers += work.Threads.AsSpan(1, pieces - 1).ToArray().Count(thread => thread != caller);
        }
        Assert.True(takenByWorkers > 0, "no worker ever ran a piece");
    }

    private sealed class ThreadRecordingWork(int pieces) : IParallelWork
    {
        public readonly int[] Threads = new int[pieces];

        public void Run(int index)
        {
            Threads[index] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(100);   // long enough for a spinning worker to claim the next piece
        }
    }

    [Fact]
    public void Workers_exit_when_the_team_is_disposed_while_they_spin()
    {
        List<Thread> workers = [];
        WorkerTeam team = new(3, thread => { thread.Start(); workers.Add(thread); });
        // Calls until both workers have run a piece: they are past their start and spin, looking for the next call.
        HashSet<int> seen = [];
        ThreadRecordingWork work = new(6);
        while (seen.Count < 3)
        {
            team.Run(work, 6);
            seen.UnionWith(work.Threads);
        }
        team.Dispose();
        Assert.Equal(2, workers.Count);
        Assert.All(workers, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(10)), $"{thread.Name} is still running"));
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

/// <summary>A team whose workers cannot all start (memory or the thread limit runs out) leaves no
/// thread behind, and the engine keeps its previous team.</summary>
[Collection("Parallelism")]
public class WorkerTeamStartFailureTests
{
    /// <summary>Starts the first <paramref name="allowed"/> threads it is given, then fails as Thread.Start does without memory.</summary>
    private sealed class FailingStarter(int allowed)
    {
        public List<Thread> Started { get; } = [];

        public void Start(Thread thread)
        {
            if (Started.Count == allowed) throw new OutOfMemoryException("Thread failed to start.");
            thread.Start();
            Started.Add(thread);
        }
    }

    [Fact]
    public void Workers_started_before_a_failed_start_exit()
    {
        FailingStarter starter = new(allowed: 5);
        OutOfMemoryException error = Assert.Throws<OutOfMemoryException>(() => new WorkerTeam(64, starter.Start));
        Assert.Contains("could not start worker thread 6 of 63", error.Message);
        Assert.Equal(5, starter.Started.Count);
        Assert.All(starter.Started, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(10)), $"{thread.Name} is still running"));
    }

    [Fact]
    public void The_engine_keeps_its_team_when_a_new_one_cannot_start()
    {
        int before = Parallelism.ThreadCount;
        int wanted = before == 7 ? 9 : 7;
        FailingStarter starter = new(allowed: 3);
        Assert.Throws<OutOfMemoryException>(() => Parallelism.SetThreadCount(wanted, starter.Start));
        Assert.Equal(before, Parallelism.ThreadCount);
        Assert.All(starter.Started, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(10)), $"{thread.Name} is still running"));
        // The old team still runs work: every piece exactly once.
        int[] runs = new int[16];
        Parallelism.Run(new CountingPieces(runs), runs.Length);
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    private sealed class CountingPieces(int[] runs) : IParallelWork
    {
        public void Run(int index) => Interlocked.Increment(ref runs[index]);
    }
}

namespace RnnNative.Kernels.Threading;

/// <summary>
/// The engine-wide thread count. GEMM and the cell loops split their work over this many threads
/// (the caller included); results are bit-identical for every setting.
/// </summary>
public static class Parallelism
{
    private static readonly Lock s_gate = new();
    private static WorkerTeam s_team = new(Environment.ProcessorCount);

    /// <summary>Threads used by the engine; defaults to <see cref="Environment.ProcessorCount"/>.
    /// Setting it replaces the worker team; calls already running finish on the old one.</summary>
    public static int ThreadCount
    {
        get => s_team.ThreadCount;
        set => SetThreadCount(value, startThread: null);
    }

    /// <summary>Sets <see cref="ThreadCount"/>, starting the new team's workers with
    /// <paramref name="startThread"/> (tests make it fail). When the new team cannot start
    /// (<see cref="OutOfMemoryException"/>), the old team stays in place, unchanged.</summary>
    internal static void SetThreadCount(int value, Action<Thread>? startThread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024);
        lock (s_gate)
        {
            if (value != s_team.ThreadCount)
            {
                WorkerTeam old = s_team;
                s_team = new WorkerTeam(value, startThread);
                old.Dispose();
            }
        }
    }

    /// <summary>Threads a parallel call made now would run on: <see cref="ThreadCount"/>, or 1 from
    /// inside a piece (nested calls run on their caller), so nested work is cut in one piece and
    /// spends nothing on a split no other thread would take.</summary>
    internal static int AvailableThreads => WorkerTeam.InsidePiece ? 1 : ThreadCount;

    /// <summary>Runs the pieces of <paramref name="work"/> on the engine's threads.</summary>
    internal static void Run(IParallelWork work, int pieceCount) => s_team.Run(work, pieceCount);
}

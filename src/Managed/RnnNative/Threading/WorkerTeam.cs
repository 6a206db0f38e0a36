namespace RnnNative.Threading;

/// <summary>
/// A fixed team of worker threads that runs the pieces of one <see cref="IParallelWork"/> at a
/// time together with the calling thread. Pieces are handed out by an atomic counter, so which
/// thread runs a piece varies, but pieces own disjoint outputs, so results do not.
/// </summary>
/// <remarks>
/// A call made while the team is busy (another host thread, or a nested call from inside a
/// piece) runs its pieces on the calling thread alone rather than waiting or deadlocking.
/// Workers are background threads: they never keep a host process alive.
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _wakeUps;
    private int _busy; // 1 while a call owns the team; an int, not a Lock, because a Lock re-enters
    private IParallelWork? _work;
    private int _pieceCount;
    private int _nextPiece;
    private int _runningWorkers;
    private Exception? _firstError;
    private volatile bool _disposed;

    public WorkerTeam(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _workers = new Thread[threadCount - 1];
        _wakeUps = new SemaphoreSlim[threadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int worker = i;
            _wakeUps[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"rnn-worker-{i + 1}" };
            _workers[i].Start();
        }
    }

    /// <summary>Threads that run pieces, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs <c>work.Run(i)</c> for every i in [0, <paramref name="pieceCount"/>) and returns when all are done.
    /// The first exception thrown by a piece is rethrown here after every piece has finished.</summary>
    public void Run(IParallelWork work, int pieceCount)
    {
        if (pieceCount <= 0)
        {
            return;
        }
        if (pieceCount == 1 || _workers.Length == 0 || !TryClaim())
        {
            RunAlone(work, pieceCount);
            return;
        }
        if (_disposed)
        {
            Volatile.Write(ref _busy, 0);
            RunAlone(work, pieceCount);
            return;
        }
        try
        {
            _work = work;
            _pieceCount = pieceCount;
            _firstError = null;
            Volatile.Write(ref _nextPiece, 0);
            int helpers = Math.Min(_workers.Length, pieceCount - 1);
            Volatile.Write(ref _runningWorkers, helpers);
            for (int i = 0; i < helpers; i++)
            {
                _wakeUps[i].Release();
            }
            RunPieces();
            SpinWait spin = default;
            while (Volatile.Read(ref _runningWorkers) != 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            _work = null;
            if (_firstError is { } error)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private bool TryClaim() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    private static void RunAlone(IParallelWork work, int pieceCount)
    {
        for (int i = 0; i < pieceCount; i++)
        {
            work.Run(i);
        }
    }

    private void RunPieces()
    {
        IParallelWork work = _work!;
        int index;
        while ((index = Interlocked.Increment(ref _nextPiece) - 1) < _pieceCount)
        {
            try
            {
                work.Run(index);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _firstError, e, null);
            }
        }
    }

    private void WorkerLoop(int worker)
    {
        while (true)
        {
            _wakeUps[worker].Wait();
            if (_disposed)
            {
                return;
            }
            RunPieces();
            Interlocked.Decrement(ref _runningWorkers);
        }
    }

    /// <summary>Waits for a running call to finish, then lets the workers exit.</summary>
    public void Dispose()
    {
        SpinWait spin = default;
        while (!TryClaim())
        {
            spin.SpinOnce();
        }
        _disposed = true;
        foreach (SemaphoreSlim wakeUp in _wakeUps)
        {
            wakeUp.Release();
        }
        Volatile.Write(ref _busy, 0);
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnNative.Kernels.Threading;

/// <summary>
/// A fixed team of worker threads that runs the pieces of one <see cref="IParallelWork"/> at a
/// time together with the calling thread. The caller runs piece 0; the others are handed out by an
/// atomic counter, so which thread runs them varies, but pieces own disjoint outputs, so results do not.
/// </summary>
/// <remarks>
/// A recurrent window issues thousands of small parallel steps back to back (a GEMM and a
/// pointwise step per time step and layer), so waking a blocked thread for each (several
/// microseconds through the kernel) would cost as much as the step. Workers therefore spin on a
/// generation counter for <see cref="SpinBudget"/> after their last piece and only then block.
/// The caller never waits for a worker that has not started: pieces are claimed with tickets
/// tagged by the call's generation, so pieces nobody claimed yet are run by the caller itself,
/// and it waits only for pieces already running (which matters when other processes share the cores).
/// A call made while the team is busy (another host thread, or a nested call from inside a
/// piece) runs its pieces on the calling thread alone rather than waiting or deadlocking.
/// Workers are background threads: they never keep a host process alive.
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    /// <summary>How long an idle worker spins before it blocks: longer than the gap between two
    /// steps of a window, short enough that an idle engine gives its cores back at once.</summary>
    private static readonly long SpinBudget = Stopwatch.Frequency / 5000; // 200 us

    /// <summary>How long a spinning thread looks at what it waits for after every single spin iteration
    /// before it looks less often: the gaps inside a sampled token (one layer to the next, the decoder
    /// and the draw) are a few microseconds, and each look's interval adds to every hand-over (measured
    /// on the Zen 5 host, 2 threads: a GRU 2x512 int8 token 12% faster than looking every 20 iterations,
    /// training unchanged). Past it, workers look every 20 iterations and a waiting caller backs off
    /// and yields its core.</summary>
    private static readonly long EagerSpin = Stopwatch.Frequency / 50000; // 20 us

    // True on a thread while it runs a piece: work it starts then has no other thread to go to.
    [ThreadStatic]
    private static bool t_insidePiece;

    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _wakeUps;
    private readonly int[] _sleeping;           // 1 while worker i is (about to be) blocked on its semaphore
    private int _busy;                          // 1 while a call owns the team; an int, not a Lock, because a Lock re-enters
    private SharedCounters _shared;             // the counters threads spin on, a cache line each
    private IParallelWork? _work;
    private int _pieceCount;
    private Exception? _firstError;
    private volatile bool _disposed;

    public WorkerTeam(int threadCount) : this(threadCount, startThread: null)
    {
    }

    /// <summary>A team whose workers are started by <paramref name="startThread"/> (default
    /// <see cref="Thread.Start()"/>), so tests can make a start fail as a lack of memory would.
    /// If a worker cannot start, the workers already started exit and an
    /// <see cref="OutOfMemoryException"/> says so: a failed team leaves no threads behind.</summary>
    internal WorkerTeam(int threadCount, Action<Thread>? startThread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _workers = new Thread[threadCount - 1];
        _wakeUps = new SemaphoreSlim[threadCount - 1];
        _sleeping = new int[threadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int worker = i;
            _wakeUps[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"rnn-worker-{i + 1}" };
            try
            {
                (startThread ?? (thread => thread.Start()))(_workers[i]);
            }
            catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
            {
                StopStartedWorkers(i);
                throw new OutOfMemoryException($"could not start worker thread {i + 1} of {threadCount - 1} (out of memory or the system's thread limit); try fewer threads.", e);
            }
        }
    }

    /// <summary>Lets the first <paramref name="started"/> workers exit, as <see cref="Dispose"/> does for a whole team.</summary>
    private void StopStartedWorkers(int started)
    {
        _disposed = true;
        Volatile.Write(ref _shared.Generation, _shared.Generation + 1);   // what spinning workers look at
        for (int i = 0; i < started; i++)
        {
            _wakeUps[i].Release();
        }
    }

    /// <summary>Threads that run pieces, the caller included.</summary>
    public int ThreadCount { get; }

    /// <summary>Whether the calling thread is running a piece: a parallel call it makes runs on it alone.</summary>
    public static bool InsidePiece => t_insidePiece;

    /// <summary>Runs <c>work.Run(i)</c> for every i in [0, <paramref name="pieceCount"/>) and returns when all are done.
    /// The first exception thrown by a piece is rethrown here after every piece has finished.</summary>
    public void Run(IParallelWork work, int pieceCount)
    {
        if (pieceCount <= 0)
        {
            return;
        }
        if (pieceCount == 1)
        {
            // One piece runs on the caller as if it were not a piece: the team stays free, so
            // parallel calls the piece makes (a small batch's per-step GEMMs) still get every thread.
            work.Run(0);
            return;
        }
        if (_workers.Length == 0 || !TryClaim())
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
            // Plain stores in this order, which x86 and the .NET memory model (release stores) keep: a locked
            // instruction would wait for every line a spinning worker holds, each a trip between cores.
            // Close the previous call's tickets before changing the fields they are checked against:
            // a late worker holding an old ticket would otherwise see the new, larger piece count
            // and claim a piece that the new call hands out again (its compare-exchange fails once the ticket moved).
            Volatile.Write(ref _shared.Ticket, 0);
            Volatile.Write(ref _pieceCount, pieceCount);   // a release: the close above is seen first, on ARM64 too
            _work = work;
            _firstError = null;
            // Generation 0 is never a call's. Only the thread owning the team writes it.
            int generation = _shared.Generation + 1;
            if (generation == 0)
            {
                generation = 1;
            }
            // Piece 0 is the caller's from the start: it runs on the same core call after call (its weights
            // stay in that core's cache) and the caller starts it without a compare-exchange.
            Volatile.Write(ref _shared.Ticket, ((long)generation << 32) | 1);   // publishes the fields above
            Volatile.Write(ref _shared.Generation, generation);                 // then wakes the spinning workers
            WakeSleepers();
            RunClaimed(0);
            RunPieces(generation);
            WaitForWorkers();
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

    /// <summary>Spins until no worker runs a piece of the current call: eagerly at first (a worker's last
    /// piece usually ends within microseconds of the caller's), then yielding the core, as a worker that
    /// was preempted needs it back more than the caller needs to notice at once.</summary>
    private void WaitForWorkers()
    {
        if (Volatile.Read(ref _shared.ActiveWorkers) == 0)
        {
            return;
        }
        long eagerUntil = Stopwatch.GetTimestamp() + EagerSpin;
        SpinWait spin = default;
        while (Volatile.Read(ref _shared.ActiveWorkers) != 0)
        {
            if (Stopwatch.GetTimestamp() < eagerUntil)
            {
                Thread.SpinWait(1);
                continue;
            }
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Releases the workers that blocked. The flag is read before it is exchanged: a worker announcing
    /// its sleep while the generation above is still on its way may be missed, and then sleeps through this call,
    /// whose pieces nobody claimed run on the caller; the next call sees the flag (the worker set it with a full fence).</summary>
    private void WakeSleepers()
    {
        for (int i = 0; i < _workers.Length; i++)
        {
            if (Volatile.Read(ref _sleeping[i]) == 1 && Interlocked.Exchange(ref _sleeping[i], 0) == 1)
            {
                _wakeUps[i].Release();
            }
        }
    }

    private bool TryClaim() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    private static void RunAlone(IParallelWork work, int pieceCount)
    {
        for (int i = 0; i < pieceCount; i++)
        {
            RunPiece(work, i);
        }
    }

    private static void RunPiece(IParallelWork work, int index)
    {
        bool outer = t_insidePiece;
        t_insidePiece = true;
        try
        {
            work.Run(index);
        }
        finally
        {
            t_insidePiece = outer;
        }
    }

    /// <summary>Claims and runs pieces of call <paramref name="generation"/> until none is left.</summary>
    private void RunPieces(int generation)
    {
        while (TryClaimPiece(generation, out int index))
        {
            RunClaimed(index);
        }
    }

    /// <summary>Runs piece <paramref name="index"/> of the current call, claimed by this thread, keeping its exception.</summary>
    private void RunClaimed(int index)
    {
        try
        {
            RunPiece(_work!, index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _firstError, e, null);
        }
    }

    /// <summary>Takes the next unclaimed piece if call <paramref name="generation"/> is still the current one.
    /// A compare-exchange, not an increment, so a late worker never uses up a piece of a later call.</summary>
    private bool TryClaimPiece(int generation, out int index)
    {
        while (true)
        {
            long ticket = Volatile.Read(ref _shared.Ticket);
            index = (int)ticket;
            if ((int)(ticket >> 32) != generation || index >= _pieceCount)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _shared.Ticket, ticket + 1, ticket) == ticket)
            {
                return true;
            }
        }
    }

    // Entered once and never left: under tiered compilation it would run for good as the
    // on-stack-replacement variant of its first, unoptimized compilation.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            int generation = WaitForGeneration(worker, seen);
            if (_disposed)
            {
                return;
            }
            seen = generation;
            // Counted before claiming, so the caller cannot finish this call while a claimed piece runs.
            Interlocked.Increment(ref _shared.ActiveWorkers);
            RunPieces(generation);
            Interlocked.Decrement(ref _shared.ActiveWorkers);
        }
    }

    /// <summary>Spins until the generation moves past <paramref name="seen"/>, blocking once the spin budget is spent.</summary>
    private int WaitForGeneration(int worker, int seen)
    {
        long start = Stopwatch.GetTimestamp();
        long eagerUntil = start + EagerSpin, spinUntil = start + SpinBudget;
        while (true)
        {
            // The generation alone: the line of the call's fields, which the caller writes, stays in its cache.
            // Dispose moves the generation too.
            int generation = Volatile.Read(ref _shared.Generation);
            if (generation != seen)
            {
                return generation;
            }
            long now = Stopwatch.GetTimestamp();
            if (now < spinUntil)
            {
                Thread.SpinWait(now < eagerUntil ? 1 : 20);
                continue;
            }
            // Announce the sleep, then look again: a caller that bumped the generation before it
            // saw the flag has already moved on, one that bumps it after will release us. The
            // exchange is a full fence, so the flag is visible before the generation is re-read.
            Interlocked.Exchange(ref _sleeping[worker], 1);
            if (Volatile.Read(ref _shared.Generation) == seen && !_disposed)
            {
                _wakeUps[worker].Wait();
            }
            Volatile.Write(ref _sleeping[worker], 0);
            if (_disposed)
            {
                return seen;
            }
            start = Stopwatch.GetTimestamp();
            eagerUntil = start + EagerSpin;
            spinUntil = start + SpinBudget;
        }
    }

    /// <summary>
    /// The counters of a call, each on a cache line of its own (128 bytes apart, past the pair the
    /// adjacent-line prefetcher fetches): idle workers spin reading the generation while pieces are
    /// claimed and finished, and a waiting caller spins reading the active workers while the last
    /// pieces are claimed; sharing a line, every read would pull it away from the thread writing it.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 4 * 128)]
    private struct SharedCounters
    {
        [FieldOffset(128)]
        public int Generation;          // bumped once per parallel call; wakes the workers

        [FieldOffset(256)]
        public long Ticket;             // generation << 32 | next piece: claims are tagged by their call

        [FieldOffset(384)]
        public int ActiveWorkers;       // workers inside a round: the caller waits for these only
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
        Volatile.Write(ref _shared.Generation, _shared.Generation + 1);   // what spinning workers look at
        foreach (SemaphoreSlim wakeUp in _wakeUps)
        {
            wakeUp.Release();
        }
        Volatile.Write(ref _busy, 0);
    }
}

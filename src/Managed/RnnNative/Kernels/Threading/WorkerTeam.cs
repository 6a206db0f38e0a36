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
    private SharedCounters _shared;             // the call and the count of finished pieces, a cache line each
    private long _workerPiecesExpected;         // the caller's: the count of pieces workers will have finished when this call ends
    private Exception? _firstError;

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
        Volatile.Write(ref _shared.Disposed, 1);
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
        if (_shared.Disposed != 0)
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
            Volatile.Write(ref _shared.PieceCount, pieceCount);   // a release: the close above is seen first, on ARM64 too
            _shared.Work = work;
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
            int ranHere = 1 + RunPieces(generation);
            _workerPiecesExpected += pieceCount - ranHere;
            WaitForWorkers();
            _shared.Work = null;
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
        // The count only grows: below the expected count some claimed piece is still running.
        if (Volatile.Read(ref _shared.WorkerPiecesFinished) >= _workerPiecesExpected)
        {
            return;
        }
        long eagerUntil = Stopwatch.GetTimestamp() + EagerSpin;
        SpinWait spin = default;
        while (Volatile.Read(ref _shared.WorkerPiecesFinished) < _workerPiecesExpected)
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

    /// <summary>Claims and runs pieces of call <paramref name="generation"/> until none is left; returns how many it ran.</summary>
    private int RunPieces(int generation)
    {
        int ran = 0;
        while (TryClaimPiece(generation, out int index))
        {
            RunClaimed(index);
            ran++;
        }
        return ran;
    }

    /// <summary>Runs piece <paramref name="index"/> of the current call, claimed by this thread, keeping its exception.</summary>
    private void RunClaimed(int index)
    {
        try
        {
            RunPiece(_shared.Work!, index);
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
            if ((int)(ticket >> 32) != generation || index >= _shared.PieceCount)
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
            if (_shared.Disposed != 0)
            {
                return;
            }
            seen = generation;
            while (TryClaimPiece(generation, out int index))
            {
                RunClaimed(index);
                // Counted after the piece: the caller returns once every piece a worker claimed has been counted.
                Interlocked.Increment(ref _shared.WorkerPiecesFinished);
            }
        }
    }

    /// <summary>Spins until the generation moves past <paramref name="seen"/>, blocking once the spin budget is spent.</summary>
    private int WaitForGeneration(int worker, int seen)
    {
        long start = Stopwatch.GetTimestamp();
        long eagerUntil = start + EagerSpin, spinUntil = start + SpinBudget;
        while (true)
        {
            // The call's fields share the generation's line: the transfer that shows a new call brings them too.
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
            if (Volatile.Read(ref _shared.Generation) == seen && Volatile.Read(ref _shared.Disposed) == 0)
            {
                _wakeUps[worker].Wait();
            }
            Volatile.Write(ref _sleeping[worker], 0);
            if (Volatile.Read(ref _shared.Disposed) != 0)
            {
                return seen;
            }
            start = Stopwatch.GetTimestamp();
            eagerUntil = start + EagerSpin;
            spinUntil = start + SpinBudget;
        }
    }

    /// <summary>
    /// The call, within 32 bytes (one cache line, or two when the team object lands across a line boundary),
    /// and the count of pieces workers finished, 128 bytes away (past the pair the adjacent-line prefetcher
    /// fetches). A worker starts after two trips of the call's line between the cores: the read that sees the
    /// new generation, which brings the ticket, piece count and work with it, and the claim's compare-exchange;
    /// the caller learns of its end in one more, the count. With the generation, the ticket, the fields and an
    /// active-worker count on four lines, a worker's start took five dependent trips and a locked increment:
    /// `HandOverBenchmarks` (bench/RnnNative.Benchmarks) measured a hand-over of 1.1-1.3 us then, 0.73-0.85 us
    /// now, on the Zen 5 host with a 470 ns round trip between its cores.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 3 * 128)]
    private struct SharedCounters
    {
        [FieldOffset(128)]
        public long Ticket;             // generation << 32 | next piece: claims are tagged by their call

        [FieldOffset(136)]
        public int Generation;          // bumped once per parallel call; wakes the workers

        [FieldOffset(140)]
        public int PieceCount;

        [FieldOffset(144)]
        public int Disposed;            // 1 once the team is disposed (the generation moves with it)

        [FieldOffset(152)]
        public IParallelWork? Work;

        [FieldOffset(256)]
        public long WorkerPiecesFinished;   // pieces workers have run, over every call
    }

    /// <summary>Waits for a running call to finish, then lets the workers exit.</summary>
    public void Dispose()
    {
        SpinWait spin = default;
        while (!TryClaim())
        {
            spin.SpinOnce();
        }
        Volatile.Write(ref _shared.Disposed, 1);
        Volatile.Write(ref _shared.Generation, _shared.Generation + 1);   // what spinning workers look at
        foreach (SemaphoreSlim wakeUp in _wakeUps)
        {
            wakeUp.Release();
        }
        Volatile.Write(ref _busy, 0);
    }
}

using RnnNative.Kernels.Threading;

namespace RnnNative.Tests.Support;

/// <summary>Runs code with the engine's thread count set, then restores it (tests in the
/// "Parallelism" collection only: the setting is engine-wide).</summary>
internal static class WithThreads
{
    public static T Run<T>(int threads, Func<T> run)
    {
        int saved = Parallelism.ThreadCount;
        try
        {
            Parallelism.ThreadCount = threads;
            return run();
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }
}

using System.Diagnostics;

namespace PeersProbe;

/// <summary>
/// Wall time and this process's CPU time of a piece of work. On a loaded machine the CPU time shows
/// how much of the wall time the process actually ran: with one thread, work / CPU seconds is close
/// to what a quiet machine gives (not with two, whose CPU time also counts spinning).
/// </summary>
readonly record struct Clock(double Seconds, double CpuSeconds)
{
    public static Clock Time(Action work)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        work();
        double seconds = wall.Elapsed.TotalSeconds;
        process.Refresh();
        return new Clock(seconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}

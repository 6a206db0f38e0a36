using BenchmarkDotNet.Running;

namespace RnnNative.Benchmarks;

public static class Program
{
    /// <summary>Runs the benchmarks chosen on the command line, e.g.
    /// <c>dotnet run -c Release -- --filter *Gemm* --job short</c>.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

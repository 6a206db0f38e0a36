using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Kernels;

/// <summary>
/// Chooses the kernel path once per process: the widest one this machine runs, unless the
/// <c>RNN_KERNEL</c> environment variable names another (<c>scalar|v128|avx2|avx512</c>).
/// </summary>
/// <remarks>
/// Under Native AOT the <c>IsSupported</c>/<c>IsHardwareAccelerated</c> properties are fixed when
/// the library is compiled (by <c>IlcInstructionSet</c>), so <see cref="Available"/> lists what
/// this build can run on this machine, which may be less than the CPU offers. The runtime's own
/// <c>DOTNET_Enable*</c> switches do not apply there; <c>RNN_KERNEL</c> is ours and works in both.
/// </remarks>
public static class KernelPaths
{
    /// <summary>Name of the environment variable that forces a path.</summary>
    public const string EnvironmentVariable = "RNN_KERNEL";

    private static readonly Lazy<KernelPath> s_active = new(() => Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    /// <summary>Every path this build can run on this machine, narrowest first.</summary>
    public static IReadOnlyList<KernelPath> Available { get; } = Enum.GetValues<KernelPath>().Where(IsSupported).ToArray();

    /// <summary>The path the engine uses. Throws <see cref="NotSupportedException"/> when
    /// <c>RNN_KERNEL</c> names an unknown path or one this machine cannot run.</summary>
    public static KernelPath Active => s_active.Value;

    /// <summary>The widest path this build can run on this machine.</summary>
    public static KernelPath Best => Available[^1];

    /// <summary>Whether this build can run <paramref name="path"/> on this machine.</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Scalar => true,
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        KernelPath.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        KernelPath.Avx512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>The short name used by <c>RNN_KERNEL</c> and printed by tools.</summary>
    public static string Name(KernelPath path) => path switch
    {
        KernelPath.Scalar => "scalar",
        KernelPath.Vector128 => "v128",
        KernelPath.Avx2 => "avx2",
        KernelPath.Avx512 => "avx512",
        _ => throw new ArgumentOutOfRangeException(nameof(path), path, "unknown kernel path"),
    };

    /// <summary>Parses a path name as accepted by <c>RNN_KERNEL</c> (case-insensitive).</summary>
    public static bool TryParse(string? name, out KernelPath path)
    {
        foreach (KernelPath candidate in Enum.GetValues<KernelPath>())
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                path = candidate;
                return true;
            }
        }
        path = KernelPath.Scalar;
        return false;
    }

    /// <summary>The path to use given the value of <c>RNN_KERNEL</c> (null or empty: the best).</summary>
    internal static KernelPath Resolve(string? forced)
    {
        if (string.IsNullOrWhiteSpace(forced))
        {
            return Best;
        }
        if (!TryParse(forced, out KernelPath path))
        {
            throw new NotSupportedException($"{EnvironmentVariable}='{forced}' is not a kernel path; use one of: {string.Join(", ", Enum.GetValues<KernelPath>().Select(Name))}.");
        }
        if (!IsSupported(path))
        {
            throw new NotSupportedException($"{EnvironmentVariable}='{forced}' names a path this build cannot run on this machine; available: {string.Join(", ", Available.Select(Name))}.");
        }
        return path;
    }
}

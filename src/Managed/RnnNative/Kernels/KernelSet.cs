using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels;

/// <summary>
/// Every numerical kernel of the engine, for one <see cref="KernelPath"/>. The engine calls
/// <see cref="Active"/>; tests and benchmarks call <see cref="For"/> to run each path the machine
/// has in one process.
/// </summary>
/// <remarks>
/// Conventions for every method: matrices are row-major with an explicit leading dimension
/// (<c>lda</c> = distance between rows); spans must be long enough for the shapes given
/// (checked, <see cref="ArgumentException"/> otherwise); outputs may not overlap inputs unless a
/// method says so. Results differ across paths only by floating-point rounding (FMA, lane order of
/// reductions); within one path they are deterministic and independent of the thread count.
/// GEMM is multithreaded (see <see cref="Threading.Parallelism"/>); everything else runs on the
/// calling thread, and callers split rows between threads.
/// </remarks>
public abstract partial class KernelSet
{
    private static readonly KernelSet?[] s_sets = new KernelSet?[4];

    private protected KernelSet()
    {
    }

    /// <summary>The kernels of <see cref="KernelPaths.Active"/>.</summary>
    public static KernelSet Active => For(KernelPaths.Active);

    /// <summary>The kernels of <paramref name="path"/>; <see cref="NotSupportedException"/> if this
    /// build cannot run that path on this machine.</summary>
    public static KernelSet For(KernelPath path)
    {
        if (!KernelPaths.IsSupported(path))
        {
            throw new NotSupportedException($"kernel path '{KernelPaths.Name(path)}' cannot run on this machine with this build; available: {string.Join(", ", KernelPaths.Available.Select(KernelPaths.Name))}.");
        }
        return s_sets[(int)path] ??= path switch
        {
            KernelPath.Scalar => new SimdKernelSet<float, ScalarSimd>(path),
            KernelPath.Vector128 => new SimdKernelSet<System.Runtime.Intrinsics.Vector128<float>, Simd128>(path),
            KernelPath.Avx2 => new SimdKernelSet<System.Runtime.Intrinsics.Vector256<float>, Simd256>(path),
            _ => new SimdKernelSet<System.Runtime.Intrinsics.Vector512<float>, Simd512>(path),
        };
    }

    /// <summary>The path these kernels run.</summary>
    public abstract KernelPath Path { get; }
}

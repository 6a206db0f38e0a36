using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels;

/// <summary>
/// The one implementation of <see cref="KernelSet"/>, instantiated per register width: each
/// override calls a generic kernel with <typeparamref name="TVec"/>/<typeparamref name="TSimd"/>,
/// which the compiler specializes, so every path runs the same source.
/// </summary>
internal sealed partial class SimdKernelSet<TVec, TSimd> : KernelSet
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    public SimdKernelSet(KernelPath path) => Path = path;

    public override KernelPath Path { get; }
}

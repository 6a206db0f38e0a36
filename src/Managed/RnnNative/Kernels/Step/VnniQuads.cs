using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The pieces of the int8 kernels that feed x offset to unsigned bytes into AVX-VNNI's vpdpbusd
/// (<see cref="StepKernelsVnni{TVec, TSimd}"/>, <see cref="BatchedStepKernelsVnni{TVec, TSimd}"/>):
/// <code>
/// Σ_k q_rk · x_q,k = −128 · Σ_k q_rk + Σ_k q_rk · x_u,k,     x_u = x_q + 128 ∈ [1, 255]
/// </code>
/// the offset's share from <see cref="StepMatrix.OffsetSums"/>. One vpdpbusd adds 8 rows' four products, where the sign
/// trick of <see cref="Simd.ISimd{TVec}.DotInt8Quads"/> pays a vpsignb beside it (and AVX-512, which .NET 10 gives no
/// 512-bit vpdpbusd, five instructions). 256-bit registers (VEX: 16 of them) whatever the kernel path's width: a
/// 16-row panel is two 8-row halves, 32 bytes apart in each gate's quad.
/// </summary>
internal static unsafe class VnniQuads
{
    /// <summary>int32 lanes of a register: rows per half.</summary>
    public const int Lanes = 8;

    /// <summary>True when this machine has AVX-VNNI and <paramref name="a"/> is int8 in panels of <paramref name="width"/>
    /// (the kernel path's) rows, a multiple of <paramref name="rowsPerPass"/>.</summary>
    public static bool Serves(StepMatrix a, int width, int rowsPerPass) =>
        AvxVnni.IsSupported && a.Precision == WeightPrecision.Int8 && a.Width == width && width % rowsPerPass == 0;

    /// <summary>x_u[j..j+4] in every int32 lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Broadcast(sbyte* x, int j) => Vector256.Create(*(int*)(x + j)).AsByte();

    /// <summary>sums + the 8 rows' dot products of their weight quads at <paramref name="weights"/> with the quad in <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<int> sums, Vector256<byte> x, sbyte* weights) =>
        AvxVnni.MultiplyWideningAndAdd(sums, x, Vector256.Load(weights));

    /// <summary>Both 8-row halves of a 16-row block's quad (the second 32 bytes after the first): each half's sums plus its
    /// rows' dot products with the quad in <paramref name="x"/>. Inlined, the sums stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotBlock(ref Vector256<int> first, ref Vector256<int> second, Vector256<byte> x, sbyte* weights)
    {
        first = Dot(first, x, weights);
        second = Dot(second, x, weights + 4 * Lanes);
    }
}

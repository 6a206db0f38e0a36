using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Regularization;

/// <summary>
/// Inverted dropout, forward and backward, with masks from <see cref="DropoutMask"/>:
/// <code>
/// forward:  mask = DropoutMask(key, first..first+n, p),  y = x ⊙ mask      [n]
/// backward: dx = dy ⊙ mask                                                 [n]
/// </code>
/// The mask is drawn one element at a time (64-bit integer hashing, scalar) and applied by a
/// vectorized multiply, a chunk at a time so the chunk of the mask is still in L1 when it is read.
/// Every path computes the same mask and the same single product per element, so results are
/// bit-identical across paths. In place allowed (y may be x, dx may be dy).
/// </summary>
internal static class InvertedDropout
{
    /// <summary>Elements per chunk: 8 KB of mask.</summary>
    private const int Chunk = 2048;

    public static void Forward<TVec, TSimd>(ulong key, long firstIndex, float probability, ReadOnlySpan<float> x, Span<float> mask, Span<float> y)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.AtLeast(mask.Length, x.Length, nameof(mask), $"x ({x.Length} elements)");
        KernelArguments.AtLeast(y.Length, x.Length, nameof(y), $"x ({x.Length} elements)");
        KernelArguments.InPlaceOrDisjoint(x, y, nameof(x), nameof(y));
        for (int start = 0; start < x.Length; start += Chunk)
        {
            int count = Math.Min(Chunk, x.Length - start);
            Span<float> maskChunk = mask.Slice(start, count);
            DropoutMask.Fill(key, firstIndex + start, probability, maskChunk);
            ElementwiseDriver.Binary<TVec, TSimd, MultiplyOperator>(x.Slice(start, count), maskChunk, y.Slice(start, count), default);
        }
    }

    public static void Backward<TVec, TSimd>(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.AtLeast(mask.Length, dy.Length, nameof(mask), $"dy ({dy.Length} elements)");
        ElementwiseDriver.Binary<TVec, TSimd, MultiplyOperator>(dy, mask[..dy.Length], dx, default);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>Reductions over spans: dot product, sum of squares (gradient norm) and maximum (softmax shift).</summary>
internal static class Reductions
{
    // Float lanes are exact enough for a block this short (relative error ~ 1e-7·sqrt(block / lanes));
    // the running total across blocks is double so a 100M-parameter norm does not lose digits.
    // A multiple of 4 × 16 lanes, so only the last block has a scalar remainder.
    private const int DotBlock = 1024;

    /// <summary><c>Σ x²</c> (gradient norm): <see cref="Dot{TVec, TSimd}"/> of x with itself.</summary>
    public static double SumOfSquares<TVec, TSimd>(ReadOnlySpan<float> x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => Dot<TVec, TSimd>(x, x);

    /// <summary>
    /// <c>Σ x ⊙ y</c> of two spans of one length: per block of 1024 elements, four float registers of partial
    /// sums, added into a double. Deterministic per path; the summation order (hence rounding) differs across paths.
    /// </summary>
    public static double Dot<TVec, TSimd>(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.SameLength(x.Length, y.Length, nameof(x), nameof(y));
        int width = TSimd.Count;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        double total = 0;
        int k = 0;
        while (k < x.Length)
        {
            int blockEnd = Math.Min(x.Length, k + DotBlock);
            TVec sum0 = TSimd.Zero, sum1 = TSimd.Zero, sum2 = TSimd.Zero, sum3 = TSimd.Zero;
            for (; k <= blockEnd - 4 * width; k += 4 * width)
            {
                sum0 = TSimd.MultiplyAdd(TSimd.Load(in Unsafe.Add(ref xRef, k)), TSimd.Load(in Unsafe.Add(ref yRef, k)), sum0);
                sum1 = TSimd.MultiplyAdd(TSimd.Load(in Unsafe.Add(ref xRef, k + width)), TSimd.Load(in Unsafe.Add(ref yRef, k + width)), sum1);
                sum2 = TSimd.MultiplyAdd(TSimd.Load(in Unsafe.Add(ref xRef, k + 2 * width)), TSimd.Load(in Unsafe.Add(ref yRef, k + 2 * width)), sum2);
                sum3 = TSimd.MultiplyAdd(TSimd.Load(in Unsafe.Add(ref xRef, k + 3 * width)), TSimd.Load(in Unsafe.Add(ref yRef, k + 3 * width)), sum3);
            }
            for (; k <= blockEnd - width; k += width)
            {
                sum0 = TSimd.MultiplyAdd(TSimd.Load(in Unsafe.Add(ref xRef, k)), TSimd.Load(in Unsafe.Add(ref yRef, k)), sum0);
            }
            float blockSum = TSimd.Sum(TSimd.Add(TSimd.Add(sum0, sum1), TSimd.Add(sum2, sum3)));
            for (; k < blockEnd; k++)
            {
                blockSum += Unsafe.Add(ref xRef, k) * Unsafe.Add(ref yRef, k);
            }
            total += blockSum;
        }
        return total;
    }

    /// <summary><c>max x</c> of a non-empty span (exact: max has no rounding, so equal on every path).</summary>
    public static float Max<TVec, TSimd>(ReadOnlySpan<float> x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        int width = TSimd.Count;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        float max = x[0];
        int k = 0;
        if (x.Length >= width)
        {
            TVec maxVector = TSimd.Load(in xRef);
            for (k = width; k <= x.Length - width; k += width)
            {
                maxVector = TSimd.Max(maxVector, TSimd.Load(in Unsafe.Add(ref xRef, k)));
            }
            max = TSimd.MaxAcross(maxVector);
        }
        for (; k < x.Length; k++)
        {
            max = MathF.Max(max, Unsafe.Add(ref xRef, k));
        }
        return max;
    }
}

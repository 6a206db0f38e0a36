using RnnNative.Kernels;
using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Simd;

namespace RnnNative.Tests.Support;

/// <summary>Inputs, lengths and tail canaries shared by the kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>A value no kernel writes; placed just past an output to catch writes beyond its length.</summary>
    public const float Canary = -1234.5f;

    public const int CanaryCount = 17;

    /// <summary>Every length up to 257 (all tail shapes of every width, unrolled or not) plus a large one.</summary>
    public static IEnumerable<int> Lengths => Enumerable.Range(0, 258).Append(100_003);

    private static readonly float[] s_edges = [0f, -0f, 1e-30f, -1e-30f, 1e-3f, -1e-3f, 1f, -1f, 50f, -50f, 100f, -100f, 1e4f, -1e4f];

    /// <summary>Uniform in [-scale, scale] with the edge values spread through it (every 7th element).</summary>
    public static float[] Inputs(int length, int seed, float scale = 6f)
    {
        Random random = new(seed);
        float[] values = new float[length];
        for (int k = 0; k < length; k++)
        {
            values[k] = k % 7 == 3 ? s_edges[k / 7 % s_edges.Length] : (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return values;
    }

    /// <summary>Uniform in [low, high] without edge values.</summary>
    public static float[] Uniform(int length, int seed, float low, float high)
    {
        Random random = new(seed);
        float[] values = new float[length];
        for (int k = 0; k < length; k++)
        {
            values[k] = (float)(low + random.NextDouble() * (high - low));
        }
        return values;
    }

    /// <summary>A buffer of length + <see cref="CanaryCount"/> filled with the canary; kernels get its first length elements.</summary>
    public static float[] OutputWithCanary(int length) => Enumerable.Repeat(Canary, length + CanaryCount).ToArray();

    public static void AssertCanaryIntact(float[] buffer, int length)
    {
        for (int k = length; k < buffer.Length; k++)
        {
            if (!(BitConverter.SingleToInt32Bits(buffer[k]) == BitConverter.SingleToInt32Bits(Canary)))
            {
                Assert.Fail($"element {k} past the output length {length} was overwritten");
            }
        }
    }

    /// <summary>Runs an internal unary operator (e.g. exp, which has no public kernel) on one path.</summary>
    public static void RunUnary<TOperator>(KernelPath path, ReadOnlySpan<float> x, Span<float> y)
        where TOperator : struct, IUnaryOperator
    {
        switch (path)
        {
            case KernelPath.Scalar:
                ElementwiseDriver.Unary<float, ScalarSimd, TOperator>(x, y, default);
                break;
            case KernelPath.Vector128:
                ElementwiseDriver.Unary<System.Runtime.Intrinsics.Vector128<float>, Simd128, TOperator>(x, y, default);
                break;
            case KernelPath.Avx2:
                ElementwiseDriver.Unary<System.Runtime.Intrinsics.Vector256<float>, Simd256, TOperator>(x, y, default);
                break;
            default:
                ElementwiseDriver.Unary<System.Runtime.Intrinsics.Vector512<float>, Simd512, TOperator>(x, y, default);
                break;
        }
    }
}

/// <summary>exp as a unary operator, so tests can drive <see cref="VectorMath.Exp{TVec, TSimd}"/> on every path.</summary>
internal readonly struct ExpOperator : IUnaryOperator
{
    public TVec Invoke<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        => VectorMath.Exp<TVec, TSimd>(x);
}

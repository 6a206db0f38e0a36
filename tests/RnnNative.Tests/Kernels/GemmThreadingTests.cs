using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Kernels.Threading;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

[Collection("Parallelism")]
public class GemmThreadingTests
{
    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Results_are_bit_identical_for_any_thread_count(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        Random random = new(11);
        // A row split (m > n) and a column split (m < n), each also against packed B.
        (bool TransA, bool TransB, int M, int N, int K)[] shapes = [(false, true, 301, 170, 600), (true, false, 40, 515, 530)];
        int saved = Parallelism.ThreadCount;
        try
        {
            foreach ((bool transA, bool transB, int m, int n, int k) in shapes)
            {
                float[] a = GemmReference.Matrix(random, transA ? k : m, transA ? m : k, transA ? m : k);
                float[] b = GemmReference.Matrix(random, transB ? n : k, transB ? k : n, transB ? k : n);
                float[] c0 = GemmReference.Matrix(random, m, n, n);
                float[]? first = null;
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Parallelism.ThreadCount = threads;
                    float[] c = (float[])c0.Clone();
                    kernels.Gemm(transA, transB, m, n, k, 0.9f, a, transA ? m : k, b, transB ? k : n, 0.3f, c, n);
                    float[] packedC = (float[])c0.Clone();
                    PackedMatrix packed = kernels.PackB(transB, k, n, b, transB ? k : n);
                    kernels.Gemm(transA, m, 0.9f, a, transA ? m : k, packed, 0.3f, packedC, n);
                    Assert.Equal(c, packedC);
                    first ??= c;
                    Assert.Equal(first, c);
                }
                GemmReference.AssertGemm(transA, transB, m, n, k, 0.9f, a, transA ? m : k, b, transB ? k : n, 0.3f, c0, first!, n, $"{path} m={m} n={n} k={k}");
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Gemv_rows_split_over_threads_are_bit_identical_and_match_the_reference(KernelPath path)
    {
        // 1031 x 300 is above the size where a GEMV splits its rows; an odd m leaves uneven pieces.
        KernelSet kernels = KernelSet.For(path);
        Random random = new(5);
        const int m = 1031, n = 300;
        float[] a = GemmReference.Matrix(random, m, n, n);
        float[] x = GemmReference.Matrix(random, 1, n, n);
        float[] y0 = GemmReference.Matrix(random, 1, m, m);
        int saved = Parallelism.ThreadCount;
        try
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                Parallelism.ThreadCount = threads;
                float[] y = (float[])y0.Clone();
                kernels.Gemv(false, m, n, 0.9f, a, n, x, 0.3f, y);
                first ??= y;
                Assert.Equal(first, y);
            }
            for (int i = 0; i < m; i++)
            {
                double expected = 0.3 * y0[i];
                for (int j = 0; j < n; j++) expected += 0.9 * a[i * n + j] * x[j];
                Assert.True(Math.Abs(first![i] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{path} row {i}: {first[i]} vs {expected}");
            }
        }
        finally
        {
            Parallelism.ThreadCount = saved;
        }
    }
}

using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

public class GemvTests
{
    private static readonly int[] s_sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257];

    public static TheoryData<KernelPath, bool> PathsAndTransposes
    {
        get
        {
            TheoryData<KernelPath, bool> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                data.Add(path, false);
                data.Add(path, true);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Gemv_matches_the_reference(KernelPath path, bool transA)
    {
        KernelSet kernels = KernelSet.For(path);
        int seed = 0;
        foreach (int m in s_sizes)
        {
            foreach (int n in s_sizes)
            {
                (float alpha, float beta) = (seed % 3) switch { 0 => (1f, 0f), 1 => (-0.5f, 1f), _ => (2f, -0.75f) };
                Random random = new(seed++);
                int lda = n + (seed % 2) * 3;
                float[] a = GemmReference.Matrix(random, m, n, lda);
                int xLength = transA ? m : n, yLength = transA ? n : m;
                float[] x = GemmReference.Matrix(random, 1, xLength, Math.Max(1, xLength));
                float[] y = GemmReference.Matrix(random, 1, yLength, Math.Max(1, yLength));
                if (beta == 0f)
                {
                    Array.Fill(y, float.NaN);
                }
                float[] before = (float[])y.Clone();
                kernels.Gemv(transA, m, n, alpha, a, lda, x, beta, y);
                string label = $"{path} tA={transA} m={m} n={n} y";
                for (int i = 0; i < yLength; i++)
                {
                    // op(A) x as a GEMM with one column: x is op(B) [len, 1].
                    (double expected, double scale) = GemmReference.Element(transA, false, xLength, alpha, a, lda, x, 1, beta, before[i], i, 0);
                    GemmReference.AssertClose(expected, scale, y[i], label, i, 0);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Gemv_checks_its_arguments(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] a = new float[12];
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.Gemv(false, -1, 3, 1f, a, 3, new float[3], 0f, new float[4])).ParamName);
        Assert.Equal("lda", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.Gemv(false, 4, 3, 1f, a, 2, new float[3], 0f, new float[4])).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.Gemv(false, 4, 3, 1f, a.AsSpan(0, 11), 3, new float[3], 0f, new float[4])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernels.Gemv(true, 4, 3, 1f, a, 3, new float[3], 0f, new float[3])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => kernels.Gemv(false, 4, 3, 1f, a, 3, new float[3], 0f, new float[3])).ParamName);
    }
}

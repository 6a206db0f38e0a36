using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

public class GemmTests
{
    private static readonly int[] s_depths = [0, 1, 2, 3, 7, 16, 31, 64, 129, 257];

    public static TheoryData<KernelPath, bool, bool> PathsAndTransposes
    {
        get
        {
            TheoryData<KernelPath, bool, bool> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                foreach (bool transA in new[] { false, true })
                {
                    foreach (bool transB in new[] { false, true })
                    {
                        data.Add(path, transA, transB);
                    }
                }
            }
            return data;
        }
    }

    /// <summary>Runs one GEMM on fresh random operands (NaN padding when ld exceeds the row, C
    /// NaN-filled when beta = 0) and checks every element against the double reference.</summary>
    private static void Check(KernelSet kernels, bool transA, bool transB, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        Random random = new(seed);
        int aRows = transA ? k : m, aColumns = transA ? m : k;
        int bRows = transB ? n : k, bColumns = transB ? k : n;
        int lda = aColumns + pad, ldb = bColumns + pad, ldc = n + pad;
        float[] a = GemmReference.Matrix(random, aRows, aColumns, lda);
        float[] b = GemmReference.Matrix(random, bRows, bColumns, ldb);
        float[] c = GemmReference.Matrix(random, m, n, ldc);
        if (beta == 0f)
        {
            Array.Fill(c, float.NaN);
        }
        float[] before = (float[])c.Clone();
        kernels.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        GemmReference.AssertGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, before, c, ldc, $"{kernels.Path} tA={transA} tB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta} pad={pad}");
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Small_shapes_match_the_reference(KernelPath path, bool transA, bool transB)
    {
        KernelSet kernels = KernelSet.For(path);
        for (int m = 0; m <= 33; m++)
        {
            for (int n = 0; n <= 33; n++)
            {
                int k = s_depths[(m * 7 + n) % s_depths.Length];
                Check(kernels, transA, transB, m, n, k, 1f, 0f, pad: (m + n) % 3 == 0 ? 3 : 0, seed: m * 100 + n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Odd_larger_shapes_and_every_depth_match_the_reference(KernelPath path, bool transA, bool transB)
    {
        KernelSet kernels = KernelSet.For(path);
        int[] rows = [1, 6, 7, 65, 257];
        int[] columns = [5, 33, 97, 257];
        int seed = 0;
        foreach (int m in rows)
        {
            foreach (int n in columns)
            {
                foreach (int k in s_depths)
                {
                    if ((long)m * n * k > 2_000_000)
                    {
                        continue; // the reference is slow; each tail is still covered by smaller k
                    }
                    Check(kernels, transA, transB, m, n, k, 0.75f, -0.5f, pad: seed % 2 == 0 ? 0 : 17, seed: seed++);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Alpha_and_beta_variants_match_the_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        (float Alpha, float Beta)[] variants = [(1f, 0f), (-2.5f, 0f), (1f, 1f), (0.5f, -3f), (0f, 0f), (0f, 2f), (3f, 1e-3f)];
        int seed = 0;
        foreach ((float alpha, float beta) in variants)
        {
            foreach (int k in new[] { 0, 5, 1100 }) // 1100: three K blocks, beta on the first only
            {
                Check(kernels, false, true, 19, 45, k, alpha, beta, pad: 2, seed: seed++);
                Check(kernels, true, false, 13, 70, k, alpha, beta, pad: 0, seed: seed++);
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Large_shape_matches_the_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        Check(kernels, false, true, 300, 700, 513, 1f, 0f, pad: 0, seed: 1);
        Check(kernels, true, false, 300, 700, 513, 1f, 1f, pad: 5, seed: 2);
    }

    [Fact]
    public void Input_projection_shape_matches_the_reference_on_sampled_elements()
    {
        // [T*B, 4H] = x [T*B, H] * W_ih^T, with T*B = 3200, H = 512: too big for a full double
        // reference, so 300 random elements are checked.
        KernelSet kernels = KernelSet.For(KernelPaths.Best);
        const int m = 3200, n = 2048, k = 512;
        Random random = new(5);
        float[] a = GemmReference.Matrix(random, m, k, k);
        float[] b = GemmReference.Matrix(random, n, k, k);
        float[] c = new float[m * n];
        Array.Fill(c, float.NaN);
        kernels.Gemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
        for (int sample = 0; sample < 300; sample++)
        {
            int i = sample == 0 ? m - 1 : random.Next(m);
            int j = sample == 0 ? n - 1 : random.Next(n);
            (double expected, double scale) = GemmReference.Element(false, true, k, 1f, a, k, b, k, 0f, 0f, i, j);
            GemmReference.AssertClose(expected, scale, c[i * n + j], "C", i, j);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Vectorized), MemberType = typeof(KernelPathData))]
    public void Vectorized_path_agrees_with_scalar(KernelPath path)
    {
        const int m = 97, n = 130, k = 257;
        Random random = new(9);
        float[] a = GemmReference.Matrix(random, k, m, m);
        float[] b = GemmReference.Matrix(random, k, n, n);
        float[] c0 = GemmReference.Matrix(random, m, n, n);
        float[] scalar = (float[])c0.Clone();
        float[] vector = (float[])c0.Clone();
        KernelSet.For(KernelPath.Scalar).Gemm(true, false, m, n, k, 1.5f, a, m, b, n, 0.5f, scalar, n);
        KernelSet.For(path).Gemm(true, false, m, n, k, 1.5f, a, m, b, n, 0.5f, vector, n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                (_, double scale) = GemmReference.Element(true, false, k, 1.5f, a, m, b, n, 0.5f, c0[i * n + j], i, j);
                GemmReference.AssertClose(scalar[i * n + j], 2 * scale, vector[i * n + j], $"{path} vs scalar", i, j);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndTransposes))]
    public void Packed_B_gives_bit_identical_results(KernelPath path, bool transA, bool transB)
    {
        KernelSet kernels = KernelSet.For(path);
        (int M, int N, int K)[] shapes = [(32, 300, 140), (7, 33, 5), (50, 2, 513), (1, 1, 1), (13, 0, 4), (9, 17, 0)];
        int seed = 0;
        foreach ((int m, int n, int k) in shapes)
        {
            Random random = new(seed++);
            int lda = (transA ? m : k) + 1, ldb = (transB ? k : n) + 2, ldc = n + 3;
            float[] a = GemmReference.Matrix(random, transA ? k : m, transA ? m : k, lda);
            float[] b = GemmReference.Matrix(random, transB ? n : k, transB ? k : n, ldb);
            float[] c0 = GemmReference.Matrix(random, m, n, ldc);
            float[] expected = (float[])c0.Clone();
            float[] actual = (float[])c0.Clone();
            kernels.Gemm(transA, transB, m, n, k, 1.25f, a, lda, b, ldb, 0.5f, expected, ldc);
            PackedMatrix packed = kernels.PackB(transB, k, n, b, ldb);
            Assert.Equal((k, n), (packed.Rows, packed.Columns));
            kernels.Gemm(transA, m, 1.25f, a, lda, packed, 0.5f, actual, ldc);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Packed_matrix_is_reused_for_smaller_and_repacked_for_larger_shapes(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        Random random = new(3);
        float[] big = GemmReference.Matrix(random, 300, 200, 200);
        float[] small = GemmReference.Matrix(random, 20, 30, 30);
        float[] a = GemmReference.Matrix(random, 11, 300, 300);

        PackedMatrix packed = kernels.PackB(false, 300, 200, big, 200);
        PackedMatrix reused = kernels.PackB(false, 20, 30, small, 30, packed);
        Assert.Same(packed, reused);
        Assert.Equal((20, 30), (reused.Rows, reused.Columns));
        AssertPackedMatchesUnpacked(kernels, a, 20, 300, small, 30, reused, 30);

        PackedMatrix grown = kernels.PackB(true, 200, 300, big, 200, reused);
        Assert.Same(packed, grown);
        AssertPackedMatchesUnpacked(kernels, a, 200, 300, big, 200, grown, 300, transB: true);
    }

    private static void AssertPackedMatchesUnpacked(KernelSet kernels, float[] a, int k, int lda, float[] b, int ldb, PackedMatrix packed, int n, bool transB = false)
    {
        const int m = 11;
        float[] expected = new float[m * n];
        float[] actual = new float[m * n];
        kernels.Gemm(false, transB, m, n, k, 1f, a, lda, b, ldb, 0f, expected, n);
        kernels.Gemm(false, m, 1f, a, lda, packed, 0f, actual, n);
        Assert.Equal(expected, actual);
        GemmReference.AssertGemm(false, transB, m, n, k, 1f, a, lda, b, ldb, 0f, new float[m * n], actual, n, "packed");
    }

    [Fact]
    public void Packed_matrix_of_another_path_is_rejected()
    {
        if (KernelPaths.Best == KernelPath.Scalar)
        {
            return; // only one path runs here: nothing to mix up
        }
        KernelSet scalar = KernelSet.For(KernelPath.Scalar);
        KernelSet other = KernelSet.For(KernelPaths.Best);
        PackedMatrix packed = scalar.PackB(false, 4, 4, new float[16], 4);
        float[] c = new float[16];
        ArgumentException error = Assert.Throws<ArgumentException>(() => other.Gemm(false, 4, 1f, new float[16], 4, packed, 0f, c, 4));
        Assert.Equal("b", error.ParamName);
        ArgumentException reuseError = Assert.Throws<ArgumentException>(() => other.PackB(false, 4, 4, new float[16], 4, packed));
        Assert.Equal("reuse", reuseError.ParamName);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Invalid_arguments_name_the_argument(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] buffer = new float[64];
        AssertParam<ArgumentOutOfRangeException>("m", () => kernels.Gemm(false, false, -1, 4, 4, 1f, buffer, 4, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentOutOfRangeException>("n", () => kernels.Gemm(false, false, 4, -1, 4, 1f, buffer, 4, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentOutOfRangeException>("k", () => kernels.Gemm(false, false, 4, 4, -1, 1f, buffer, 4, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentOutOfRangeException>("lda", () => kernels.Gemm(false, false, 4, 4, 5, 1f, buffer, 4, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentOutOfRangeException>("lda", () => kernels.Gemm(true, false, 5, 4, 4, 1f, buffer, 4, buffer, 4, 0f, new float[64], 5));
        AssertParam<ArgumentOutOfRangeException>("ldb", () => kernels.Gemm(false, true, 4, 4, 5, 1f, buffer, 5, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentOutOfRangeException>("ldc", () => kernels.Gemm(false, false, 4, 4, 4, 1f, buffer, 4, buffer, 4, 0f, new float[64], 3));
        AssertParam<ArgumentException>("a", () => kernels.Gemm(false, false, 4, 4, 4, 1f, buffer.AsSpan(0, 15), 4, buffer, 4, 0f, new float[64], 4));
        AssertParam<ArgumentException>("b", () => kernels.Gemm(false, false, 4, 4, 4, 1f, buffer, 4, buffer.AsSpan(0, 13), 4, 0f, new float[64], 4));
        AssertParam<ArgumentException>("c", () => kernels.Gemm(false, false, 4, 4, 4, 1f, buffer, 4, buffer, 4, 0f, new float[18], 5));
        AssertParam<ArgumentException>("b", () => kernels.PackB(true, 4, 4, buffer.AsSpan(0, 15), 4));
        AssertParam<ArgumentOutOfRangeException>("ldb", () => kernels.PackB(true, 4, 4, buffer, 3));
        PackedMatrix packed = kernels.PackB(false, 4, 4, buffer, 4);
        AssertParam<ArgumentException>("a", () => kernels.Gemm(false, 4, 1f, buffer.AsSpan(0, 15), 4, packed, 0f, new float[64], 4));
        AssertParam<ArgumentException>("c", () => kernels.Gemm(false, 4, 1f, buffer, 4, packed, 0f, new float[15], 4));
        AssertParam<ArgumentNullException>("b", () => kernels.Gemm(false, 4, 1f, buffer, 4, null!, 0f, new float[64], 4));
    }

    [Fact]
    public void Exactly_long_enough_spans_are_accepted()
    {
        // The last row needs only n elements, not ldc: the check must not demand a full last row.
        KernelSet kernels = KernelSet.For(KernelPaths.Best);
        float[] a = [1, 2, 99, 3, 4];  // [2, 2], lda 3
        float[] b = [5, 6, 7, 8];      // [2, 2]
        float[] c = [0, 0, -1, 0, 0];  // [2, 2], ldc 3
        kernels.Gemm(false, false, 2, 2, 2, 1f, a, 3, b, 2, 0f, c, 3);
        Assert.Equal([19f, 22f, -1f, 43f, 50f], c);
    }

    private static void AssertParam<TException>(string name, Action call)
        where TException : ArgumentException
    {
        TException error = Assert.Throws<TException>(call);
        Assert.Equal(name, error.ParamName);
    }
}

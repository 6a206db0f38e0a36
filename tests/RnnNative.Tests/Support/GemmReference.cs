namespace RnnNative.Tests.Support;

/// <summary>
/// The naive GEMM/GEMV the kernels are checked against: a triple loop in double, independent of
/// the engine. Alongside each value it returns the error scale <c>|alpha| sum_p |a_ip||b_pj| + |beta c_ij|</c>
/// that a float result may be off by a small multiple of.
/// </summary>
public static class GemmReference
{
    /// <summary>Relative tolerance against the error scale: float rounding over K up to a few
    /// thousand terms (random-walk error ~ sqrt(k) * 2^-24), with margin.</summary>
    public const double Tolerance = 1e-5;

    public static (double Value, double Scale) Element(bool transA, bool transB, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float cBefore, int i, int j)
    {
        double sum = 0;
        double scale = 0;
        for (int p = 0; p < k; p++)
        {
            double x = transA ? a[p * lda + i] : a[i * lda + p];
            double y = transB ? b[j * ldb + p] : b[p * ldb + j];
            sum += x * y;
            scale += Math.Abs(x * y);
        }
        double betaTerm = beta == 0f ? 0 : (double)beta * cBefore;
        return (alpha * sum + betaTerm, Math.Abs(alpha) * scale + Math.Abs(betaTerm));
    }

    /// <summary>Asserts C[m, n] (row stride ldc) equals the reference for every element, and that
    /// the padding between rows still holds <paramref name="cBefore"/>'s values.</summary>
    public static void AssertGemm(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] cBefore, float[] c, int ldc, string label)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int index = i * ldc + j;
                if (j >= n)
                {
                    if (index < c.Length && BitConverter.SingleToInt32Bits(c[index]) != BitConverter.SingleToInt32Bits(cBefore[index]))
                    {
                        Assert.Fail($"{label}: padding C[{i},{j}] was written");
                    }
                    continue;
                }
                (double expected, double scale) = Element(transA, transB, k, alpha, a, lda, b, ldb, beta, cBefore[index], i, j);
                AssertClose(expected, scale, c[index], label, i, j);
            }
        }
    }

    /// <summary>Asserts <paramref name="actual"/> is within tolerance of element [i, j]'s reference
    /// (the message is only formatted on failure: the sweeps check millions of elements).</summary>
    public static void AssertClose(double expected, double scale, float actual, string label, int i, int j)
    {
        double error = Math.Abs(actual - expected);
        if (!(error <= Tolerance * scale + 1e-30)) // also fails on NaN
        {
            Assert.Fail($"{label} [{i},{j}] = {actual}, expected {expected} (error {error:G3}, allowed {Tolerance * scale:G3})");
        }
    }

    /// <summary>A [rows, ld] matrix of values in [-1, 1] whose padding columns (ld &gt; columns) are NaN,
    /// so a kernel that reads them fails.</summary>
    public static float[] Matrix(Random random, int rows, int columns, int ld)
    {
        float[] values = new float[Math.Max(0, rows * ld)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % ld < columns ? (float)(random.NextDouble() * 2 - 1) : float.NaN;
        }
        return values;
    }
}

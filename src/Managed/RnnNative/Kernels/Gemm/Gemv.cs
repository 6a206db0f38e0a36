using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// GEMV for one register width, <c>y = alpha * op(A) * x + beta * y</c> with A stored [m, n].
/// Memory-bound, so it reads A once, in storage order, and keeps partial sums in registers. With
/// beta = 0, y is only written. op(A) = A splits its rows over the engine's threads when A is large
/// (<see cref="GemvRows{TVec, TSimd}"/>); each y[i] is still one row's dot product, so results
/// are bit-identical for any thread count.
/// </summary>
/// <remarks>
/// A: each y[i] is a dot product of row i with x, summed in 4 vector accumulators then across
/// lanes, plus a scalar tail. A^T: each y[j] sums its column in ascending row order. Relative
/// error about (length) * 2^-24 of sum |a||x| at worst; paths differ by FMA and lane order.
/// </remarks>
internal static unsafe class Gemv<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    public static void Run(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y)
    {
        GemmArguments.CheckSize(m, nameof(m));
        GemmArguments.CheckSize(n, nameof(n));
        GemmArguments.CheckMatrix(m, n, lda, a.Length, nameof(lda), nameof(a));
        GemmArguments.CheckVector(transA ? m : n, x.Length, nameof(x));
        GemmArguments.CheckVector(transA ? n : m, y.Length, nameof(y));
        fixed (float* pa = a, px = x, py = y)
        {
            if (transA)
            {
                Transposed(m, n, alpha, pa, lda, px, beta, py);
            }
            else
            {
                GemvRows<TVec, TSimd>.Run(m, n, alpha, pa, lda, px, beta, py);
            }
        }
    }

    /// <summary>y[m] = alpha * A[m, n] x[n] + beta * y: a dot product per row.</summary>
    internal static void Straight(int m, int n, float alpha, float* a, int lda, float* x, float beta, float* y)
    {
        int w = TSimd.Count;
        for (int i = 0; i < m; i++)
        {
            float* row = a + (long)i * lda;
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            int j = 0;
            for (; j <= n - 4 * w; j += 4 * w)
            {
                s0 = TSimd.MultiplyAdd(TSimd.Load(in row[j]), TSimd.Load(in x[j]), s0);
                s1 = TSimd.MultiplyAdd(TSimd.Load(in row[j + w]), TSimd.Load(in x[j + w]), s1);
                s2 = TSimd.MultiplyAdd(TSimd.Load(in row[j + 2 * w]), TSimd.Load(in x[j + 2 * w]), s2);
                s3 = TSimd.MultiplyAdd(TSimd.Load(in row[j + 3 * w]), TSimd.Load(in x[j + 3 * w]), s3);
            }
            for (; j <= n - w; j += w)
            {
                s0 = TSimd.MultiplyAdd(TSimd.Load(in row[j]), TSimd.Load(in x[j]), s0);
            }
            float sum = TSimd.Sum(TSimd.Add(TSimd.Add(s0, s1), TSimd.Add(s2, s3)));
            for (; j < n; j++)
            {
                sum += row[j] * x[j];
            }
            y[i] = beta == 0f ? alpha * sum : alpha * sum + beta * y[i];
        }
    }

    /// <summary>y[n] = alpha * A[m, n]^T x[m] + beta * y: rows of A scaled by x[i] and summed,
    /// 4 vectors of columns at a time held in registers down all m rows.</summary>
    private static void Transposed(int m, int n, float alpha, float* a, int lda, float* x, float beta, float* y)
    {
        int w = TSimd.Count;
        int j = 0;
        for (; j <= n - 4 * w; j += 4 * w)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            float* column = a + j;
            for (int i = 0; i < m; i++, column += lda)
            {
                TVec xi = TSimd.Broadcast(x[i]);
                s0 = TSimd.MultiplyAdd(TSimd.Load(in column[0]), xi, s0);
                s1 = TSimd.MultiplyAdd(TSimd.Load(in column[w]), xi, s1);
                s2 = TSimd.MultiplyAdd(TSimd.Load(in column[2 * w]), xi, s2);
                s3 = TSimd.MultiplyAdd(TSimd.Load(in column[3 * w]), xi, s3);
            }
            Finish(s0, alpha, beta, y + j);
            Finish(s1, alpha, beta, y + j + w);
            Finish(s2, alpha, beta, y + j + 2 * w);
            Finish(s3, alpha, beta, y + j + 3 * w);
        }
        for (; j <= n - w; j += w)
        {
            TVec s = TSimd.Zero;
            float* column = a + j;
            for (int i = 0; i < m; i++, column += lda)
            {
                s = TSimd.MultiplyAdd(TSimd.Load(in column[0]), TSimd.Broadcast(x[i]), s);
            }
            Finish(s, alpha, beta, y + j);
        }
        for (; j < n; j++)
        {
            float sum = 0f;
            float* column = a + j;
            for (int i = 0; i < m; i++, column += lda)
            {
                sum += column[0] * x[i];
            }
            y[j] = beta == 0f ? alpha * sum : alpha * sum + beta * y[j];
        }
    }

    /// <summary>y[0..Count) = alpha * s + beta * y, not reading y when beta = 0.</summary>
    private static void Finish(TVec s, float alpha, float beta, float* y)
    {
        TVec scaled = TSimd.Multiply(TSimd.Broadcast(alpha), s);
        if (beta != 0f)
        {
            scaled = TSimd.Add(scaled, TSimd.Multiply(TSimd.Broadcast(beta), TSimd.Load(in y[0])));
        }
        TSimd.Store(scaled, ref y[0]);
    }
}

using RnnNative.Kernels.Gemm;

namespace RnnNative.Kernels;

public abstract partial class KernelSet
{
    /// <summary>
    /// SGEMM: <c>C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C</c>, row-major, where
    /// <c>op(X) = X</c> or <c>X^T</c>. With <paramref name="beta"/> = 0, C is only written (NaNs in
    /// it do not propagate). m, n or k may be 0 (k = 0 gives <c>C = beta * C</c>). Multithreaded;
    /// bit-identical for any thread count. C must not overlap A or B.
    /// </summary>
    /// <param name="transA">true: A is stored [k, m] and used transposed.</param>
    /// <param name="transB">true: B is stored [n, k] and used transposed.</param>
    public abstract void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);

    /// <summary>Packs op(B) [k, n] for <see cref="Gemm(bool, int, float, ReadOnlySpan{float}, int, PackedMatrix, float, Span{float}, int)"/>.
    /// Reuses the storage of <paramref name="reuse"/> when given (no allocation when it is large enough).</summary>
    public abstract PackedMatrix PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, PackedMatrix? reuse = null);

    /// <summary>SGEMM with op(B) packed beforehand by <see cref="PackB"/> of this kernel set;
    /// otherwise the same contract as the unpacked overload, with the result bit-identical to it.</summary>
    public abstract void Gemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc);

    /// <summary>GEMV: <c>y[m'] = alpha * op(A) * x + beta * y</c> where A is stored [m, n] and
    /// op(A) is A ([m, n], x has n elements, y has m) or A^T ([n, m], x has m, y has n). Single-threaded.</summary>
    public abstract void Gemv(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y);
}

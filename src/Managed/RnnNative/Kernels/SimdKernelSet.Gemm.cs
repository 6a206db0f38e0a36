using RnnNative.Kernels.Gemm;

namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Sgemm<TVec, TSimd>.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    public override PackedMatrix PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, PackedMatrix? reuse = null)
        => Sgemm<TVec, TSimd>.PackB(Path, transB, k, n, b, ldb, reuse);

    public override void Gemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc)
        => Sgemm<TVec, TSimd>.Gemm(Path, transA, m, alpha, a, lda, b, beta, c, ldc);

    public override void Gemv(bool transA, int m, int n, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> x, float beta, Span<float> y)
        => Gemv<TVec, TSimd>.Run(transA, m, n, alpha, a, lda, x, beta, y);
}

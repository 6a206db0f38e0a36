namespace RnnNative.Kernels.Gemm;

/// <summary>
/// One validated GEMM call, <c>C[M,N] = Alpha * op(A)[M,K] * op(B)[K,N] + Beta * C</c>, with its
/// operands pinned for the duration of the call, so the parallel pieces can share it.
/// </summary>
internal unsafe struct GemmProblem
{
    public bool TransA;
    public bool TransB;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public float* A;
    public int Lda;

    /// <summary>The stored B; unused when <see cref="Packed"/> is set.</summary>
    public float* B;
    public int Ldb;

    /// <summary>op(B) packed by <see cref="Sgemm{TVec, TSimd}.PackB"/>, or null to pack per block.</summary>
    public float* Packed;

    public readonly bool IsPrepacked => Packed != null;
    public float* C;
    public int Ldc;
}

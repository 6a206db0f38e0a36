using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// The SGEMM entry points of <see cref="KernelSet"/> for one register width: check the
/// arguments, pin the operands, and hand the call to <see cref="GemmWork{TVec, TSimd}"/>.
/// </summary>
/// <remarks>
/// Accuracy: each C element is a K sum in ascending k, split at multiples of KC (see
/// <see cref="GemmBlocking{TVec, TSimd}"/>); relative error about k * 2^-24 of
/// sum |a||b| at worst. Paths differ by FMA (vector paths fuse, the scalar one does not) and by
/// KC. With alpha = 0 or k = 0, A and B are not read: <c>C = beta * C</c>, as in BLAS.
/// </remarks>
internal static unsafe class Sgemm<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.CheckSize(m, nameof(m));
        GemmArguments.CheckSize(n, nameof(n));
        GemmArguments.CheckSize(k, nameof(k));
        GemmArguments.CheckMatrix(transA ? k : m, transA ? m : k, lda, a.Length, nameof(lda), nameof(a));
        GemmArguments.CheckMatrix(transB ? n : k, transB ? k : n, ldb, b.Length, nameof(ldb), nameof(b));
        GemmArguments.CheckMatrix(m, n, ldc, c.Length, nameof(ldc), nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0f)
            {
                ScaleC(m, n, beta, pc, ldc);
                return;
            }
            GemmProblem problem = new()
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
            };
            GemmWork<TVec, TSimd>.Run(in problem);
        }
    }

    public static PackedMatrix PackB(KernelPath path, bool transB, int k, int n, ReadOnlySpan<float> b, int ldb, PackedMatrix? reuse)
    {
        GemmArguments.CheckSize(k, nameof(k));
        GemmArguments.CheckSize(n, nameof(n));
        GemmArguments.CheckMatrix(transB ? n : k, transB ? k : n, ldb, b.Length, nameof(ldb), nameof(b));
        if (reuse is not null && reuse.Path != path)
        {
            throw new ArgumentException($"{nameof(reuse)} was packed by the {KernelPaths.Name(reuse.Path)} path, not {KernelPaths.Name(path)}.", nameof(reuse));
        }
        long length = GemmDriver<TVec, TSimd>.PackedLength(k, n);
        if (length > Array.MaxLength - AlignedBuffer.Slack)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"op(B) [{k}, {n}] is too large to pack.");
        }
        float[] panels = reuse is not null && reuse.Panels.Length >= length + AlignedBuffer.Slack ? reuse.Panels : AlignedBuffer.Allocate((int)length);
        fixed (float* pb = b, storage = panels)
        {
            PackBWork<TVec, TSimd>.Run(transB, pb, ldb, k, n, AlignedBuffer.Align(storage));
        }
        if (reuse is null)
        {
            return new PackedMatrix(path, k, n, panels);
        }
        reuse.Rows = k;
        reuse.Columns = n;
        reuse.Panels = panels;
        return reuse;
    }

    public static void Gemm(KernelPath path, bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda, PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (b.Path != path)
        {
            throw new ArgumentException($"{nameof(b)} was packed by the {KernelPaths.Name(b.Path)} path, not {KernelPaths.Name(path)}.", nameof(b));
        }
        int k = b.Rows;
        int n = b.Columns;
        GemmArguments.CheckSize(m, nameof(m));
        GemmArguments.CheckMatrix(transA ? k : m, transA ? m : k, lda, a.Length, nameof(lda), nameof(a));
        GemmArguments.CheckMatrix(m, n, ldc, c.Length, nameof(ldc), nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }
        fixed (float* pa = a, pc = c, storage = b.Panels)
        {
            if (k == 0 || alpha == 0f)
            {
                ScaleC(m, n, beta, pc, ldc);
                return;
            }
            GemmProblem problem = new()
            {
                TransA = transA, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, Lda = lda, Packed = AlignedBuffer.Align(storage), C = pc, Ldc = ldc,
            };
            GemmWork<TVec, TSimd>.Run(in problem);
        }
    }

    /// <summary>C[m, n] = beta * C; with beta = 0, C is only written.</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = new(c + (long)i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else
            {
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] *= beta;
                }
            }
        }
    }
}

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Gemm;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layout the microkernel streams through:
/// A panels [kc][MR] and B panels [kc][NR], consecutive panels back to back, short panels padded
/// with zeros (the padding only feeds tile entries that are never stored).
/// </summary>
internal static unsafe class GemmPacking<TVec, TSimd>
    where TVec : struct
    where TSimd : struct, ISimd<TVec>
{
    private static int MR => GemmBlocking<TVec, TSimd>.MR;

    private static int NR => GemmBlocking<TVec, TSimd>.NR;

    /// <summary>Packs op(A)[i0..i0+mc, p0..p0+kc] into ceil(mc/MR) panels [kc][MR] at <paramref name="dst"/>,
    /// where op(A)[i, p] = transA ? a[p * lda + i] : a[i * lda + p].</summary>
    public static void PackA(bool transA, float* a, int lda, int i0, int mc, int p0, int kc, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int rows = Math.Min(MR, mc - ir);
            if (transA)
            {
                // Row p of the stored A holds op(A)[i0+ir.., p]: MR contiguous floats per k step,
                // copied as one block of constant size (a vector move or two) for a whole panel.
                float* src = a + (long)p0 * lda + i0 + ir;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    float* d = dst + p * MR;
                    if (rows == MR)
                    {
                        Unsafe.CopyBlockUnaligned(d, src, (uint)(MR * sizeof(float)));
                        continue;
                    }
                    int r = 0;
                    for (; r < rows; r++)
                    {
                        d[r] = src[r];
                    }
                    for (; r < MR; r++)
                    {
                        d[r] = 0f;
                    }
                }
            }
            else
            {
                PackRowsOfA(a + (long)(i0 + ir) * lda + p0, lda, rows, kc, dst);
            }
        }
    }

    /// <summary>One A panel from <paramref name="rows"/> stored rows of length <paramref name="kc"/> (the
    /// panel's other rows are zeros): blocks of Count rows x Count k are transposed in registers into
    /// <c>tile</c> (rows rounded up to whole blocks), whose first MR floats per k are the panel's.</summary>
    [SkipLocalsInit]
    private static void PackRowsOfA(float* src, int lda, int rows, int kc, float* dst)
    {
        int n = TSimd.Count;
        int tileRows = (MR + n - 1) / n * n;
        float* tile = stackalloc float[tileRows * n];
        int p = 0;
        for (; p + n <= kc; p += n)
        {
            for (int g = 0; g < MR; g += n)
            {
                TSimd.TransposeBlock(in src[(long)g * lda + p], lda, Math.Clamp(rows - g, 0, n), ref tile[g], tileRows);
            }
            for (int q = 0; q < n; q++)
            {
                Unsafe.CopyBlockUnaligned(dst + (p + q) * MR, tile + q * tileRows, (uint)(MR * sizeof(float)));
            }
        }
        for (; p < kc; p++)
        {
            for (int r = 0; r < MR; r++)
            {
                dst[p * MR + r] = r < rows ? src[(long)r * lda + p] : 0f;
            }
        }
    }

    /// <summary>Packs op(B)[p0..p0+kc, j0..j0+nc] into ceil(nc/NR) panels [kc][NR] at <paramref name="dst"/>,
    /// where op(B)[p, j] = transB ? b[j * ldb + p] : b[p * ldb + j].</summary>
    public static void PackB(bool transB, float* b, int ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        int n = TSimd.Count;
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
        {
            int cols = Math.Min(NR, nc - jr);
            if (transB)
            {
                // Row j of the stored B holds op(B)[p0.., j]: a transpose, Count k x Count columns
                // at a time (columns past the matrix come out as zeros).
                float* src = b + (long)(j0 + jr) * ldb + p0;
                int p = 0;
                for (; p + n <= kc; p += n)
                {
                    TSimd.TransposeBlock(in src[p], ldb, Math.Min(cols, n), ref dst[p * NR], NR);
                    TSimd.TransposeBlock(in src[(long)n * ldb + p], ldb, Math.Max(cols - n, 0), ref dst[p * NR + n], NR);
                }
                for (; p < kc; p++)
                {
                    for (int col = 0; col < NR; col++)
                    {
                        dst[p * NR + col] = col < cols ? src[(long)col * ldb + p] : 0f;
                    }
                }
            }
            else
            {
                // Row p of the stored B holds the panel's NR floats of that k step: two vectors.
                float* src = b + (long)p0 * ldb + j0 + jr;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    float* d = dst + p * NR;
                    if (cols == NR)
                    {
                        TSimd.Store(TSimd.Load(in src[0]), ref d[0]);
                        TSimd.Store(TSimd.Load(in src[n]), ref d[n]);
                    }
                    else
                    {
                        int col = 0;
                        for (; col < cols; col++)
                        {
                            d[col] = src[col];
                        }
                        for (; col < NR; col++)
                        {
                            d[col] = 0f;
                        }
                    }
                }
            }
        }
    }
}

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
                // Each row of op(A) is contiguous: read it straight, write every MR-th float.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++)
                    {
                        dst[p * MR + r] = src[p];
                    }
                }
                for (int r = rows; r < MR; r++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[p * MR + r] = 0f;
                    }
                }
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
                // Row j of the stored B holds op(B)[p0.., j]. A transpose, done in steps of 16 k
                // (one cache line of each of the NR source rows, NR x 16 floats of panel) so both
                // sides stay in L1 while a whole panel (NR x KC, up to 64 KB) does not.
                float* src = b + (long)(j0 + jr) * ldb + p0;
                for (int pb = 0; pb < kc; pb += 16)
                {
                    int pEnd = Math.Min(kc, pb + 16);
                    for (int col = 0; col < cols; col++)
                    {
                        float* row = src + (long)col * ldb;
                        for (int p = pb; p < pEnd; p++)
                        {
                            dst[p * NR + col] = row[p];
                        }
                    }
                }
                for (int col = cols; col < NR; col++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[p * NR + col] = 0f;
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

using System.Runtime.Intrinsics;
using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Kernels.Simd;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// The packing of GEMM operands, element by element against its definition on every path: the
/// register transposes behind it (<see cref="ISimd{TVec}.TransposeBlock"/>) and the panels they fill,
/// including partial panels, K tails and the zero padding. GEMM results alone would not show a
/// padding element that is wrong but multiplied by zero.
/// </summary>
public class GemmPackingTests
{
    private const float Canary = -12345f;

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Transposed_block_matches_the_definition_for_every_row_count(KernelPath path) =>
        ForPath(path, new TransposeCheck());

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Packed_panels_match_the_definition(KernelPath path) =>
        ForPath(path, new PackingCheck());

    private interface IPathCheck
    {
        void Run<TVec, TSimd>()
            where TVec : struct
            where TSimd : struct, ISimd<TVec>;
    }

    private static void ForPath<TCheck>(KernelPath path, TCheck check)
        where TCheck : IPathCheck
    {
        switch (path)
        {
            case KernelPath.Scalar:
                check.Run<float, ScalarSimd>();
                break;
            case KernelPath.Vector128:
                check.Run<Vector128<float>, Simd128>();
                break;
            case KernelPath.Avx2:
                check.Run<Vector256<float>, Simd256>();
                break;
            default:
                check.Run<Vector512<float>, Simd512>();
                break;
        }
    }

    private readonly struct TransposeCheck : IPathCheck
    {
        public void Run<TVec, TSimd>()
            where TVec : struct
            where TSimd : struct, ISimd<TVec>
        {
            int n = TSimd.Count;
            int sourceStride = n + 3, destinationStride = n + 5;
            float[] source = new float[n * sourceStride];
            for (int i = 0; i < source.Length; i++)
            {
                source[i] = i + 1;
            }
            for (int rows = 0; rows <= n; rows++)
            {
                float[] destination = new float[n * destinationStride];
                Array.Fill(destination, Canary);
                TSimd.TransposeBlock(in source[0], sourceStride, rows, ref destination[0], destinationStride);
                for (int q = 0; q < n; q++)
                {
                    for (int j = 0; j < destinationStride; j++)
                    {
                        float expected = j >= n ? Canary : j < rows ? source[j * sourceStride + q] : 0f;
                        Assert.True(destination[q * destinationStride + j] == expected,
                            $"rows {rows}: column {q}, element {j} is {destination[q * destinationStride + j]}, expected {expected}");
                    }
                }
            }
        }
    }

    private readonly struct PackingCheck : IPathCheck
    {
        public unsafe void Run<TVec, TSimd>()
            where TVec : struct
            where TSimd : struct, ISimd<TVec>
        {
            int mr = GemmBlocking<TVec, TSimd>.MR, nr = GemmBlocking<TVec, TSimd>.NR, n = TSimd.Count;
            const int Rows = 90, Lead = 103;
            float[] matrix = new float[Rows * Lead];
            for (int i = 0; i < matrix.Length; i++)
            {
                matrix[i] = i + 1;
            }
            // Blocks starting inside the matrix, with whole and partial panels and K tails.
            int p0 = 3, i0 = 5, kc = 3 * n + 2;
            int mc = 2 * mr + 3, nc = nr + n + 1;
            foreach (bool transposed in new[] { false, true })
            {
                // op(M)[i, p] = transposed ? M[p, i] : M[i, p]
                float Op(int i, int p) => transposed ? matrix[p * Lead + i] : matrix[i * Lead + p];
                int panelsA = (mc + mr - 1) / mr, panelsB = (nc + nr - 1) / nr;
                float[] packedA = new float[panelsA * mr * kc + 16];
                float[] packedB = new float[panelsB * nr * kc + 16];
                Array.Fill(packedA, Canary);
                Array.Fill(packedB, Canary);
                fixed (float* m = matrix, a = packedA, b = packedB)
                {
                    GemmPacking<TVec, TSimd>.PackA(transposed, m, Lead, i0, mc, p0, kc, a);
                    // PackB reads op(B)[p, j] = transB ? M[j, p] : M[p, j]: the same matrix read the other way.
                    GemmPacking<TVec, TSimd>.PackB(!transposed, m, Lead, p0, kc, i0, nc, b);
                }
                for (int panel = 0; panel < panelsA; panel++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        for (int r = 0; r < mr; r++)
                        {
                            int i = panel * mr + r;
                            float expected = i < mc ? Op(i0 + i, p0 + p) : 0f;
                            Assert.True(packedA[(panel * kc + p) * mr + r] == expected, $"A, transposed {transposed}: panel {panel}, k {p}, row {r}");
                        }
                    }
                }
                for (int panel = 0; panel < panelsB; panel++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        for (int c = 0; c < nr; c++)
                        {
                            int j = panel * nr + c;
                            float expected = j < nc ? Op(i0 + j, p0 + p) : 0f;
                            Assert.True(packedB[(panel * kc + p) * nr + c] == expected, $"B, transposed {!transposed}: panel {panel}, k {p}, column {c}");
                        }
                    }
                }
                Assert.All(packedA.AsSpan(panelsA * mr * kc).ToArray(), value => Assert.Equal(Canary, value));
                Assert.All(packedB.AsSpan(panelsB * nr * kc).ToArray(), value => Assert.Equal(Canary, value));
            }
        }
    }
}

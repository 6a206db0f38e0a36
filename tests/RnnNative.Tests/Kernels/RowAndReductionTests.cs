using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>Bias add, bias gradient and sum of squares against straightforward double loops.</summary>
public class RowAndReductionTests
{
    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void AddRowVector_and_AccumulateColumnSums_match_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int columns in new[] { 0, 1, 3, 15, 16, 17, 63, 64, 65, 257 })
        {
            const int Rows = 5;
            float[] x0 = KernelTestData.Inputs(Rows * columns, seed: columns);
            float[] v = KernelTestData.Inputs(columns, seed: columns + 1);

            float[] x = KernelTestData.OutputWithCanary(Rows * columns);
            x0.CopyTo(x, 0);
            kernels.AddRowVector(x.AsSpan(0, Rows * columns), Rows, v);
            float[] sums = KernelTestData.OutputWithCanary(columns);
            v.CopyTo(sums, 0);
            kernels.AccumulateColumnSums(x0, Rows, sums.AsSpan(0, columns));

            for (int j = 0; j < columns; j++)
            {
                float expectedSum = v[j];
                for (int r = 0; r < Rows; r++)
                {
                    Assert.Equal(x0[r * columns + j] + v[j], x[r * columns + j]);
                    expectedSum += x0[r * columns + j];   // rows in order, as documented: bit-exact
                }
                Assert.Equal(expectedSum, sums[j]);
            }
            KernelTestData.AssertCanaryIntact(x, Rows * columns);
            KernelTestData.AssertCanaryIntact(sums, columns);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void SumOfSquares_matches_double_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths.Append(3000))
        {
            float[] x = KernelTestData.Uniform(length, length, -3f, 3f);
            double expected = 0;
            foreach (float value in x)
            {
                expected += (double)value * value;
            }
            double actual = kernels.SumOfSquares(x);
            if (!(Math.Abs(actual - expected) <= 1e-6 * expected))
            {
                Assert.Fail($"length {length}: {actual} vs {expected}");
            }
            Assert.Equal(actual, kernels.SumOfSquares(x));
        }
    }

    [Fact]
    public void Row_kernels_validate_shapes()
    {
        KernelSet kernels = KernelSet.Active;
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernels.AddRowVector(new float[11], 3, new float[4])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernels.AccumulateColumnSums(new float[11], 3, new float[4])).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.AddRowVector(new float[12], -1, new float[4])).ParamName);
    }
}

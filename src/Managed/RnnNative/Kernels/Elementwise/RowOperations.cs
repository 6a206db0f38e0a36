using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>Bias add and bias gradient: a row vector combined with each row of a matrix, row by row
/// through <see cref="ElementwiseDriver.Binary"/>.</summary>
internal static class RowOperations
{
    /// <summary><c>x[r, :] += v</c> for x [rows, v.Length].</summary>
    public static void AddRowVector<TVec, TSimd>(Span<float> x, int rows, ReadOnlySpan<float> v)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        int columns = v.Length;
        KernelArguments.AtLeast(x.Length, (long)rows * columns, nameof(x), $"[{rows}, {columns}] (rows, v.Length)");
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = x.Slice(r * columns, columns);
            ElementwiseDriver.Binary<TVec, TSimd, AddOperator>(row, v, row, default);
        }
    }

    /// <summary><c>sums[j] += Σ_r x[r, j]</c> for x [rows, sums.Length], rows added in order 0..rows-1
    /// so the result is deterministic, and identical on every path (one add per element, no reassociation).</summary>
    public static void AccumulateColumnSums<TVec, TSimd>(ReadOnlySpan<float> x, int rows, Span<float> sums)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        int columns = sums.Length;
        KernelArguments.AtLeast(x.Length, (long)rows * columns, nameof(x), $"[{rows}, {columns}] (rows, sums.Length)");
        for (int r = 0; r < rows; r++)
        {
            ElementwiseDriver.Binary<TVec, TSimd, AddOperator>(sums, x.Slice(r * columns, columns), sums, default);
        }
    }
}

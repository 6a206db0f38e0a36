namespace RnnNative.Kernels.Step;

/// <summary>
/// A row-major matrix [rows, <see cref="RowLength"/>] stored int8 with one scale per row (<see cref="Int8Quantization"/>):
/// <code>
/// A[r, k] ≈ scale_r · q[r, k]        scale_r = rowMax_r / 127
/// </code>
/// where rowMax_r is the row's largest |A[r, k]|, or a larger bound shared with other columns of the same row
/// (an int8 step matrix scales W_ih and W_hh of a row together). Quantising a dequantised matrix again with the same
/// bounds gives the same q and scales: 127 · scale_r divided by 127 rounds back to scale_r, and
/// scale_r · q divided by scale_r rounds back to q. Immutable once made.
/// </summary>
internal sealed class Int8Rows
{
    /// <summary>Wraps stored values [rows * <paramref name="rowLength"/>] and scales [rows] (a file's); not copied.</summary>
    public Int8Rows(sbyte[] values, float[] scales, int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        if (values.Length != (long)scales.Length * rowLength)
        {
            throw new ArgumentException($"expected {(long)scales.Length * rowLength} values ([{scales.Length}, {rowLength}]), got {values.Length}.", nameof(values));
        }
        Values = values;
        Scales = scales;
        RowLength = rowLength;
    }

    /// <summary>q [rows, <see cref="RowLength"/>].</summary>
    public sbyte[] Values { get; }

    /// <summary>scale_r [rows].</summary>
    public float[] Scales { get; }

    /// <summary>Columns of a row.</summary>
    public int RowLength { get; }

    /// <summary>Rows of the matrix.</summary>
    public int Rows => Scales.Length;

    /// <summary>The largest |v| of each row of <paramref name="values"/> [rows, <paramref name="rowLength"/>].</summary>
    public static float[] RowMaxima(ReadOnlySpan<float> values, int rowLength)
    {
        float[] maxima = new float[values.Length / rowLength];
        for (int r = 0; r < maxima.Length; r++) maxima[r] = Int8Quantization.MaxAbs(values.Slice(r * rowLength, rowLength));
        return maxima;
    }

    /// <summary>Quantises each row of <paramref name="values"/> with its own largest magnitude.</summary>
    public static Int8Rows Quantize(ReadOnlySpan<float> values, int rowLength) => Quantize(values, rowLength, RowMaxima(values, rowLength));

    /// <summary>Quantises row r of <paramref name="values"/> with scale rowMax_r / 127 (<paramref name="rowMax"/>[r] at least the row's largest |v|).</summary>
    public static Int8Rows Quantize(ReadOnlySpan<float> values, int rowLength, ReadOnlySpan<float> rowMax)
    {
        if (values.Length != (long)rowMax.Length * rowLength)
        {
            throw new ArgumentException($"expected {(long)rowMax.Length * rowLength} values ([{rowMax.Length}, {rowLength}]), got {values.Length}.", nameof(values));
        }
        sbyte[] q = new sbyte[values.Length];
        float[] scales = new float[rowMax.Length];
        for (int r = 0; r < scales.Length; r++)
        {
            float scale = scales[r] = Int8Quantization.Scale(rowMax[r]);
            for (int k = r * rowLength; k < (r + 1) * rowLength; k++) q[k] = Int8Quantization.Quantize(values[k], scale);
        }
        return new Int8Rows(q, scales, rowLength);
    }

    /// <summary>destination [RowLength] = scale_row · q[row].</summary>
    public void Dequantize(int row, Span<float> destination)
    {
        float scale = Scales[row];
        ReadOnlySpan<sbyte> q = Values.AsSpan(row * RowLength, RowLength);
        for (int k = 0; k < q.Length; k++) destination[k] = scale * q[k];
    }

    /// <summary>destination [Rows, RowLength] = every row dequantised.</summary>
    public void Dequantize(Span<float> destination)
    {
        for (int r = 0; r < Rows; r++) Dequantize(r, destination.Slice(r * RowLength, RowLength));
    }
}

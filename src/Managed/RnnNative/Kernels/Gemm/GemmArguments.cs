namespace RnnNative.Kernels.Gemm;

/// <summary>Argument checks shared by the GEMM and GEMV entry points, so every path rejects the
/// same calls with the same messages before any pointer is taken.</summary>
internal static class GemmArguments
{
    public static void CheckSize(int value, string name) => ArgumentOutOfRangeException.ThrowIfNegative(value, name);

    /// <summary>Checks that a row-major [<paramref name="rows"/>, <paramref name="columns"/>] matrix
    /// with leading dimension <paramref name="ld"/> fits in <paramref name="length"/> elements.</summary>
    public static void CheckMatrix(int rows, int columns, int ld, int length, string ldName, string name)
    {
        if (ld < columns)
        {
            throw new ArgumentOutOfRangeException(ldName, ld, $"The leading dimension must be at least the row length {columns}.");
        }
        long needed = rows == 0 || columns == 0 ? 0 : (long)(rows - 1) * ld + columns;
        if (length < needed)
        {
            throw new ArgumentException($"{name} has {length} elements; a [{rows}, {columns}] matrix with leading dimension {ld} needs {needed}.", name);
        }
    }

    /// <summary>Checks that a vector of <paramref name="count"/> elements fits in <paramref name="length"/>.</summary>
    public static void CheckVector(int count, int length, string name)
    {
        if (length < count)
        {
            throw new ArgumentException($"{name} has {length} elements; {count} are needed.", name);
        }
    }
}

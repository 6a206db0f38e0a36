namespace RnnNative.Datasets;

/// <summary>An array read from a .npy file (or a .npz member), widened or narrowed to float, C order.</summary>
/// <param name="Name">The array's name in error messages: the .npz member without ".npy", or the .npy file name.</param>
/// <param name="Shape">Its dimensions, outermost first.</param>
/// <param name="Data">Its elements in C (row-major) order; integers up to 2^24 are exact.</param>
/// <param name="IsInteger">Whether the file stored integers ('&lt;i4', '&lt;i8').</param>
public sealed record NpyArray(string Name, int[] Shape, float[] Data, bool IsInteger)
{
    /// <summary>The shape as NumPy prints it: "(4, 10, 2)", "(3,)".</summary>
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";

    /// <summary>The multi-dimensional index of flat element <paramref name="flat"/>: "[2, 5, 0]".</summary>
    public string IndexText(long flat)
    {
        long[] index = new long[Shape.Length];
        for (int d = Shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % Shape[d];
            flat /= Shape[d];
        }
        return $"[{string.Join(", ", index)}]";
    }
}

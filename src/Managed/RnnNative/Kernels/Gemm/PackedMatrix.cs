namespace RnnNative.Kernels.Gemm;

/// <summary>
/// op(B) of a GEMM packed into the panel layout of one kernel path, so a matrix used by many
/// GEMMs (the recurrent weights over a window of T steps) is packed once. Made by
/// <see cref="KernelSet.PackB"/>; only valid with the <see cref="KernelSet"/> that made it.
/// </summary>
public sealed class PackedMatrix
{
    internal PackedMatrix(KernelPath path, int rows, int columns, float[] panels)
    {
        Path = path;
        Rows = rows;
        Columns = columns;
        Panels = panels;
    }

    /// <summary>The path whose panel layout this is.</summary>
    public KernelPath Path { get; }

    /// <summary>k: rows of op(B).</summary>
    public int Rows { get; internal set; }

    /// <summary>n: columns of op(B).</summary>
    public int Columns { get; internal set; }

    /// <summary>The packed panels; the layout is private to the GEMM of <see cref="Path"/>.</summary>
    internal float[] Panels { get; set; }
}

using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

public abstract partial class KernelSet
{
    /// <summary>
    /// <see cref="LstmStep"/> for the B streams of <paramref name="rows"/> (cell and hidden rows) over panels
    /// [<paramref name="firstPanel"/>, + <paramref name="panelCount"/>): each weight register feeds several streams. See
    /// <see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/>.
    /// </summary>
    internal void LstmSteps(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount)
    {
        CheckSteps(a, 4, 4, rows, firstPanel, panelCount);
        CheckStateRows(a, rows, rows.Cell, nameof(rows.Cell));
        LstmStepsCore(a, rows, firstPanel, panelCount);
    }

    /// <summary><see cref="GruStep"/> for the B streams of <paramref name="rows"/> (hPrev and hidden rows; hidden overlaps neither x nor hPrev).</summary>
    internal void GruSteps(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount)
    {
        CheckSteps(a, 3, 4, rows, firstPanel, panelCount);
        if (a.Inputs < a.Units || (a.Inputs - a.Units) % StepMatrix.SectionMultiple != 0)
        {
            throw new ArgumentException($"a GRU step matrix ends with its {a.Units} h columns after an input section of a multiple of {StepMatrix.SectionMultiple} columns; it has {a.Inputs} columns.", nameof(a));
        }
        CheckStateRows(a, rows, rows.HiddenPrev, nameof(rows.HiddenPrev));
        KernelArguments.Disjoint(rows.X, rows.Hidden, nameof(rows.X), nameof(rows.Hidden));
        KernelArguments.Disjoint(rows.HiddenPrev, rows.Hidden, nameof(rows.HiddenPrev), nameof(rows.Hidden));
        GruStepsCore(a, rows, firstPanel, panelCount);
    }

    /// <summary><see cref="DenseStep"/> for the B streams of <paramref name="rows"/> (y: the hidden rows).</summary>
    internal void DenseSteps(StepMatrix a, in StreamRows rows, StepActivation activation, int firstPanel, int panelCount)
    {
        CheckSteps(a, 1, 1, rows, firstPanel, panelCount);
        DenseStepsCore(a, rows, activation, firstPanel, panelCount);
    }

    private protected abstract void LstmStepsCore(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount);

    private protected abstract void GruStepsCore(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount);

    private protected abstract void DenseStepsCore(StepMatrix a, in StreamRows rows, StepActivation activation, int firstPanel, int panelCount);

    /// <summary>The checks every batched step shares: those of a single step, whole stream groups, each stream's init row
    /// inside Init, x rows covering the stored columns, hidden rows the padded units, and x apart from hidden.</summary>
    private void CheckSteps(StepMatrix a, int gates, int initBlocks, in StreamRows rows, int firstPanel, int panelCount)
    {
        CheckStep(a, gates, initBlocks, rows.Init, rows.X, firstPanel, panelCount);
        int count = rows.Count;
        if (count % StepStreams.StreamGroup != 0)
        {
            throw new ArgumentException($"batched steps run whole groups of {StepStreams.StreamGroup} streams; got {count}.", nameof(rows));
        }
        KernelArguments.AtLeast(rows.InitRowLength, (long)a.Panels * initBlocks * a.Width, nameof(rows.InitRowLength), $"[{a.Panels}, {initBlocks}, {a.Width}] (panels, blocks, width)");
        long initRowCount = rows.Init.Length / rows.InitRowLength;
        foreach (int row in rows.InitRows)
        {
            if ((uint)row >= initRowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"an init row outside the {initRowCount} rows given.");
            }
        }
        KernelArguments.AtLeast(rows.XStride, a.Columns, nameof(rows.XStride), $"the matrix's {a.Columns} stored columns");
        if (count == 0) return;
        KernelArguments.AtLeast(rows.X.Length, (long)(count - 1) * rows.XStride + a.Columns, nameof(rows.X), $"{count} rows of {a.Columns} stored columns, {rows.XStride} apart");
        CheckStateRows(a, rows, rows.Hidden, nameof(rows.Hidden));
        KernelArguments.Disjoint(rows.X, rows.Hidden, nameof(rows.X), nameof(rows.Hidden));
    }

    /// <summary>A state buffer holds B rows of the padded units, <see cref="StreamRows.StateStride"/> apart.</summary>
    private static void CheckStateRows(StepMatrix a, in StreamRows rows, ReadOnlySpan<float> state, string name)
    {
        KernelArguments.AtLeast(rows.StateStride, a.PaddedUnits, nameof(rows.StateStride), $"{a.Panels} panels of {a.Width} units");
        if (rows.Count == 0) return;
        KernelArguments.AtLeast(state.Length, (long)(rows.Count - 1) * rows.StateStride + a.PaddedUnits, name, $"{rows.Count} rows of {a.PaddedUnits} units, {rows.StateStride} apart");
    }
}

using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

public abstract partial class KernelSet
{
    /// <summary>Floats per register on this path: the panel width of the <see cref="StepMatrix"/> it runs.</summary>
    internal abstract int StepWidth { get; }

    /// <summary>
    /// LSTM single-token step for panels [<paramref name="firstPanel"/>, + <paramref name="panelCount"/>) of
    /// <paramref name="a"/> (gates = <paramref name="init"/> + A · <paramref name="x"/>, then the cell):
    /// <paramref name="init"/> [panels, 4, W], <paramref name="x"/> [stored columns, zeros past K], <paramref name="cell"/> (in place) and
    /// <paramref name="hidden"/> [padded units]. See <see cref="StepKernels{TVec, TSimd, TFormat}.Lstm"/>.
    /// </summary>
    internal void LstmStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount)
    {
        CheckStep(a, 4, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(cell.Length, a.PaddedUnits, nameof(cell), $"{a.Panels} panels of {a.Width} units");
        KernelArguments.AtLeast(hidden.Length, a.PaddedUnits, nameof(hidden), $"{a.Panels} panels of {a.Width} units");
        LstmStepCore(a, init, x, cell, hidden, firstPanel, panelCount);
    }

    /// <summary>
    /// One-gate single-token step: <c>y = activation(init + A · x)</c> for panels [<paramref name="firstPanel"/>,
    /// + <paramref name="panelCount"/>): <paramref name="init"/> [panels, 1, W], <paramref name="x"/> [stored columns, zeros past K],
    /// <paramref name="y"/> [padded units].
    /// </summary>
    internal void DenseStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount)
    {
        CheckStep(a, 1, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(y.Length, a.PaddedUnits, nameof(y), $"{a.Panels} panels of {a.Width} units");
        DenseStepCore(a, init, x, y, activation, firstPanel, panelCount);
    }

    private protected abstract void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount);

    private protected abstract void DenseStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount);

    private void CheckStep(StepMatrix a, int gates, ReadOnlySpan<float> init, ReadOnlySpan<float> x, int firstPanel, int panelCount)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Path != Path || a.Width != StepWidth || a.Gates != gates)
        {
            throw new ArgumentException($"the step matrix was laid out for {KernelPaths.Name(a.Path)} with {a.Gates} gates; this kernel is {KernelPaths.Name(Path)} with {gates}.", nameof(a));
        }
        if (firstPanel < 0 || panelCount < 0 || firstPanel > a.Panels - panelCount)
        {
            throw new ArgumentOutOfRangeException(nameof(panelCount), $"panels [{firstPanel}, {firstPanel + panelCount}) are outside [0, {a.Panels}).");
        }
        KernelArguments.AtLeast(init.Length, (long)a.Panels * gates * a.Width, nameof(init), $"[{a.Panels}, {gates}, {a.Width}] (panels, gates, width)");
        KernelArguments.AtLeast(x.Length, a.Columns, nameof(x), $"the matrix's {a.Columns} stored columns");
    }
}

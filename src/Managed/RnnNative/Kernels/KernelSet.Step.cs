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
        CheckStep(a, 4, 4, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(cell.Length, a.PaddedUnits, nameof(cell), $"{a.Panels} panels of {a.Width} units");
        KernelArguments.AtLeast(hidden.Length, a.PaddedUnits, nameof(hidden), $"{a.Panels} panels of {a.Width} units");
        LstmStepCore(a, init, x, cell, hidden, firstPanel, panelCount);
    }

    /// <summary>
    /// GRU single-token step for panels [<paramref name="firstPanel"/>, + <paramref name="panelCount"/>) of
    /// <paramref name="a"/>, PyTorch's cell (b_hn inside the reset product):
    /// <code>
    /// r = σ(init_r + A_r·x),  z = σ(init_z + A_z·x)
    /// n = tanh(init_nx + A_n·x[input] + r ⊙ (init_nh + A_n·x[h])),  h = (1 - z) ⊙ n + z ⊙ hPrev
    /// </code>
    /// A's rows are [W_ir | W_hr], [W_iz | W_hz], [W_in | W_hn] over x = [input; h]: its last U columns
    /// are h's, the input section before them ends on a multiple of <see cref="StepMatrix.SectionMultiple"/>
    /// (zero columns, and zeros in x, pad it). <paramref name="init"/> [panels, 4, W] is
    /// [b_ir + b_hr, b_iz + b_hz, b_in, b_hn] in panel order; a first layer fed from a token table has
    /// an input section of 0 columns (A = W_hh over x = h) and starts from one table row
    /// [a_r, a_z, a_n, b_hn] (the input side with its biases, then b_hn; see
    /// <see cref="StepMatrix.ToPanelOrder(ReadOnlySpan{float}, int, Span{float})"/>).
    /// <paramref name="x"/> [stored columns, zeros past K]; <paramref name="hiddenPrev"/> and
    /// <paramref name="hidden"/> [padded units]. hidden must not overlap x or hiddenPrev (x and
    /// hiddenPrev may share memory). See <see cref="StepKernels{TVec, TSimd, TFormat}.Gru"/>.
    /// </summary>
    internal void GruStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount)
    {
        CheckStep(a, 3, 4, init, x, firstPanel, panelCount);
        if (a.Inputs < a.Units || (a.Inputs - a.Units) % StepMatrix.SectionMultiple != 0)
        {
            throw new ArgumentException($"a GRU step matrix ends with its {a.Units} h columns after an input section of a multiple of {StepMatrix.SectionMultiple} columns; it has {a.Inputs} columns.", nameof(a));
        }
        KernelArguments.AtLeast(hiddenPrev.Length, a.PaddedUnits, nameof(hiddenPrev), $"{a.Panels} panels of {a.Width} units");
        KernelArguments.AtLeast(hidden.Length, a.PaddedUnits, nameof(hidden), $"{a.Panels} panels of {a.Width} units");
        Span<float> written = hidden[..a.PaddedUnits];
        KernelArguments.Disjoint(x[..a.Columns], written, nameof(x), nameof(hidden));
        KernelArguments.Disjoint(hiddenPrev[..a.PaddedUnits], written, nameof(hiddenPrev), nameof(hidden));
        GruStepCore(a, init, x, hiddenPrev, hidden, firstPanel, panelCount);
    }

    /// <summary>
    /// One-gate single-token step: <c>y = activation(init + A · x)</c> for panels [<paramref name="firstPanel"/>,
    /// + <paramref name="panelCount"/>): <paramref name="init"/> [panels, 1, W], <paramref name="x"/> [stored columns, zeros past K],
    /// <paramref name="y"/> [padded units].
    /// </summary>
    internal void DenseStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount)
    {
        CheckStep(a, 1, 1, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(y.Length, a.PaddedUnits, nameof(y), $"{a.Panels} panels of {a.Width} units");
        DenseStepCore(a, init, x, y, activation, firstPanel, panelCount);
    }

    private protected abstract void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount);

    private protected abstract void GruStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount);

    private protected abstract void DenseStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount);

    /// <summary>The checks every step shares: <paramref name="a"/> is laid out for this path with
    /// <paramref name="gates"/> gates, <paramref name="init"/> has <paramref name="initBlocks"/> blocks
    /// per panel, the panels exist and x covers the stored columns.</summary>
    private void CheckStep(StepMatrix a, int gates, int initBlocks, ReadOnlySpan<float> init, ReadOnlySpan<float> x, int firstPanel, int panelCount)
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
        KernelArguments.AtLeast(init.Length, (long)a.Panels * initBlocks * a.Width, nameof(init), $"[{a.Panels}, {initBlocks}, {a.Width}] (panels, blocks, width)");
        KernelArguments.AtLeast(x.Length, a.Columns, nameof(x), $"the matrix's {a.Columns} stored columns");
    }
}

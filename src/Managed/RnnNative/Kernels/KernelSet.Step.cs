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
    internal void LstmStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount, bool backward = false)
    {
        CheckStep(a, 4, 4, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(cell.Length, a.PaddedUnits, nameof(cell), $"{a.Panels} panels of {a.Width} units");
        KernelArguments.AtLeast(hidden.Length, a.PaddedUnits, nameof(hidden), $"{a.Panels} panels of {a.Width} units");
        LstmStepCore(a, init, x, cell, hidden, firstPanel, panelCount, backward);
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
    internal void GruStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount, bool backward = false)
    {
        CheckStep(a, 3, 4, init, x, firstPanel, panelCount);
        CheckGruSections(a);
        KernelArguments.AtLeast(hiddenPrev.Length, a.PaddedUnits, nameof(hiddenPrev), $"{a.Panels} panels of {a.Width} units");
        KernelArguments.AtLeast(hidden.Length, a.PaddedUnits, nameof(hidden), $"{a.Panels} panels of {a.Width} units");
        Span<float> written = hidden[..a.PaddedUnits];
        KernelArguments.Disjoint(x[..a.Columns], written, nameof(x), nameof(hidden));
        KernelArguments.Disjoint(hiddenPrev[..a.PaddedUnits], written, nameof(hiddenPrev), nameof(hidden));
        GruStepCore(a, init, x, hiddenPrev, hidden, firstPanel, panelCount, backward);
    }

    /// <summary>
    /// One-gate single-token step: <c>y = activation(init + A · x)</c> for panels [<paramref name="firstPanel"/>,
    /// + <paramref name="panelCount"/>): <paramref name="init"/> [panels, 1, W], <paramref name="x"/> [stored columns, zeros past K],
    /// <paramref name="y"/> [padded units].
    /// </summary>
    internal void DenseStep(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount, bool backward = false)
    {
        CheckStep(a, 1, 1, init, x, firstPanel, panelCount);
        KernelArguments.AtLeast(y.Length, a.PaddedUnits, nameof(y), $"{a.Panels} panels of {a.Width} units");
        DenseStepCore(a, init, x, y, activation, firstPanel, panelCount, backward);
    }

    /// <summary>
    /// The sums of a single-token step without its cell: <c>init + A · x</c> for panels [<paramref name="firstPanel"/>,
    /// + <paramref name="panelCount"/>) into <paramref name="sums"/> in the starting sums' layout ([panels, 4, W] for an LSTM's
    /// i, f, g, o and a GRU's r, z, nx, nh; [panels, 1, W] for one gate), summed as <see cref="LstmStep"/>, <see cref="GruStep"/>
    /// and <see cref="DenseStep"/> sum them (by <paramref name="a"/>'s gate count). <see cref="StepFromSums"/> finishes the step.
    /// </summary>
    internal void StepSums(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> sums, int firstPanel, int panelCount, bool backward = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Gates is not (1 or 3 or 4)) throw new ArgumentException($"a step matrix has 1 (one gate), 3 (GRU) or 4 (LSTM) gates; this one has {a.Gates}.", nameof(a));
        int blocks = a.Gates == 1 ? 1 : 4;
        CheckStep(a, a.Gates, blocks, init, x, firstPanel, panelCount);
        if (a.Gates == 3) CheckGruSections(a);
        KernelArguments.AtLeast(sums.Length, (long)a.Panels * blocks * a.Width, nameof(sums), $"[{a.Panels}, {blocks}, {a.Width}] (panels, blocks, width)");
        StepSumsCore(a, init, x, sums, firstPanel, panelCount, backward);
    }

    /// <summary>
    /// The cells of <paramref name="panels"/> panels of W units from gates = <paramref name="init"/> + <paramref name="sums"/>
    /// (both [panels, blocks, W] as <see cref="StepSums"/> writes them) for a cell of <paramref name="gates"/> gates: an LSTM's
    /// (<paramref name="cell"/> in place), a GRU's (reading <paramref name="hiddenPrev"/>; n's sums nx and nh stay apart) or one
    /// gate's <paramref name="activation"/>; h into <paramref name="hidden"/> [panels * W]. Spans a cell does not read may be empty.
    /// </summary>
    internal void StepFromSums(int gates, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, StepActivation activation, int panels)
    {
        if (gates is not (1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(gates), gates, "1 (one gate), 3 (GRU) or 4 (LSTM)");
        int blocks = gates == 1 ? 1 : 4, units = panels * StepWidth;
        KernelArguments.AtLeast(init.Length, (long)units * blocks, nameof(init), $"[{panels}, {blocks}, {StepWidth}] (panels, blocks, width)");
        KernelArguments.AtLeast(sums.Length, (long)units * blocks, nameof(sums), $"[{panels}, {blocks}, {StepWidth}] (panels, blocks, width)");
        if (gates == 4) KernelArguments.AtLeast(cell.Length, units, nameof(cell), $"{panels} panels of {StepWidth} units");
        if (gates == 3) KernelArguments.AtLeast(hiddenPrev.Length, units, nameof(hiddenPrev), $"{panels} panels of {StepWidth} units");
        KernelArguments.AtLeast(hidden.Length, units, nameof(hidden), $"{panels} panels of {StepWidth} units");
        StepFromSumsCore(gates, init, sums, hiddenPrev, cell, hidden, activation, panels);
    }

    private protected abstract void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount, bool backward);

    private protected abstract void GruStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount, bool backward);

    private protected abstract void DenseStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount, bool backward);

    private protected abstract void StepSumsCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> sums, int firstPanel, int panelCount, bool backward);

    private protected abstract void StepFromSumsCore(int gates, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, StepActivation activation, int panels);

    /// <summary>A GRU step matrix's h columns come last, after an input section of whole column groups (or none).</summary>
    private static void CheckGruSections(StepMatrix a)
    {
        if (a.Inputs < a.Units || (a.Inputs - a.Units) % StepMatrix.SectionMultiple != 0)
        {
            throw new ArgumentException($"a GRU step matrix ends with its {a.Units} h columns after an input section of a multiple of {StepMatrix.SectionMultiple} columns; it has {a.Inputs} columns.", nameof(a));
        }
    }

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

using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Cells;

/// <summary>
/// How a cell's single-token step lays out one layer's weights (a <see cref="StepMatrix"/> over
/// [x; h], or over h alone when layer 0 reads a token table) and which step kernel runs them. The
/// matrix holds PyTorch's <see cref="Gates"/> gate blocks of rows [W_ih | W_hh], h's columns from
/// <see cref="HiddenColumn"/> on; the step's starting sums (<c>init</c>) hold <see cref="InitGates"/>
/// blocks of H per unit: the biases, or a token table's row of input projections with its biases.
/// </summary>
internal abstract class StepLayout
{
    /// <summary>G: gate blocks of the layer's matrix (the cell's gates).</summary>
    public abstract int Gates { get; }

    /// <summary>Blocks of H in a layer's starting sums: the gates, plus any the matrix has no rows for.</summary>
    public virtual int InitGates => Gates;

    /// <summary>True when <see cref="Run"/> reads h before the step apart from x (GRU's z ⊙ h); the caller then supplies it.</summary>
    public virtual bool ReadsPreviousHidden => false;

    /// <summary>Where h starts in x = [input; h] for a layer with <paramref name="inputs"/> inputs (0 for
    /// a token-table layer): after the input, or at the next boundary the kernel's column sections need
    /// (the positions between stay zero in x and in the matrix).</summary>
    public virtual int HiddenColumn(int inputs) => inputs;

    /// <summary>Copies W_ih [G*H, inputs] (unless <paramref name="tokenInputs"/>: then the matrix is over h
    /// alone) and W_hh [G*H, H] into <paramref name="matrix"/>, [G*H, <see cref="HiddenColumn"/> + H].</summary>
    public void Fill(StepMatrix matrix, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, int inputs, int hidden, bool tokenInputs)
    {
        // int8 scales each row over all of its columns: see both blocks before quantising either.
        if (!tokenInputs)
        {
            matrix.MeasureColumns(weightIh, inputs, inputs);
        }
        matrix.MeasureColumns(weightHh, hidden, hidden);
        if (!tokenInputs)
        {
            matrix.SetColumns(weightIh, inputs, 0, inputs);
        }
        matrix.SetColumns(weightHh, hidden, HiddenColumn(tokenInputs ? 0 : inputs), hidden);
    }

    /// <summary>The starting sums' biases [<see cref="InitGates"/> * H] from b_ih and b_hh [G*H]; a token
    /// table's rows are the input projections [G*H] (zeros after) plus these.</summary>
    public abstract void InitBias(KernelSet kernels, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> initBias);

    /// <summary>Runs panels [first, first + count) of the layer (in descending order when <paramref name="backward"/>): h from
    /// <paramref name="init"/> + A · x, <paramref name="hiddenPrev"/> (h before the step, when <see cref="ReadsPreviousHidden"/>)
    /// and <paramref name="cell"/> (updated in place, cells with a cell state).</summary>
    public abstract void Run(KernelSet kernels, StepMatrix matrix, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int first, int count, bool backward);

    /// <summary><see cref="Run"/> for all <paramref name="panels"/> panels from sums computed before (<see cref="KernelSet.StepSums"/>
    /// of this layer's matrix): h from <paramref name="init"/> + <paramref name="sums"/>.</summary>
    public abstract void RunFromSums(KernelSet kernels, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int panels);

    /// <summary><see cref="Run"/> for the B streams of <paramref name="rows"/> at once (batched steps).</summary>
    public abstract void RunStreams(KernelSet kernels, StepMatrix matrix, in StreamRows rows, int first, int count);
}

/// <summary>
/// The layout of cells whose gates are all <c>b_ih + b_hh + W_ih x + W_hh h</c> (LSTM, Elman): a matrix
/// over [x; h] with the G gates' rows, biases summed.
/// </summary>
internal sealed class SummedGatesStepLayout(int gates, StepActivation? elmanActivation) : StepLayout
{
    public override int Gates => gates;

    public override void InitBias(KernelSet kernels, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> initBias) => kernels.Add(biasIh, biasHh, initBias);

    public override void Run(KernelSet kernels, StepMatrix matrix, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int first, int count, bool backward)
    {
        if (elmanActivation is { } activation)
        {
            kernels.DenseStep(matrix, init, x, hidden, activation, first, count, backward);
        }
        else
        {
            kernels.LstmStep(matrix, init, x, cell, hidden, first, count, backward);
        }
    }

    public override void RunFromSums(KernelSet kernels, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int panels) =>
        kernels.StepFromSums(gates, init, sums, hiddenPrev, cell, hidden, elmanActivation ?? StepActivation.Identity, panels);

    public override void RunStreams(KernelSet kernels, StepMatrix matrix, in StreamRows rows, int first, int count)
    {
        if (elmanActivation is { } activation)
        {
            kernels.DenseSteps(matrix, rows, activation, first, count);
        }
        else
        {
            kernels.LstmSteps(matrix, rows, first, count);
        }
    }
}

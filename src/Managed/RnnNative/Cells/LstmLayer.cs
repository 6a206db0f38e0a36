using RnnNative.Kernels;

namespace RnnNative.Cells;

/// <summary>
/// LSTM cell, PyTorch's <c>nn.LSTM</c>, gate blocks in the order (i, f, g, o):
/// <code>
/// i = σ(gates_i), f = σ(gates_f), g = tanh(gates_g), o = σ(gates_o)
/// c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
/// </code>
/// The fused pointwise kernels (<see cref="KernelSet.LstmForwardPointwise"/> and
/// <see cref="KernelSet.LstmBackwardPointwise"/>) hold the equations of both directions; this class
/// keeps the cell states: c_0..c_T and tanh(c_1..c_T) for the backward pass, and dc flowing back.
/// </summary>
internal sealed class LstmLayer(KernelSet kernels, int inputSize, int hiddenSize, int parameterOffset, bool reverse)
    : RecurrentLayer(kernels, inputSize, hiddenSize, gateCount: 4, parameterOffset, reverse)
{
    private float[] _cell = [];        // [(T+1)*B, H]: blocks as Hidden's (forward: block 0 = c_0, block t+1 = c_t)
    private float[] _tanhCell = [];    // [T*B, H]: tanh(c_t), block t
    private float[] _dCell = [];       // [B, H]: dLoss/dc_t while step t is undone, then dLoss/dc_{t-1}

    public override ReadOnlySpan<float> FinalCell => StateRows(_cell, FinalBlock, 0, Batch);

    protected override void AllocateCellBuffers(int rows, int batch)
    {
        _cell = new float[(rows + batch) * HiddenSize];
        _tanhCell = new float[rows * HiddenSize];
        _dCell = new float[batch * HiddenSize];
    }

    protected override void SetInitialCell(ReadOnlySpan<float> initialCell)
    {
        Span<float> cell0 = StateRows(_cell, InitialBlock, 0, Batch);
        if (initialCell.IsEmpty) cell0.Clear(); else initialCell.CopyTo(cell0);
    }

    protected override void SetFinalCellGradient(ReadOnlySpan<float> dFinalCell)
    {
        Span<float> dCell = _dCell.AsSpan(0, Batch * HiddenSize);
        if (dFinalCell.IsEmpty) dCell.Clear(); else dFinalCell.CopyTo(dCell);
    }

    protected override void GetInitialCellGradient(Span<float> dInitialCell)
    {
        if (!dInitialCell.IsEmpty)
        {
            _dCell.AsSpan(0, Batch * HiddenSize).CopyTo(dInitialCell);
        }
    }

    protected override void CarryRow(int t, int row)
    {
        base.CarryRow(t, row);
        StateRows(_cell, PreviousBlock(t), row, 1).CopyTo(StateRows(_cell, NewBlock(t), row, 1));
    }

    protected override void ForwardRows(int t, int first, int count)
    {
        Kernels.LstmForwardPointwise(
            GateRows(Gates, t, first, count),
            StateRows(_cell, PreviousBlock(t), first, count),
            StateRows(_cell, NewBlock(t), first, count),
            StateRows(_tanhCell, t, first, count),
            StateRows(Hidden, NewBlock(t), first, count),
            count,
            HiddenSize);
    }

    protected override void BackwardRows(int t, int first, int count)
    {
        Kernels.LstmBackwardPointwise(
            GateRows(Gates, t, first, count),
            StateRows(_cell, PreviousBlock(t), first, count),
            StateRows(_tanhCell, t, first, count),
            StateRows(DHiddenTotal, 0, first, count),
            StateRows(_dCell, 0, first, count),
            GateRows(DGates, t, first, count),
            count,
            HiddenSize);
    }
}

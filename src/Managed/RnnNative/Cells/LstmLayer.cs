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
internal sealed class LstmLayer(KernelSet kernels, int inputSize, int hiddenSize, int parameterOffset)
    : RecurrentLayer(kernels, inputSize, hiddenSize, gateCount: 4, parameterOffset)
{
    private float[] _cell = [];        // [(T+1)*B, H]: block 0 = c_0, block t+1 = c_t
    private float[] _tanhCell = [];    // [T*B, H]: tanh(c_t), block t
    private float[] _dCell = [];       // [B, H]: dLoss/dc_t while step t is undone, then dLoss/dc_{t-1}

    public override ReadOnlySpan<float> FinalCell => _cell.AsSpan(Steps * Batch * HiddenSize, Batch * HiddenSize);

    protected override void AllocateCellBuffers(int rows, int batch)
    {
        _cell = new float[(rows + batch) * HiddenSize];
        _tanhCell = new float[rows * HiddenSize];
        _dCell = new float[batch * HiddenSize];
    }

    protected override void SetInitialCell(ReadOnlySpan<float> initialCell)
    {
        Span<float> cell0 = _cell.AsSpan(0, Batch * HiddenSize);
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

    protected override void ForwardRows(int t, int first, int count)
    {
        int stateSize = Batch * HiddenSize, rowStart = first * HiddenSize, length = count * HiddenSize;
        Kernels.LstmForwardPointwise(
            Gates.AsSpan(t * Batch * GateWidth + first * GateWidth, count * GateWidth),
            _cell.AsSpan(t * stateSize + rowStart, length),
            _cell.AsSpan((t + 1) * stateSize + rowStart, length),
            _tanhCell.AsSpan(t * stateSize + rowStart, length),
            Hidden.AsSpan((t + 1) * stateSize + rowStart, length),
            count,
            HiddenSize);
    }

    protected override void BackwardRows(int t, int first, int count)
    {
        int stateSize = Batch * HiddenSize, rowStart = first * HiddenSize, length = count * HiddenSize;
        Kernels.LstmBackwardPointwise(
            Gates.AsSpan(t * Batch * GateWidth + first * GateWidth, count * GateWidth),
            _cell.AsSpan(t * stateSize + rowStart, length),
            _tanhCell.AsSpan(t * stateSize + rowStart, length),
            DHiddenTotal.AsSpan(rowStart, length),
            _dCell.AsSpan(rowStart, length),
            DGates.AsSpan(t * Batch * GateWidth + first * GateWidth, count * GateWidth),
            count,
            HiddenSize);
    }
}

using RnnNative.Kernels;

namespace RnnNative.Cells;

/// <summary>
/// Elman cell, PyTorch's <c>nn.RNN</c>: <c>h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)</c> with f = tanh or ReLU.
/// <code>
/// forward:  h_t = f(gates_t)
/// backward: dGates_t = dh_t ⊙ f'(h_t),  tanh' = 1 - h_t²,  relu' = [h_t &gt; 0]
/// </code>
/// </summary>
internal sealed class ElmanLayer(KernelSet kernels, int inputSize, int hiddenSize, Activation activation, int parameterOffset, bool reverse)
    : RecurrentLayer(kernels, inputSize, hiddenSize, gateCount: 1, parameterOffset, reverse)
{
    // Row by row: where a kernel's vector body ends and its remainder begins then depends on H only,
    // not on how many rows a thread got, so results stay bit-identical for any thread count.
    protected override void ForwardRows(int t, int first, int count)
    {
        for (int row = first; row < first + count; row++)
        {
            ReadOnlySpan<float> gates = GateRows(Gates, t, row, 1);
            Span<float> hidden = StateRows(Hidden, NewBlock(t), row, 1);
            if (activation == Activation.Relu)
            {
                Kernels.Relu(gates, hidden);
            }
            else
            {
                Kernels.Tanh(gates, hidden);
            }
        }
    }

    protected override void BackwardRows(int t, int first, int count)
    {
        for (int row = first; row < first + count; row++)
        {
            ReadOnlySpan<float> hidden = StateRows(Hidden, NewBlock(t), row, 1);
            ReadOnlySpan<float> dHidden = StateRows(DHiddenTotal, 0, row, 1);
            Span<float> dGates = GateRows(DGates, t, row, 1);
            if (activation == Activation.Relu)
            {
                Kernels.ReluBackward(hidden, dHidden, dGates);
            }
            else
            {
                Kernels.TanhBackward(hidden, dHidden, dGates);
            }
        }
    }
}

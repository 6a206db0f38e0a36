using RnnNative.Kernels;

namespace RnnNative.Cells;

/// <summary>
/// GRU cell, PyTorch's <c>nn.GRU</c>, gate blocks in the order (r, z, n):
/// <code>
/// r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// r gates only the recurrent part of n, so the recurrent gates h · W_hhᵀ are kept apart from the input
/// gates; the input gates carry b_ih + b_hh for r and z and b_in alone for n, and b_hn joins W_hn h in
/// the pointwise step. The fused kernels (<see cref="KernelSet.GruForwardPointwise"/>,
/// <see cref="KernelSet.GruBackwardPointwise"/>) hold the equations of both directions.
/// </summary>
internal sealed class GruLayer(KernelSet kernels, int inputSize, int hiddenSize, int parameterOffset, bool reverse)
    : RecurrentLayer(kernels, inputSize, hiddenSize, gateCount: 3, parameterOffset, reverse, separateRecurrentGates: true)
{
    private readonly float[] _recurrentBiasN = new float[hiddenSize];   // b_hn of the running window

    /// <summary>[b_ir + b_hr, b_iz + b_hz, b_in]; keeps b_hn for the pointwise step.</summary>
    protected override void SumBiases(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> inputBias) =>
        SplitBiases(Kernels, biasIh, biasHh, inputBias, _recurrentBiasN);

    /// <summary>The GRU's biases as its steps use them: <paramref name="inputBias"/> [3H] = [b_ir + b_hr,
    /// b_iz + b_hz, b_in] joins the input gates, <paramref name="recurrentBiasN"/> [H] = b_hn the recurrent n gate.</summary>
    internal static void SplitBiases(KernelSet kernels, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> inputBias, Span<float> recurrentBiasN)
    {
        int rz = biasIh.Length / 3 * 2;
        kernels.Add(biasIh[..rz], biasHh[..rz], inputBias[..rz]);
        biasIh[rz..].CopyTo(inputBias[rz..]);
        biasHh[rz..].CopyTo(recurrentBiasN);
    }

    protected override void ForwardRows(int t, int first, int count) =>
        Kernels.GruForwardPointwise(
            GateRows(Gates, t, first, count),
            GateRows(RecurrentGates, t, first, count),
            _recurrentBiasN,
            StateRows(Hidden, PreviousBlock(t), first, count),
            StateRows(Hidden, NewBlock(t), first, count),
            count,
            HiddenSize);

    protected override void BackwardRows(int t, int first, int count) =>
        Kernels.GruBackwardPointwise(
            GateRows(Gates, t, first, count),
            GateRows(RecurrentGates, t, first, count),
            StateRows(Hidden, PreviousBlock(t), first, count),
            StateRows(DHiddenTotal, 0, first, count),
            GateRows(DGates, t, first, count),
            GateRows(DRecurrentGates, t, first, count),
            StateRows(DHiddenCarry, 0, first, count),
            count,
            HiddenSize);
}

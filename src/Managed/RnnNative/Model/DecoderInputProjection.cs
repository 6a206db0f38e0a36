using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>
/// The decoder stack's layer-0 input projection, with the context's part computed once per row instead of at every
/// timestep. Layer 0 reads x_t = [e_t ; c], so W_ih_l0 = [W_e | W_c] ([G*Hd, Et + C]) splits the product:
/// <code>
/// g_c            = c · W_cᵀ                           [B, G*Hd]      once per row (a decoding session keeps it per row)
/// gates_in[t,b]  = e_{t,b} · W_eᵀ + g_c[b]            [T*B, G*Hd]    (the stack adds the biases)
/// backward, dG = dLoss/d gates_in, S[b] = Σ_t dG[t,b]:
/// dW_e += dGᵀ · E,   dW_c += Sᵀ · c,   dE += dG · W_e,   dc += S · W_c
/// </code>
/// The stack runs from these projections (<see cref="RecurrentStack.ForwardGathered"/>, one table row per window row).
/// One per decoder instance; a replica gets its own over its stack.
/// </summary>
internal sealed class DecoderInputProjection(RecurrentStack stack, int embeddingSize, int contextSize)
{
    private readonly int _gateWidth = stack.Config.GateCount * stack.Config.HiddenSize;   // G*Hd
    private float[] _contextGates = [];   // [B, G*Hd]
    private float[] _inputGates = [];     // [T*B, G*Hd]
    private float[] _dContextGates = [];  // [B, G*Hd]: S
    private int[] _rowIds = [];           // 0, 1, 2, ...: window row r reads table row r

    private int InputWidth => embeddingSize + contextSize;   // Et + C: W_ih_l0's row length

    /// <summary>W_ih_l0 [G*Hd, Et + C] inside the stack's parameters or gradients: W_e is its first Et columns, W_c the rest.</summary>
    private Span<float> InputWeights(float[] vector) => vector.AsSpan(stack.Tensors[0].Offset, stack.Tensors[0].Length);

    /// <summary>g_c = c · W_cᵀ [B, G*Hd] for <paramref name="context"/> [B, C], in a buffer valid until the next call.</summary>
    public Span<float> ProjectContext(ReadOnlySpan<float> context, int batch)
    {
        Span<float> contextGates = Grow(ref _contextGates, batch * _gateWidth);
        stack.Kernels.Gemm(false, true, batch, _gateWidth, contextSize, 1f, context, contextSize, InputWeights(stack.Parameters)[embeddingSize..], InputWidth, 0f, contextGates, _gateWidth);
        return contextGates;
    }

    /// <summary>Runs the stack over T timesteps of B rows from <paramref name="embedded"/> E [T*B, Et] and
    /// <paramref name="contextGates"/> g_c [B, G*Hd]; states as <see cref="RecurrentStack.ForwardGathered"/> takes them.</summary>
    public void Forward(ReadOnlySpan<float> embedded, ReadOnlySpan<float> contextGates, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> finalHidden, Span<float> finalCell, ForwardMode mode)
    {
        int rows = timesteps * batch;
        Span<float> gates = Grow(ref _inputGates, rows * _gateWidth);
        // gates_in = E · W_eᵀ, then + g_c[b] per row
        stack.Kernels.Gemm(false, true, rows, _gateWidth, embeddingSize, 1f, embedded, embeddingSize, InputWeights(stack.Parameters), InputWidth, 0f, gates, _gateWidth);
        for (int row = 0; row < rows; row++)
        {
            Span<float> gates_r = gates.Slice(row * _gateWidth, _gateWidth);
            stack.Kernels.Add(gates_r, contextGates.Slice(row % batch * _gateWidth, _gateWidth), gates_r);
        }
        if (_rowIds.Length < rows)
        {
            _rowIds = [.. Enumerable.Range(0, rows)];
        }
        stack.ForwardGathered(gates, _rowIds.AsSpan(0, rows), timesteps, batch, initialHidden, initialCell, [], finalHidden, finalCell, mode);
    }

    /// <summary>
    /// Backpropagates <paramref name="dOutput"/> [T*B, Hd] through the stack of the last <see cref="Forward"/>, which read
    /// <paramref name="embedded"/> and <paramref name="context"/> [B, C]: adds dW_ih_l0 and every other stack gradient, adds dE to
    /// <paramref name="dEmbedded"/> [T*B, Et] and dc to <paramref name="dContext"/> [B, C], writes ds_0 (skipped when empty).
    /// </summary>
    public void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> embedded, ReadOnlySpan<float> context, int timesteps, int batch, Span<float> dEmbedded, Span<float> dContext, Span<float> dInitialHidden, Span<float> dInitialCell)
    {
        int rows = timesteps * batch;
        stack.Backward(dOutput, [], [], [], dInitialHidden, dInitialCell);
        ReadOnlySpan<float> dGates = stack.InputGateGradients;
        Span<float> dContextGates = Grow(ref _dContextGates, batch * _gateWidth);
        dContextGates.Clear();
        for (int row = 0; row < rows; row++)
        {
            Span<float> s_b = dContextGates.Slice(row % batch * _gateWidth, _gateWidth);
            stack.Kernels.Add(s_b, dGates.Slice(row * _gateWidth, _gateWidth), s_b);
        }
        Span<float> dWeights = InputWeights(stack.Gradients);
        ReadOnlySpan<float> weights = InputWeights(stack.Parameters);
        stack.Kernels.Gemm(true, false, _gateWidth, embeddingSize, rows, 1f, dGates, _gateWidth, embedded, embeddingSize, 1f, dWeights, InputWidth);
        stack.Kernels.Gemm(true, false, _gateWidth, contextSize, batch, 1f, dContextGates, _gateWidth, context, contextSize, 1f, dWeights[embeddingSize..], InputWidth);
        stack.Kernels.Gemm(false, false, rows, embeddingSize, _gateWidth, 1f, dGates, _gateWidth, weights, InputWidth, 1f, dEmbedded, embeddingSize);
        stack.Kernels.Gemm(false, false, batch, contextSize, _gateWidth, 1f, dContextGates, _gateWidth, weights[embeddingSize..], InputWidth, 1f, dContext, contextSize);
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}

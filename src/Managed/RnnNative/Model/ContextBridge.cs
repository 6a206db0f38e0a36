using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The decoder's initial hidden state from the context when the encoder's final state does not fit the decoder
/// (bidirectional encoder, other sizes or layer counts): one nn.Linear + tanh for all decoder layers,
/// <code>
/// z        = c · W_bridgeᵀ + b_bridge                       [B, Ld*Hd]
/// h_0[l]   = tanh(z[:, l*Hd .. (l+1)*Hd])                   [Ld, B, Hd]   (an LSTM's c_0 = 0)
/// dz       = (1 - h_0²) ⊙ dh_0,   dc += dz · W_bridge,  dW_bridge += dzᵀ · c,  db += Σ_b dz
/// </code>
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class ContextBridge
{
    private readonly KernelSet _kernels;
    private readonly LinearOutput _linear;   // W_bridge [Ld*Hd, C], b_bridge [Ld*Hd]
    private readonly int _layers, _hidden;   // Ld, Hd

    public ContextBridge(KernelSet kernels, int contextSize, int layers, int hidden)
        : this(kernels, new LinearOutput(kernels, layers * hidden, contextSize, dropout: 0, place: 0), layers, hidden)
    {
    }

    private ContextBridge(KernelSet kernels, LinearOutput linear, int layers, int hidden)
    {
        _kernels = kernels;
        _linear = linear;
        _layers = layers;
        _hidden = hidden;
    }

    /// <summary>"bridge" (W then b).</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => _linear.CreateBlock(version) with { Name = "bridge" };

    public IEnumerable<Memory<float>> TensorViews(bool gradients) => _linear.TensorViews(gradients);

    /// <summary>Uniform in ±1/sqrt(C), as nn.Linear.</summary>
    public void Initialize(Random random) => _linear.Initialize(random);

    /// <summary>Writes <paramref name="initialHidden"/> [Ld, B, Hd] from <paramref name="context"/> [B, C].</summary>
    public void Forward(ReadOnlySpan<float> context, int batch, Span<float> initialHidden)
    {
        _linear.Forward(context, batch, ForwardMode.Inference);
        Span<float> z = _linear.Outputs(batch);
        _kernels.Tanh(z, z);
        for (int l = 0; l < _layers; l++)
        {
            for (int b = 0; b < batch; b++)
            {
                z.Slice((b * _layers + l) * _hidden, _hidden).CopyTo(initialHidden.Slice((l * batch + b) * _hidden, _hidden));
            }
        }
    }

    /// <summary>Adds the bridge's gradients and dc to <paramref name="dContext"/> [B, C], from <paramref name="dInitialHidden"/>
    /// [Ld, B, Hd] of the last <see cref="Forward"/> over <paramref name="context"/>.</summary>
    public void Backward(ReadOnlySpan<float> context, int batch, ReadOnlySpan<float> dInitialHidden, Span<float> dContext)
    {
        // h_0 is still in the outputs; dz = (1 - h_0²) ⊙ dh_0 is written over it.
        Span<float> z = _linear.Outputs(batch);
        for (int l = 0; l < _layers; l++)
        {
            for (int b = 0; b < batch; b++)
            {
                Span<float> h0 = z.Slice((b * _layers + l) * _hidden, _hidden);
                _kernels.TanhBackward(h0, dInitialHidden.Slice((l * batch + b) * _hidden, _hidden), h0);
            }
        }
        _kernels.Add(dContext, _linear.Backward(context, batch), dContext);
    }

    public ContextBridge CreateReplica() => new(_kernels, _linear.CreateReplica(), _layers, _hidden);
}

using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model's output part over a vocabulary, PyTorch's <c>nn.Linear</c> (<see cref="LinearOutput"/>) and cross-entropy:
/// <code>
/// logits = h · W_outᵀ + b_out                                     [T*B, V]   (h dropped in training, place L)
/// loss   = Σ over T*B of -log softmax(logits)[target]             (nats)
/// dh     = dLogits · W_out,  dW_out += dLogitsᵀ · h,  db_out += Σ_rows dLogits
/// </code>
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class SoftmaxHead
{
    private readonly KernelSet _kernels;
    private readonly LinearOutput _linear;
    private readonly int _classes;

    public SoftmaxHead(KernelSet kernels, int classes, int inputs, float dropout, int place)
        : this(kernels, classes, new LinearOutput(kernels, classes, inputs, dropout, place))
    {
    }

    private SoftmaxHead(KernelSet kernels, int classes, LinearOutput linear)
    {
        _kernels = kernels;
        _classes = classes;
        _linear = linear;
    }

    /// <summary>W_out [V, H] followed by b_out [V].</summary>
    public ReadOnlySpan<float> Weights => _linear.Weights;

    /// <summary>The trainable block "decoder" (W_out then b_out), moving <paramref name="version"/>.</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => _linear.CreateBlock(version);

    /// <summary>W_out [V, H] and b_out [V] (or their gradients), in file order.</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients) => _linear.TensorViews(gradients);

    /// <summary>Uniform in ±1/sqrt(H), as nn.Linear.</summary>
    public void Initialize(Random random) => _linear.Initialize(random);

    /// <summary>The logits [rows, V] of the last <see cref="Forward"/>.</summary>
    public Span<float> Logits(int rows) => _linear.Outputs(rows);

    /// <summary>logits = h · W_outᵀ + b_out for <paramref name="input"/> h [rows, H].</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, ForwardMode mode) => _linear.Forward(input, rows, mode);

    /// <summary>The summed loss in nats of the last forward's <paramref name="targets"/> [rows], without gradients.</summary>
    public double Loss(ReadOnlySpan<int> targets, int rows) => _kernels.SoftmaxCrossEntropy(Logits(rows), rows, _classes, targets, [], 0f);

    /// <summary>The summed loss of the last forward's <paramref name="targets"/>; adds the gradient of the mean loss to
    /// the head's gradients and returns dLoss/dh [rows, H] (through the dropout: the gradient of the head's input).
    /// <paramref name="input"/>: what the last forward was given.</summary>
    public ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, out double loss)
    {
        Span<float> dLogits = Logits(rows);
        loss = _kernels.SoftmaxCrossEntropy(dLogits, rows, _classes, targets, dLogits, 1f / rows);
        return _linear.Backward(input, rows);
    }

    /// <summary>A head for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public SoftmaxHead CreateReplica() => new(_kernels, _classes, _linear.CreateReplica());
}

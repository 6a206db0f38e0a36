using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Randomness;

namespace RnnNative.Model;

/// <summary>
/// The full softmax (<see cref="SoftmaxKind.Full"/>): PyTorch's <c>nn.Linear</c> (<see cref="LinearOutput"/>) and cross-entropy:
/// <code>
/// logits = h · W_outᵀ + b_out                                     [T*B, V]   (h dropped in training, place L)
/// loss   = Σ over T*B of -log softmax(logits)[target]             (nats)
/// dh     = dLogits · W_out,  dW_out += dLogitsᵀ · h,  db_out += Σ_rows dLogits
/// </code>
/// </summary>
internal sealed class SoftmaxHead : LanguageModelHead
{
    private readonly KernelSet _kernels;
    private readonly LinearOutput _linear;
    private readonly int _classes;
    private readonly SoftmaxLossWork _loss;

    public SoftmaxHead(KernelSet kernels, int classes, int inputs, float dropout, int place)
        : this(kernels, classes, new LinearOutput(kernels, classes, inputs, dropout, place))
    {
    }

    private SoftmaxHead(KernelSet kernels, int classes, LinearOutput linear)
    {
        _kernels = kernels;
        _classes = classes;
        _linear = linear;
        _loss = new SoftmaxLossWork(kernels);
    }

    /// <summary>W_out [V, H] followed by b_out [V].</summary>
    public override ReadOnlySpan<float> WordWeights => _linear.Weights;

    public override WordClasses? Classes => null;

    /// <summary>The trainable block "decoder" (W_out then b_out).</summary>
    public override ParameterBlock CreateBlock(WeightVersion version) => _linear.CreateBlock(version);

    /// <summary>W_out [V, H] and b_out [V] (or their gradients).</summary>
    public override IEnumerable<Memory<float>> TensorViews(bool gradients) => _linear.TensorViews(gradients);

    public override void Initialize(Random random) => _linear.Initialize(random);

    /// <summary>logits = h · W_outᵀ + b_out for <paramref name="input"/> h [rows, H] (the targets are not needed).</summary>
    public override void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, ForwardMode mode) => _linear.Forward(input, rows, mode);

    public override double Loss(ReadOnlySpan<int> targets, int rows) => _loss.Run(_linear.Outputs(rows), rows, _classes, targets, gradient: false, 0f);

    public override ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, out double loss)
    {
        Span<float> dLogits = _linear.Outputs(rows);
        loss = _loss.Run(dLogits, rows, _classes, targets, gradient: true, 1f / rows);
        return _linear.Backward(input, rows);
    }

    /// <summary>The word logits are the logits.</summary>
    public override void FinishStep(ReadOnlySpan<float> hidden, Span<float> wordLogits, Span<float> logits) => wordLogits.CopyTo(logits);

    /// <summary>All V logits per row (there is no cheaper way), each row drawn from softmax(logits / temperature).</summary>
    public override void Sample(ReadOnlySpan<float> input, int rows, ReadOnlySpan<float> temperatures, ReadOnlySpan<SeededRandom> randoms, Span<int> next)
    {
        _linear.Forward(input, rows, ForwardMode.Inference);
        Span<float> logits = _linear.Outputs(rows);
        for (int row = 0; row < rows; row++)
        {
            next[row] = CategoricalDraw.FromLogits(_kernels, logits.Slice(row * _classes, _classes), temperatures[row], randoms[row]);
        }
    }

    public override LanguageModelHead CreateReplica() => new SoftmaxHead(_kernels, _classes, _linear.CreateReplica());
}

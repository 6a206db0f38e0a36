using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model's output part over a vocabulary, PyTorch's <c>nn.Linear</c> and cross-entropy:
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
    private readonly float[] _weights;     // W_out [V, H] then b_out [V]
    private readonly float[] _gradients;   // same layout; empty in a replica
    private readonly Dropout _dropout;     // h before the output layer in training (place L)
    private readonly int _classes, _inputs, _place;
    private float[] _logits = [];          // [T*B, V]: logits, then dLogits after a backward
    private float[] _dInput = [];          // [T*B, H]

    public SoftmaxHead(KernelSet kernels, int classes, int inputs, float dropout, int place)
        : this(kernels, classes, inputs, dropout, place, new float[classes * (inputs + 1)], replica: false)
    {
    }

    private SoftmaxHead(KernelSet kernels, int classes, int inputs, float dropout, int place, float[] weights, bool replica)
    {
        _kernels = kernels;
        _classes = classes;
        _inputs = inputs;
        _place = place;
        _weights = weights;
        _gradients = replica ? [] : new float[weights.Length];
        _dropout = new Dropout(kernels, dropout, place);
    }

    /// <summary>W_out [V, H] followed by b_out [V].</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The trainable block "decoder" (W_out then b_out), moving <paramref name="version"/>.</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => new("decoder", _weights, _gradients) { Version = version };

    /// <summary>W_out [V, H] and b_out [V] (or their gradients), in file order.</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] vector = gradients ? _gradients : _weights;
        return [vector.AsMemory(0, _classes * _inputs), vector.AsMemory(_classes * _inputs)];
    }

    /// <summary>Uniform in ±1/sqrt(H), as nn.Linear.</summary>
    public void Initialize(Random random)
    {
        float bound = 1f / MathF.Sqrt(_inputs);
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    /// <summary>The logits [rows, V] of the last <see cref="Forward"/>.</summary>
    public Span<float> Logits(int rows) => _logits.AsSpan(0, rows * _classes);

    /// <summary>logits = h · W_outᵀ + b_out for <paramref name="input"/> h [rows, H].</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, ForwardMode mode)
    {
        if (_logits.Length < rows * _classes)
        {
            _logits = new float[rows * _classes];
            _dInput = _gradients.Length == 0 ? [] : new float[rows * _inputs];
        }
        _dropout.Forward(input, rows, mode);
        ReadOnlySpan<float> h = Read(input, rows);
        Span<float> logits = Logits(rows);
        ReadOnlySpan<float> weightOut = _weights.AsSpan(0, _classes * _inputs);
        if (rows == 1)
        {
            // One token of one stream: GEMV, without packing W_out (see RecurrentLayer.Forward).
            _kernels.Gemv(false, _classes, _inputs, 1f, weightOut, _inputs, h, 0f, logits);
        }
        else
        {
            _kernels.Gemm(false, true, rows, _classes, _inputs, 1f, h, _inputs, weightOut, _inputs, 0f, logits, _classes);
        }
        _kernels.AddRowVector(logits, rows, _weights.AsSpan(_classes * _inputs, _classes));
    }

    /// <summary>The summed loss in nats of the last forward's <paramref name="targets"/> [rows], without gradients.</summary>
    public double Loss(ReadOnlySpan<int> targets, int rows) => _kernels.SoftmaxCrossEntropy(Logits(rows), rows, _classes, targets, [], 0f);

    /// <summary>The summed loss of the last forward's <paramref name="targets"/>; adds the gradient of the mean loss to
    /// the head's gradients and returns dLoss/dh [rows, H] (through the dropout: the gradient of the head's input).
    /// <paramref name="input"/>: what the last forward was given.</summary>
    public ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, out double loss)
    {
        Span<float> dLogits = Logits(rows);
        loss = _kernels.SoftmaxCrossEntropy(dLogits, rows, _classes, targets, dLogits, 1f / rows);
        ReadOnlySpan<float> h = Read(input, rows);
        _kernels.Gemm(true, false, _classes, _inputs, rows, 1f, dLogits, _classes, h, _inputs, 1f, _gradients.AsSpan(0, _classes * _inputs), _inputs);
        _kernels.AccumulateColumnSums(dLogits, rows, _gradients.AsSpan(_classes * _inputs, _classes));
        Span<float> dInput = _dInput.AsSpan(0, rows * _inputs);
        _kernels.Gemm(false, false, rows, _inputs, _classes, 1f, dLogits, _classes, _weights.AsSpan(0, _classes * _inputs), _inputs, 0f, dInput, _inputs);
        _dropout.Backward(dInput, rows);
        return dInput;
    }

    /// <summary>What the output layer read in the last forward [rows, H]: its input, dropped in training.</summary>
    private ReadOnlySpan<float> Read(ReadOnlySpan<float> input, int rows) => _dropout.Active ? _dropout.Output.AsSpan(0, rows * _inputs) : input;

    /// <summary>A head for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public SoftmaxHead CreateReplica() => new(_kernels, _classes, _inputs, _dropout.Probability, _place, _weights, replica: true);
}

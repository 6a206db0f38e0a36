using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model's output layer, PyTorch's <c>nn.Linear</c> with inverted dropout on its input in training:
/// <code>
/// y  = x · Wᵀ + b                                     [rows, C]   (x [rows, I] dropped in training, at its place)
/// dx = dy · W,  dW += dyᵀ · x,  db += Σ_rows dy
/// </code>
/// The loss above it writes dy over y in place (<see cref="Outputs"/>) before <see cref="Backward"/>.
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class LinearOutput
{
    private readonly KernelSet _kernels;
    private readonly float[] _weights;     // W [C, I] then b [C]
    private readonly float[] _gradients;   // same layout; empty in a replica
    private readonly Dropout _dropout;     // x in training
    private readonly int _outputs, _inputs, _place;
    private float[] _y = [];               // [rows, C]: outputs, then dy after the loss's backward
    private float[] _dInput = [];          // [rows, I]

    public LinearOutput(KernelSet kernels, int outputs, int inputs, float dropout, int place)
        : this(kernels, outputs, inputs, dropout, place, new float[outputs * (inputs + 1)], replica: false)
    {
    }

    private LinearOutput(KernelSet kernels, int outputs, int inputs, float dropout, int place, float[] weights, bool replica)
    {
        _kernels = kernels;
        _outputs = outputs;
        _inputs = inputs;
        _place = place;
        _weights = weights;
        _gradients = replica ? [] : new float[weights.Length];
        _dropout = new Dropout(kernels, dropout, place);
    }

    /// <summary>W [C, I] followed by b [C].</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The trainable block "decoder" (W then b), moving <paramref name="version"/>.</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => new("decoder", _weights, _gradients) { Version = version };

    /// <summary>W [C, I] and b [C] (or their gradients), in file order.</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] vector = gradients ? _gradients : _weights;
        return [vector.AsMemory(0, _outputs * _inputs), vector.AsMemory(_outputs * _inputs)];
    }

    /// <summary>Uniform in ±1/sqrt(I), as nn.Linear.</summary>
    public void Initialize(Random random)
    {
        float bound = 1f / MathF.Sqrt(_inputs);
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    /// <summary>The outputs y [rows, C] of the last <see cref="Forward"/> (dy once the loss wrote it).</summary>
    public Span<float> Outputs(int rows) => _y.AsSpan(0, rows * _outputs);

    /// <summary>y = x · Wᵀ + b for <paramref name="input"/> x [rows, I].</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, ForwardMode mode)
    {
        if (_y.Length < rows * _outputs)
        {
            _y = new float[rows * _outputs];
            _dInput = _gradients.Length == 0 ? [] : new float[rows * _inputs];
        }
        _dropout.Forward(input, rows, mode);
        ReadOnlySpan<float> x = Read(input, rows);
        Span<float> y = Outputs(rows);
        ReadOnlySpan<float> weight = _weights.AsSpan(0, _outputs * _inputs);
        if (rows == 1)
        {
            // One token of one stream: GEMV, without packing W (see RecurrentLayer.Forward).
            _kernels.Gemv(false, _outputs, _inputs, 1f, weight, _inputs, x, 0f, y);
        }
        else
        {
            _kernels.Gemm(false, true, rows, _outputs, _inputs, 1f, x, _inputs, weight, _inputs, 0f, y, _outputs);
        }
        _kernels.AddRowVector(y, rows, _weights.AsSpan(_outputs * _inputs, _outputs));
    }

    /// <summary>With dy in <see cref="Outputs"/>: adds dW and db to the gradients and returns dLoss/dx [rows, I] (through
    /// the dropout: the gradient of the layer's input). <paramref name="input"/>: what the last forward was given.</summary>
    public ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, int rows)
    {
        ReadOnlySpan<float> dy = Outputs(rows);
        ReadOnlySpan<float> x = Read(input, rows);
        _kernels.Gemm(true, false, _outputs, _inputs, rows, 1f, dy, _outputs, x, _inputs, 1f, _gradients.AsSpan(0, _outputs * _inputs), _inputs);
        _kernels.AccumulateColumnSums(dy, rows, _gradients.AsSpan(_outputs * _inputs, _outputs));
        Span<float> dInput = _dInput.AsSpan(0, rows * _inputs);
        _kernels.Gemm(false, false, rows, _inputs, _outputs, 1f, dy, _outputs, _weights.AsSpan(0, _outputs * _inputs), _inputs, 0f, dInput, _inputs);
        _dropout.Backward(dInput, rows);
        return dInput;
    }

    /// <summary>What the layer read in the last forward [rows, I]: its input, dropped in training.</summary>
    private ReadOnlySpan<float> Read(ReadOnlySpan<float> input, int rows) => _dropout.Active ? _dropout.Output.AsSpan(0, rows * _inputs) : input;

    /// <summary>A layer for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public LinearOutput CreateReplica() => new(_kernels, _outputs, _inputs, _dropout.Probability, _place, _weights, replica: true);
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The head of a tagger, classifier or regressor over the stack's outputs [T*B, D*H]: a linear layer
/// (<see cref="LinearOutput"/>, "decoder") over every timestep or over one pooled vector per sequence
/// (<see cref="OutputPooling"/>), then the loss, as PyTorch's <c>CrossEntropyLoss(ignore_index=-1)</c> or <c>MSELoss</c>:
/// <code>
/// x      = out [T*B, D*H] (tagger, per-step regressor)  or  pool(out) [B, D*H] (classifier, regressor at the end)
/// y      = x · W_outᵀ + b_out                                   [rows, C]
/// loss   = Σ_valid rows -log softmax(y)[target]                 (tagger, classifier; padding rows ignored)
///        = Σ_valid rows Σ_o (y_o - value_o)²                    (regressor)
/// dy     = (softmax(y) - onehot(target)) / N   or   2 (y - value) / N,   0 at padding  (N = the model's LossTerms)
/// </code>
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class SequenceHead
{
    private readonly KernelSet _kernels;
    private readonly LinearOutput _linear;
    private readonly SequencePooling? _pooling;   // null: the head reads every timestep
    private readonly bool _regression;
    private readonly int _outputs, _hidden, _directions;
    private float[] _pooled = [];    // [B, D*H]
    private float[] _dOutput = [];   // [T*B, D*H]: a pooled head's gradient spread back over the timesteps

    public SequenceHead(SequenceModelConfig config, KernelSet kernels)
        : this(config, kernels, new LinearOutput(kernels, config.Outputs, config.Recurrent.OutputSize, config.Dropout, place: config.Layers))
    {
    }

    private SequenceHead(SequenceModelConfig config, KernelSet kernels, LinearOutput linear)
    {
        _kernels = kernels;
        _linear = linear;
        _pooling = config.HeadPerTimestep ? null : config.Pooling;
        _regression = config.Kind == ModelKind.Regressor;
        _outputs = config.Outputs;
        _hidden = config.HiddenSize;
        _directions = config.Recurrent.Directions;
    }

    private int Width => _hidden * _directions;

    /// <summary>The trainable block "decoder" (W_out then b_out), moving <paramref name="version"/>.</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => _linear.CreateBlock(version);

    /// <summary>W_out [C, D*H] and b_out [C] (or their gradients), in file order.</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients) => _linear.TensorViews(gradients);

    /// <summary>Uniform in ±1/sqrt(D*H), as nn.Linear.</summary>
    public void Initialize(Random random) => _linear.Initialize(random);

    /// <summary>Rows the linear layer reads: T*B, or B when it pools.</summary>
    public int Rows(SequenceBatch batch) => _pooling is null ? batch.Timesteps * batch.Batch : batch.Batch;

    /// <summary>What the mean loss divides by: the valid rows (Positions or B), times O for a regressor.</summary>
    public int LossTerms(SequenceBatch batch) => (_pooling is null ? batch.Positions : batch.Batch) * (_regression ? _outputs : 1);

    /// <summary>y for the stack's <paramref name="output"/> [T*B, D*H] of <paramref name="batch"/>.</summary>
    public void Forward(ReadOnlySpan<float> output, SequenceBatch batch, ForwardMode mode) => _linear.Forward(Input(output, batch), Rows(batch), mode);

    /// <summary>The summed loss of the last forward, without gradients.</summary>
    public double Loss(SequenceBatch batch) => Loss(batch, gradients: false, 0f);

    /// <summary>The summed loss of the last forward; adds the gradient of the mean over <paramref name="lossTerms"/> to the head's
    /// gradients and returns dLoss/dOutput [T*B, D*H], zero at padding. <paramref name="output"/>: what the last forward was given.</summary>
    public ReadOnlySpan<float> Backward(ReadOnlySpan<float> output, SequenceBatch batch, int lossTerms, out double loss)
    {
        loss = Loss(batch, gradients: true, 1f / lossTerms);
        ReadOnlySpan<float> dInput = _linear.Backward(Input(output, batch), Rows(batch));
        if (_pooling is not SequencePooling pooling)
        {
            return dInput;   // dy is 0 at padding rows, so dx is too
        }
        int rows = batch.Timesteps * batch.Batch;
        if (_dOutput.Length < rows * Width) _dOutput = new float[rows * Width];
        Span<float> dOutput = _dOutput.AsSpan(0, rows * Width);
        OutputPooling.Backward(_kernels, pooling, dInput, batch.Lengths, _hidden, _directions, dOutput);
        return dOutput;
    }

    /// <summary>The last forward's predictions: probabilities (softmax of y) or values, [rows, C]; zeros at padding rows.</summary>
    public void Predict(SequenceBatch batch, Span<float> predictions)
    {
        int rows = Rows(batch);
        ReadOnlySpan<float> y = _linear.Outputs(rows);
        for (int row = 0; row < rows; row++)
        {
            Span<float> prediction = predictions.Slice(row * _outputs, _outputs);
            if (!IsValid(batch, row))
            {
                prediction.Clear();
            }
            else if (_regression)
            {
                y.Slice(row * _outputs, _outputs).CopyTo(prediction);
            }
            else
            {
                _kernels.Softmax(y.Slice(row * _outputs, _outputs), prediction);
            }
        }
    }

    /// <summary>The linear layer's input: the outputs themselves, or their pooled rows [B, D*H] (computed here).</summary>
    private ReadOnlySpan<float> Input(ReadOnlySpan<float> output, SequenceBatch batch)
    {
        if (_pooling is not SequencePooling pooling)
        {
            return output;
        }
        int length = batch.Batch * Width;
        if (_pooled.Length < length) _pooled = new float[length];
        Span<float> pooled = _pooled.AsSpan(0, length);
        OutputPooling.Forward(_kernels, pooling, output, batch.Lengths, _hidden, _directions, pooled);
        return pooled;
    }

    /// <summary>False for a padding row (timestep t ≥ the sequence's length) of a head that reads every timestep.</summary>
    private bool IsValid(SequenceBatch batch, int row) => _pooling is not null || row / batch.Batch < batch.Lengths[row % batch.Batch];

    /// <summary>The summed loss of the last forward; with <paramref name="gradients"/>, writes dy = <paramref name="scale"/> · dLoss/dy over y.</summary>
    private double Loss(SequenceBatch batch, bool gradients, float scale)
    {
        int rows = Rows(batch);
        Span<float> y = _linear.Outputs(rows);
        if (!_regression)
        {
            // Padding rows carry IgnoreTarget (checked by the model): no loss, dy = 0.
            return _kernels.SoftmaxCrossEntropy(y, rows, _outputs, _pooling is null ? batch.StepTargets : batch.Targets, gradients ? y : [], scale);
        }
        // loss = Σ (y - v)², accumulated in double; dy = scale · 2 (y - v), 0 at padding
        ReadOnlySpan<float> values = batch.Values;
        double loss = 0;
        for (int row = 0; row < rows; row++)
        {
            Span<float> y_r = y.Slice(row * _outputs, _outputs);
            bool valid = IsValid(batch, row);
            for (int o = 0; o < _outputs; o++)
            {
                float error = y_r[o] - values[row * _outputs + o];
                if (valid) loss += (double)error * error;
                if (gradients) y_r[o] = valid ? scale * 2f * error : 0f;
            }
        }
        return loss;
    }

    /// <summary>A head for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public SequenceHead CreateReplica(SequenceModelConfig config) => new(config, _kernels, _linear.CreateReplica());
}

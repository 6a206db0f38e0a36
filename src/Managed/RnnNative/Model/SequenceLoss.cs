using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The loss of a tagger, classifier or regressor over the rows y [rows, C] its body computed (every timestep's, or one
/// pooled row per sequence), as PyTorch's <c>CrossEntropyLoss(ignore_index=-1)</c> or <c>MSELoss</c>, and its predictions:
/// <code>
/// loss   = Σ_valid rows -log softmax(y)[target]                 (tagger, classifier; padding rows ignored)
///        = Σ_valid rows Σ_o (y_o - value_o)²                    (regressor)
/// dy     = (softmax(y) - onehot(target)) / N   or   2 (y - value) / N,   0 at padding  (N = <see cref="LossTerms"/>)
/// </code>
/// Stateless apart from its config; shared by a model and its replicas.
/// </summary>
internal sealed class SequenceLoss(SequenceModelConfig config, KernelSet kernels)
{
    private readonly bool _perTimestep = config.HeadPerTimestep;
    private readonly bool _regression = config.Kind == ModelKind.Regressor;
    private readonly int _outputs = config.Outputs;

    /// <summary>Rows of y: T*B for a model that predicts at every timestep, else B.</summary>
    public int Rows(SequenceBatch batch) => _perTimestep ? batch.Timesteps * batch.Batch : batch.Batch;

    /// <summary>What the mean loss divides by: the valid rows (Positions or B), times O for a regressor.</summary>
    public int LossTerms(SequenceBatch batch) => (_perTimestep ? batch.Positions : batch.Batch) * (_regression ? _outputs : 1);

    /// <summary>The summed loss of <paramref name="y"/> [rows, C]; with <paramref name="gradients"/>, overwrites y with
    /// dy = <paramref name="scale"/> · dLoss/dy (0 at padding rows).</summary>
    public double Loss(Span<float> y, SequenceBatch batch, bool gradients, float scale)
    {
        int rows = Rows(batch);
        if (!_regression)
        {
            // Padding rows carry IgnoreTarget (checked by the model): no loss, dy = 0.
            return kernels.SoftmaxCrossEntropy(y, rows, _outputs, _perTimestep ? batch.StepTargets : batch.Targets, gradients ? y : [], scale);
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

    /// <summary>The predictions of <paramref name="y"/> [rows, C]: probabilities (softmax of y) or values; zeros at padding rows.</summary>
    public void Predict(ReadOnlySpan<float> y, SequenceBatch batch, Span<float> predictions)
    {
        int rows = Rows(batch);
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
                kernels.Softmax(y.Slice(row * _outputs, _outputs), prediction);
            }
        }
    }

    /// <summary>False for a padding row (timestep t ≥ the sequence's length) of a model that predicts at every timestep.</summary>
    private bool IsValid(SequenceBatch batch, int row) => !_perTimestep || row / batch.Batch < batch.Lengths[row % batch.Batch];
}

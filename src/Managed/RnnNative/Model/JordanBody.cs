using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The body of a Jordan network (<see cref="JordanLayer"/>): the input part's rows go to the one recurrent layer, which
/// feeds back its own output y_{t-1} and so owns the output layer ("decoder"); the loss reads its logits z at every
/// timestep or over one pooled row per sequence (<see cref="PooledRows"/>, pooling z over O features):
/// <code>
/// h_t  = f(W_ih x_t + W_yh y_{t-1} + b),   z_t = W_out h_t + b_out,   y_t = g(z_t),   y_0 = 0    [T*B, O]
/// g    = softmax (tagger, classifier: the probabilities fed back) or identity (regressor)
/// rows = z [T*B, O] (tagger, per-step regressor), z at each sequence's last timestep (Last) or the mean of z
///        over its timesteps (Mean) [B, O]
/// </code>
/// The loss's softmax of a row of z is the y the layer fed back (the same kernel on the same logits), so a tagger's and a
/// Last classifier's predicted probabilities are the network's own outputs. Dropout acts on an embedding input only:
/// the layer has no other non-recurrent input to drop.
/// </summary>
internal sealed class JordanBody : SequenceBody
{
    private readonly JordanLayer _layer;
    private readonly InputPart _input;
    private readonly PooledRows _rows;
    private float[] _y = [];   // [rows, O]: the rows of z the loss reads, then dy
    private int _length;       // rows * O of the last forward

    public JordanBody(SequenceModelConfig config, KernelSet kernels)
    {
        _layer = new JordanLayer(config.Recurrent.InputSize, config.HiddenSize, config.Outputs, config.Activation,
            config.Kind == ModelKind.Regressor ? JordanOutput.Identity : JordanOutput.Softmax, kernels);
        _input = InputPart.Create(config, stack: null, kernels);
        _rows = new PooledRows(config, kernels, config.Outputs, directions: 1);
    }

    private JordanBody(JordanBody source)
    {
        _layer = source._layer.CreateInferenceReplica();
        _input = source._input.CreateReplica(replicaStack: null);
        _rows = source._rows.CreateReplica();
    }

    public override InputPart Input => _input;

    /// <summary>The input part's, then "jordan": the layer's one vector, <c>rnn.*</c> then <c>decoder.*</c>.</summary>
    public override IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) =>
        [.. _input.CreateBlocks(version), new ParameterBlock("jordan", _layer.Parameters, _layer.Gradients) { Version = version }];

    public override IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] layer = gradients ? _layer.Gradients : _layer.Parameters;
        return [.. _input.TensorViews(gradients), .. _layer.Tensors.Select(tensor => layer.AsMemory(tensor.Offset, tensor.Length))];
    }

    /// <summary>The input part, then every weight of the layer uniform in ±1/sqrt(H) (<see cref="JordanLayer.Initialize"/>).</summary>
    public override void Initialize(Random random)
    {
        _input.Initialize(random);
        _layer.Initialize(random);
    }

    public override Span<float> Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode)
    {
        _layer.Forward(_input.Rows(batch, mode), batch.Timesteps, batch.Batch, lengths);
        // A copy of the rows, because the loss writes dy over them and the layer's logits stay its own.
        ReadOnlySpan<float> rows = _rows.Forward(_layer.Logits, batch);
        _length = rows.Length;
        if (_y.Length < _length) _y = new float[_length];
        rows.CopyTo(_y);
        return _y.AsSpan(0, _length);
    }

    public override void Backward(SequenceBatch batch)
    {
        // dz [T*B, O]: dy itself, or spread from the pooled rows; 0 at padding (a Last row's gradient sits at the sequence's last timestep).
        ReadOnlySpan<float> dLogits = _rows.Backward(_y.AsSpan(0, _length), batch);
        _layer.Backward(dLogits, _input.RowGradients(batch.Timesteps * batch.Batch));
        _input.BackwardRows(batch);
    }

    public override SequenceBody CreateReplica() => new JordanBody(this);
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// The body of a stack cell (Elman, LSTM, GRU): the input part feeds the recurrent stack, whose outputs go to a linear
/// layer ("decoder", <see cref="LinearOutput"/>) at every timestep or over one pooled row per sequence (<see cref="PooledRows"/>):
/// <code>
/// out  = stack(x_1..x_len) from a zero state        [T*B, D*H]
/// y    = rows(out) · W_outᵀ + b_out                 [T*B, C] or [B, C]   (rows: out itself, or pooled [B, D*H])
/// </code>
/// </summary>
internal sealed class StackBody : SequenceBody
{
    private readonly RecurrentStack _stack;
    private readonly InputPart _input;
    private readonly PooledRows _rows;
    private readonly LinearOutput _linear;
    private readonly int _width;   // D*H

    public StackBody(SequenceModelConfig config, KernelSet kernels)
    {
        _stack = new RecurrentStack(config.Recurrent, kernels);
        _input = InputPart.Create(config, _stack, kernels);
        _width = config.Recurrent.OutputSize;
        _rows = new PooledRows(config, kernels, _width, config.Recurrent.Directions);
        _linear = new LinearOutput(kernels, config.Outputs, _width, config.Dropout, place: config.Layers);
    }

    private StackBody(StackBody source)
    {
        _stack = source._stack.CreateInferenceReplica();
        _input = source._input.CreateReplica(_stack);
        _width = source._width;
        _rows = source._rows.CreateReplica();
        _linear = source._linear.CreateReplica();
    }

    public override InputPart Input => _input;

    /// <summary>The input part's, "rnn" (the stack), "decoder" (W_out then b_out).</summary>
    public override IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) =>
        [.. _input.CreateBlocks(version), new ParameterBlock("rnn", _stack.Parameters, _stack.Gradients) { Version = version }, _linear.CreateBlock(version)];

    public override IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] stack = gradients ? _stack.Gradients : _stack.Parameters;
        return [.. _input.TensorViews(gradients), .. _stack.Tensors.Select(tensor => stack.AsMemory(tensor.Offset, tensor.Length)), .. _linear.TensorViews(gradients)];
    }

    /// <summary>The input part, the stack as its config says, the decoder uniform in ±1/sqrt(D*H) as nn.Linear.</summary>
    public override void Initialize(Random random)
    {
        _input.Initialize(random);
        _stack.Initialize(random);
        _linear.Initialize(random);
    }

    public override Span<float> Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode)
    {
        _input.Forward(batch, lengths, mode);
        ReadOnlySpan<float> rows = _rows.Forward(_stack.Output, batch);
        _linear.Forward(rows, rows.Length / _width, mode);
        return _linear.Outputs(rows.Length / _width);
    }

    public override void Backward(SequenceBatch batch)
    {
        // The rows the decoder read: the stack's output, or its pooled rows again (B rows, cheap to redo).
        ReadOnlySpan<float> rows = _rows.Forward(_stack.Output, batch);
        ReadOnlySpan<float> dRows = _linear.Backward(rows, rows.Length / _width);
        _input.Backward(batch, _rows.Backward(dRows, batch));   // dy is 0 at padding rows, so dOutput is too
    }

    public override SequenceBody CreateReplica() => new StackBody(this);
}

using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// An encoder-decoder's encoder: the source embedding feeds the encoder stack, run from a zero state over each source's
/// own length; what the decoder gets is the final state of every layer and the context c, the top layer's final hidden
/// state of each direction side by side:
/// <code>
/// x_t   = embedding_src[token_t]                                  [Ts*B, Es]   (dropped in training, place 0)
/// h_n   = stack(x_1..x_len) final state, per layer and direction  [Le*D, B, He]  (forward after len, backward after t = 0)
/// c     = [h_n[top, forward] ; h_n[top, backward]]                [B, C = D*He]
/// </code>
/// The outputs of every timestep are not used, so the backward pass enters through the final state only (dOutput = 0).
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class Seq2SeqEncoder
{
    private readonly EmbeddingInput _input;
    private readonly int _hidden, _directions, _topSlot;   // He, D, (Le-1)*D: the first state slot of the top layer
    private RecurrentState? _state;          // [Le*D, B, He]: zero before a forward, the final state after it
    private float[] _context = [];           // [B, C]
    private float[] _dFinalHidden = [];      // [Le*D, B, He]
    private float[] _zeroOutputGradient = [];   // [Ts*B, D*He]: the outputs reach no loss

    public Seq2SeqEncoder(Seq2SeqConfig config, KernelSet kernels)
    {
        Stack = new RecurrentStack(config.Encoder, kernels);
        _input = new EmbeddingInput(Stack, kernels, config.SourceVocabularySize, config.Encoder.InputSize, config.Dropout);
        _hidden = config.HiddenSize;
        _directions = config.Directions;
        _topSlot = (config.Layers - 1) * config.Directions;
    }

    private Seq2SeqEncoder(Seq2SeqEncoder source)
    {
        Stack = source.Stack.CreateInferenceReplica();
        _input = (EmbeddingInput)source._input.CreateReplica(Stack);
        _hidden = source._hidden;
        _directions = source._directions;
        _topSlot = source._topSlot;
    }

    public RecurrentStack Stack { get; }

    public TokenInput Input => _input;

    /// <summary>"encoder.embedding", "encoder.rnn".</summary>
    public IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) =>
        [.. _input.CreateBlocks(version).Select(block => block with { Name = "encoder." + block.Name }), new ParameterBlock("encoder.rnn", Stack.Parameters, Stack.Gradients) { Version = version }];

    public IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] stack = gradients ? Stack.Gradients : Stack.Parameters;
        return [.. _input.TensorViews(gradients), .. Stack.Tensors.Select(tensor => stack.AsMemory(tensor.Offset, tensor.Length))];
    }

    /// <summary>The embedding N(0, 1), then the stack as its config says.</summary>
    public void Initialize(Random random)
    {
        _input.Initialize(random);
        Stack.Initialize(random);
    }

    /// <summary>c [B, C] of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Context => _context.AsSpan(0, _state!.Batch * _directions * _hidden);

    /// <summary>h_n [Le*D, B, He] of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> FinalHidden => _state!.Hidden;

    /// <summary>The LSTM's final cell state [Le*D, B, He] of the last <see cref="Forward"/> (empty for other cells).</summary>
    public ReadOnlySpan<float> FinalCell => _state!.Cell;

    /// <summary>Encodes <paramref name="tokens"/> [Ts*B] (checked by the caller) from a zero state, each source for its
    /// <paramref name="lengths"/> [B] (empty: all Ts), and gathers c.</summary>
    public void Forward(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, int timesteps, int batch, ForwardMode mode)
    {
        if (_state?.Batch != batch)
        {
            _state = new RecurrentState(Stack.Config, batch);
            _context = new float[batch * _directions * _hidden];
        }
        _state.Reset();
        _input.Forward(tokens, timesteps, batch, _state, mode, lengths);
        // c[b] = [h_n[top, d=0, b] ; h_n[top, d=1, b]]
        Span<float> context = _context;
        for (int d = 0; d < _directions; d++)
        {
            ReadOnlySpan<float> top = TopState(_state.Hidden, d, batch);
            for (int b = 0; b < batch; b++)
            {
                top.Slice(b * _hidden, _hidden).CopyTo(context.Slice((b * _directions + d) * _hidden, _hidden));
            }
        }
    }

    /// <summary>
    /// Backpropagates into the stack and the embedding: dh_n = <paramref name="dFinalHidden"/> (empty: 0) plus dc in the top
    /// layer's slots, dc_n = <paramref name="dFinalCell"/> (empty: 0). <paramref name="tokens"/> as the last forward read.
    /// </summary>
    public void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dContext, ReadOnlySpan<float> dFinalHidden, ReadOnlySpan<float> dFinalCell)
    {
        int batch = _state!.Batch, stateLength = _state.Hidden.Length, rows = tokens.Length;
        if (_dFinalHidden.Length < stateLength) _dFinalHidden = new float[stateLength];
        Span<float> dHidden = _dFinalHidden.AsSpan(0, stateLength);
        if (dFinalHidden.IsEmpty) dHidden.Clear(); else dFinalHidden.CopyTo(dHidden);
        for (int d = 0; d < _directions; d++)
        {
            Span<float> dTop = TopState(dHidden, d, batch);
            for (int b = 0; b < batch; b++)
            {
                Stack.Kernels.Axpy(1f, dContext.Slice((b * _directions + d) * _hidden, _hidden), dTop.Slice(b * _hidden, _hidden));
            }
        }
        int outputLength = rows * _directions * _hidden;
        if (_zeroOutputGradient.Length < outputLength) _zeroOutputGradient = new float[outputLength];
        _input.Backward(tokens, _zeroOutputGradient.AsSpan(0, outputLength), dHidden, dFinalCell);
    }

    /// <summary>Direction <paramref name="direction"/>'s top-layer block [B, He] of a state [Le*D, B, He].</summary>
    private Span<float> TopState(Span<float> state, int direction, int batch) => state.Slice((_topSlot + direction) * batch * _hidden, batch * _hidden);

    public Seq2SeqEncoder CreateReplica() => new(this);
}

using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// An encoder-decoder's decoder over T timesteps of B rows, each row with its context c_b: under teacher forcing
/// (T = the target's timesteps) or one step of a search (T = 1, B = the hypotheses):
/// <code>
/// e_t       = embedding_tgt[y_{t-1}]                      [T*B, Et]        (dropped in training, place Le)
/// x_t       = [e_t ; c]                                   [T*B, Et + C]    (layer 0 projects c once per row: DecoderInputProjection)
/// s_t       = stack(x_1..x_T) from s_0                    [T*B, Hd]
/// o_t       = [s_t ; c ; e_t]                             [T*B, Hd + C + Et]  (dropped in training, place Le + Ld)
/// logits_t  = o_t · W_outᵀ + b_out                        [T*B, Vt]
/// </code>
/// Backward: dLogits (written over the logits) → do_t → ds_t, dc, de_t; ds_t through the stack → dx_t, ds_0; dx_t → de_t, dc;
/// dc summed over t per row; de_t into the embedding. Padding timesteps (past a row's target) get dLogits = 0 and are
/// never followed by a timestep with a loss, so they add nothing: the stack runs them without lengths.
/// One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class Seq2SeqDecoder
{
    private readonly KernelSet _kernels;
    private readonly EmbeddingInput _embedding;   // rows only: the stack reads [e ; c]
    private readonly LinearOutput _output;
    private readonly DecoderInputProjection _projection;
    private readonly int _embeddingSize, _contextSize, _hidden, _vocabulary;   // Et, C, Hd, Vt
    private float[] _outputInput = [];   // [T*B, Hd + C + Et]
    private float[] _dHidden = [];       // [T*B, Hd]

    public Seq2SeqDecoder(Seq2SeqConfig config, KernelSet kernels)
    {
        _kernels = kernels;
        Stack = new RecurrentStack(config.Decoder, kernels);
        _embeddingSize = config.Decoder.InputSize - config.ContextSize;
        _contextSize = config.ContextSize;
        _hidden = config.Decoder.HiddenSize;
        _vocabulary = config.TargetVocabularySize;
        _embedding = new EmbeddingInput(null, kernels, _vocabulary, _embeddingSize, config.Dropout, place: config.Layers);
        _output = new LinearOutput(kernels, _vocabulary, config.OutputInputSize, config.Dropout, place: config.Layers + config.Decoder.Layers);
        _projection = new DecoderInputProjection(Stack, _embeddingSize, _contextSize);
    }

    private Seq2SeqDecoder(Seq2SeqDecoder source)
    {
        _kernels = source._kernels;
        Stack = source.Stack.CreateInferenceReplica();
        _embedding = (EmbeddingInput)source._embedding.CreateReplica(null);
        _output = source._output.CreateReplica();
        (_embeddingSize, _contextSize, _hidden, _vocabulary) = (source._embeddingSize, source._contextSize, source._hidden, source._vocabulary);
        _projection = new DecoderInputProjection(Stack, _embeddingSize, _contextSize);
    }

    public RecurrentStack Stack { get; }

    public TokenInput Embedding => _embedding;

    /// <summary>"decoder.embedding", "decoder.rnn", "output".</summary>
    public IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) =>
        [.. _embedding.CreateBlocks(version).Select(block => block with { Name = "decoder." + block.Name }),
            new ParameterBlock("decoder.rnn", Stack.Parameters, Stack.Gradients) { Version = version }];

    /// <summary>"output" (W_out then b_out): after the bridge in file order.</summary>
    public ParameterBlock CreateOutputBlock(WeightVersion version) => _output.CreateBlock(version) with { Name = "output" };

    /// <summary>The embedding's and the stack's tensors (the output layer's: <see cref="OutputViews"/>).</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] stack = gradients ? Stack.Gradients : Stack.Parameters;
        return [.. _embedding.TensorViews(gradients), .. Stack.Tensors.Select(tensor => stack.AsMemory(tensor.Offset, tensor.Length))];
    }

    public IEnumerable<Memory<float>> OutputViews(bool gradients) => _output.TensorViews(gradients);

    /// <summary>The embedding N(0, 1), the stack as its config says.</summary>
    public void Initialize(Random random)
    {
        _embedding.Initialize(random);
        Stack.Initialize(random);
    }

    /// <summary>The output layer uniform in ±1/sqrt(Hd + C + Et), as nn.Linear.</summary>
    public void InitializeOutput(Random random) => _output.Initialize(random);

    /// <summary>The context's share of layer 0's input gates, g_c = c · W_cᵀ [B, G*Hd], for <see cref="Forward"/>; valid until the next call
    /// (a decoding session copies it and keeps it per row).</summary>
    public Span<float> ProjectContext(ReadOnlySpan<float> context, int batch) => _projection.ProjectContext(context, batch);

    /// <summary>
    /// Runs <paramref name="tokens"/> [T*B] (checked by the caller) from <paramref name="initialHidden"/>/<paramref name="initialCell"/>
    /// [Ld, B, Hd] (empty: zeros) with each row's <paramref name="context"/> [B, C] and its <paramref name="contextGates"/>
    /// (<see cref="ProjectContext"/>); writes the final state when
    /// <paramref name="finalHidden"/>/<paramref name="finalCell"/> are not empty (they may be the initial state's buffers) and returns
    /// the logits [T*B, Vt], which the loss may overwrite with dLogits before <see cref="Backward"/>.
    /// </summary>
    public Span<float> Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, ReadOnlySpan<float> context, ReadOnlySpan<float> contextGates, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> finalHidden, Span<float> finalCell, ForwardMode mode)
    {
        int rows = timesteps * batch, outputWidth = _hidden + _contextSize + _embeddingSize;
        if (_outputInput.Length < rows * outputWidth) _outputInput = new float[rows * outputWidth];
        ReadOnlySpan<float> embedded = _embedding.Embed(tokens, mode);
        _projection.Forward(embedded, contextGates, timesteps, batch, initialHidden, initialCell, finalHidden, finalCell, mode);
        // o_r = [s_r ; c_b ; e_r]
        ReadOnlySpan<float> s = Stack.Output;
        Span<float> o = _outputInput.AsSpan(0, rows * outputWidth);
        for (int row = 0; row < rows; row++)
        {
            Span<float> o_r = o.Slice(row * outputWidth, outputWidth);
            s.Slice(row * _hidden, _hidden).CopyTo(o_r);
            context.Slice(row % batch * _contextSize, _contextSize).CopyTo(o_r.Slice(_hidden));
            embedded.Slice(row * _embeddingSize, _embeddingSize).CopyTo(o_r.Slice(_hidden + _contextSize));
        }
        _output.Forward(o, rows, mode);
        return _output.Outputs(rows);
    }

    /// <summary>
    /// Backpropagates dLogits (in the span <see cref="Forward"/> returned) through the last forward over <paramref name="tokens"/>:
    /// with <paramref name="context"/> [B, C]: adds every gradient of the decoder's weights, adds dc to <paramref name="dContext"/> [B, C],
    /// and writes ds_0 into <paramref name="dInitialHidden"/>/<paramref name="dInitialCell"/> [Ld, B, Hd] (skipped when empty).
    /// </summary>
    public void Backward(ReadOnlySpan<int> tokens, int timesteps, int batch, ReadOnlySpan<float> context, Span<float> dContext, Span<float> dInitialHidden, Span<float> dInitialCell)
    {
        int rows = timesteps * batch, outputWidth = _hidden + _contextSize + _embeddingSize;
        if (_dHidden.Length < rows * _hidden) _dHidden = new float[rows * _hidden];
        ReadOnlySpan<float> dO = _output.Backward(_outputInput.AsSpan(0, rows * outputWidth), rows);
        // do_r = [ds_r ; dc_b ; de_r]
        Span<float> dS = _dHidden.AsSpan(0, rows * _hidden), dE = _embedding.RowGradients(rows);
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> dO_r = dO.Slice(row * outputWidth, outputWidth);
            dO_r[.._hidden].CopyTo(dS.Slice(row * _hidden, _hidden));
            _kernels.Add(dContext.Slice(row % batch * _contextSize, _contextSize), dO_r.Slice(_hidden, _contextSize), dContext.Slice(row % batch * _contextSize, _contextSize));
            dO_r.Slice(_hidden + _contextSize).CopyTo(dE.Slice(row * _embeddingSize, _embeddingSize));
        }
        _projection.Backward(dS, _embedding.EmbeddedRows(rows), context, timesteps, batch, dE, dContext, dInitialHidden, dInitialCell);
        _embedding.ScatterRowGradients(tokens);
    }

    public Seq2SeqDecoder CreateReplica() => new(this);
}

using RnnNative.Kernels;
using RnnNative.Sizes;

namespace RnnNative.Cells;

/// <summary>
/// L recurrent layers, each feeding its hidden states to the next, over windows of T steps and a
/// batch of B sequences, with BPTT truncated at the window. Parameters and their gradients live in
/// two flat vectors (one optimizer pass over each), split into tensors with PyTorch's names and
/// layouts (<see cref="Tensors"/>), so weights can be exchanged with <c>nn.RNN</c>/<c>nn.LSTM</c>.
/// </summary>
/// <remarks>
/// Shapes: input [T, B, I]; states [L, B, H] (layer-major, as PyTorch's h_0/c_0); output [T, B, H]
/// of the top layer. Not thread-safe: one window at a time per instance. Forward and backward use
/// every engine thread (<see cref="Threading.Parallelism"/>), with results independent of their number.
/// </remarks>
public sealed class RecurrentStack
{
    private readonly RecurrentLayer[] _layers;
    private float[] _input = [];
    private float[] _dLayerOutput = [];   // [T*B, H]: dLoss/dOutput of the layer below the one being undone
    private float[] _dLayerInput = [];    // [T*B, H]: scratch for the next dX
    private int _steps;                   // T and B of the last forward pass; 0 before the first
    private int _batch;

    /// <summary>A stack with its own parameters (zero until initialized) and gradients, computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
    public RecurrentStack(RecurrentConfig config, KernelSet? kernels = null)
        : this(config, kernels, sharedParameters: null)
    {
    }

    /// <summary>A stack over <paramref name="sharedParameters"/> (another stack's <see cref="Parameters"/>,
    /// not copied) with its own scratch buffers and no gradients: an inference replica.</summary>
    private RecurrentStack(RecurrentConfig config, KernelSet? kernels, float[]? sharedParameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (config.Bidirectional)
        {
            throw new NotSupportedException("bidirectional stacks are not implemented yet.");
        }
        Config = config;
        Kernels = kernels ?? KernelSet.Active;
        _layers = new RecurrentLayer[config.Layers];
        for (int layer = 0, layerOffset = 0; layer < config.Layers; layer++)
        {
            _layers[layer] = config.Kind.CreateLayer(Kernels, config, layer, layerOffset);
            layerOffset += _layers[layer].ParameterCount;
        }
        // The layers lay their tensors out in the order config.TensorShapes lists them.
        List<ParameterTensor> tensors = [];
        int offset = 0;
        foreach ((string name, int[] shape) in config.TensorShapes())
        {
            ParameterTensor tensor = new(name, offset, shape);
            tensors.Add(tensor);
            offset += tensor.Length;
        }
        Tensors = tensors;
        Parameters = sharedParameters ?? new float[offset];
        Gradients = sharedParameters is null ? new float[offset] : [];
    }

    /// <summary>A stack that reads this one's weights (shared, so later updates show through) with
    /// its own scratch buffers, so it can run <see cref="Forward"/> on another thread; no gradients.</summary>
    public RecurrentStack CreateInferenceReplica() => new(Config, Kernels, Parameters);

    /// <summary>The cell, sizes and layer count the stack was built with.</summary>
    public RecurrentConfig Config { get; }

    /// <summary>The kernels every computation of this stack runs.</summary>
    public KernelSet Kernels { get; }

    /// <summary>All weights and biases, laid out as <see cref="Tensors"/> says.</summary>
    public float[] Parameters { get; }

    /// <summary>dLoss/dParameters, same layout; <see cref="Backward"/> adds to it, <see cref="ZeroGradients"/> clears it.</summary>
    public float[] Gradients { get; }

    /// <summary>Per layer k: <c>weight_ih_l{k}</c> [G*H, I_k], <c>weight_hh_l{k}</c> [G*H, H], <c>bias_ih_l{k}</c> [G*H], <c>bias_hh_l{k}</c> [G*H].</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }

    /// <summary>Elements of a state tensor [L, B, H] for a batch of <paramref name="batch"/>.</summary>
    public int StateLength(int batch) => Config.Layers * batch * Config.HiddenSize;

    /// <summary>Elements of a cell-state tensor [L, B, H] for a batch of <paramref name="batch"/>: 0 for a cell without one.</summary>
    public int CellStateLength(int batch) => Config.Kind.HasCellState ? StateLength(batch) : 0;

    /// <summary>Draws the starting weights from <paramref name="random"/> as <see cref="RecurrentConfig.Initialization"/>
    /// says: PyTorch's uniform ±1/sqrt(H), or IRNN's identity (<see cref="StackInitialization"/>).</summary>
    public void Initialize(Random random) => StackInitialization.Initialize(Config, Tensors, Parameters, random);

    /// <summary>Sets every gradient to zero (backward passes add to them).</summary>
    public void ZeroGradients() => Gradients.AsSpan().Clear();

    /// <summary>
    /// Runs one window. <paramref name="input"/> [T, B, I]; <paramref name="initialHidden"/> and
    /// <paramref name="initialCell"/> [L, B, H] (empty: zeros; the cell state only for LSTM);
    /// writes <paramref name="output"/> [T, B, H] (the top layer's h_1..h_T) and
    /// <paramref name="finalHidden"/>/<paramref name="finalCell"/> [L, B, H]; any output may be empty to skip it.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, int steps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        CheckWindow(steps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
        RequireLength(input, steps * batch * Config.InputSize, nameof(input));
        // The first layer's input is kept for dW_ih; the others read the layer below in place.
        if (_input.Length < input.Length)
        {
            _input = new float[input.Length];
        }
        input.CopyTo(_input);
        _layers[0].Forward(Parameters, _input, 0, steps, batch, StateSlice(initialHidden, 0, batch * Config.HiddenSize), StateSlice(initialCell, 0, batch * Config.HiddenSize));
        ForwardUpperLayers(steps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
    }

    /// <summary>
    /// As <see cref="Forward"/> for inputs that are rows of a table of V vectors (token embeddings):
    /// the first layer's input projections are gathered from <paramref name="tokenGates"/>
    /// [V, G*H] = table · W_ih_l0ᵀ (no biases), which the caller computes once for V rows instead of
    /// T*B; <paramref name="tokens"/> [T, B] picks the rows. <see cref="Backward"/> then computes no
    /// dW_ih_l0 and no dInput; the caller turns <see cref="InputGateGradients"/> into both.
    /// </summary>
    public void ForwardGathered(ReadOnlySpan<float> tokenGates, ReadOnlySpan<int> tokens, int steps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        CheckWindow(steps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
        RequireLength(tokens, steps * batch, nameof(tokens));
        int gateWidth = Config.GateCount * Config.HiddenSize;
        if (tokenGates.Length % gateWidth != 0)
        {
            throw new ArgumentException($"expected a multiple of {gateWidth} elements ([V, G*H]), got {tokenGates.Length}.", nameof(tokenGates));
        }
        int rowsInTable = tokenGates.Length / gateWidth;
        foreach (int token in tokens)
        {
            if ((uint)token >= (uint)rowsInTable)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"a token must pick one of the {rowsInTable} rows of tokenGates.");
            }
        }
        _layers[0].ForwardGathered(Parameters, tokenGates, tokens, steps, batch, StateSlice(initialHidden, 0, batch * Config.HiddenSize), StateSlice(initialCell, 0, batch * Config.HiddenSize));
        ForwardUpperLayers(steps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
    }

    /// <summary>dLoss/d(x_t · W_ih_l0ᵀ) [T, B, G*H] of the last <see cref="Backward"/>.</summary>
    public ReadOnlySpan<float> InputGateGradients => _layers[0].InputGateGradients;

    private void CheckWindow(int steps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int hidden = Config.HiddenSize;
        int rows = BufferLength.Of(nameof(steps), $"a window of {steps} timesteps x {batch} streams", steps, batch);
        BufferLength.Of(nameof(steps), $"the inputs and gates of a window of {steps} timesteps x {batch} streams", rows, Math.Max(Config.InputSize, Config.GateCount * hidden));
        RequireOptionalLength(initialHidden, StateLength(batch), nameof(initialHidden));
        RequireOptionalLength(initialCell, CellStateLength(batch), nameof(initialCell));
        RequireOptionalLength(output, rows * hidden, nameof(output));
        RequireOptionalLength(finalHidden, StateLength(batch), nameof(finalHidden));
        RequireOptionalLength(finalCell, CellStateLength(batch), nameof(finalCell));
    }

    /// <summary>Runs layers 1..L-1 after layer 0 has run, and copies out the final states and outputs.</summary>
    private void ForwardUpperLayers(int steps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        int stateSize = batch * Config.HiddenSize;
        for (int layer = 0; layer < _layers.Length; layer++)
        {
            if (layer > 0)
            {
                RecurrentLayer below = _layers[layer - 1];
                _layers[layer].Forward(Parameters, below.Hidden, below.OutputOffset, steps, batch, StateSlice(initialHidden, layer, stateSize), StateSlice(initialCell, layer, stateSize));
            }
            if (!finalHidden.IsEmpty) _layers[layer].FinalHidden.CopyTo(finalHidden.Slice(layer * stateSize, stateSize));
            if (!finalCell.IsEmpty) _layers[layer].FinalCell.CopyTo(finalCell.Slice(layer * stateSize, stateSize));
        }
        if (!output.IsEmpty) _layers[^1].Output.CopyTo(output);
        _steps = steps;
        _batch = batch;
    }

    /// <summary>The top layer's outputs h_1..h_T [T, B, H] of the last <see cref="Forward"/>, without a copy.</summary>
    public ReadOnlySpan<float> Output => _steps > 0 ? _layers[^1].Output : throw new InvalidOperationException("Forward has not run yet.");

    /// <summary>
    /// BPTT through the window of the last <see cref="Forward"/>: adds dLoss/dParameters to
    /// <see cref="Gradients"/>. <paramref name="dOutput"/> [T, B, H]: dLoss/d(output);
    /// <paramref name="dFinalHidden"/>/<paramref name="dFinalCell"/> [L, B, H] (empty: zero). Writes
    /// <paramref name="dInput"/> [T, B, I] and <paramref name="dInitialHidden"/>/<paramref name="dInitialCell"/>
    /// [L, B, H] when they are not empty.
    /// </summary>
    public void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden, ReadOnlySpan<float> dFinalCell, Span<float> dInput, Span<float> dInitialHidden, Span<float> dInitialCell)
    {
        if (_steps == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward first.");
        }
        int steps = _steps, batch = _batch;
        int hidden = Config.HiddenSize, stateSize = batch * hidden, rows = steps * batch;
        RequireLength(dOutput, rows * hidden, nameof(dOutput));
        RequireOptionalLength(dFinalHidden, StateLength(batch), nameof(dFinalHidden));
        RequireOptionalLength(dFinalCell, CellStateLength(batch), nameof(dFinalCell));
        RequireOptionalLength(dInput, rows * Config.InputSize, nameof(dInput));
        RequireOptionalLength(dInitialHidden, StateLength(batch), nameof(dInitialHidden));
        RequireOptionalLength(dInitialCell, CellStateLength(batch), nameof(dInitialCell));

        if (_dLayerOutput.Length < rows * hidden)
        {
            _dLayerOutput = new float[rows * hidden];
            _dLayerInput = new float[rows * hidden];
        }
        ReadOnlySpan<float> dOut = dOutput;
        for (int layer = _layers.Length - 1; layer >= 0; layer--)
        {
            Span<float> dIn = layer > 0 ? _dLayerInput.AsSpan(0, rows * hidden) : dInput;
            _layers[layer].Backward(Parameters, Gradients, dOut, StateSlice(dFinalHidden, layer, stateSize), StateSlice(dFinalCell, layer, stateSize),
                dIn, StateSlice(dInitialHidden, layer, stateSize), StateSlice(dInitialCell, layer, stateSize));
            // The gradient just computed for this layer's input is the next layer's dOutput.
            (_dLayerOutput, _dLayerInput) = (_dLayerInput, _dLayerOutput);
            dOut = _dLayerOutput.AsSpan(0, rows * hidden);
        }
    }

    private static ReadOnlySpan<float> StateSlice(ReadOnlySpan<float> states, int layer, int stateSize) =>
        states.IsEmpty ? [] : states.Slice(layer * stateSize, stateSize);

    private static Span<float> StateSlice(Span<float> states, int layer, int stateSize) =>
        states.IsEmpty ? [] : states.Slice(layer * stateSize, stateSize);

    private static void RequireLength<T>(ReadOnlySpan<T> span, int length, string name)
    {
        if (span.Length != length)
        {
            throw new ArgumentException($"expected {length} elements, got {span.Length}.", name);
        }
    }

    private static void RequireOptionalLength(ReadOnlySpan<float> span, int length, string name)
    {
        if (!span.IsEmpty && span.Length != length)
        {
            throw new ArgumentException($"expected {length} elements (or none), got {span.Length}.", name);
        }
    }
}

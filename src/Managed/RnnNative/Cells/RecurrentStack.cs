using RnnNative.Kernels;
using RnnNative.Sizes;

namespace RnnNative.Cells;

/// <summary>
/// L recurrent layers, each feeding its hidden states to the next, over windows of T timesteps and a
/// batch of B sequences, with BPTT truncated at the window. A bidirectional stack runs two layers per
/// level, one forward and one backward in time (D = 2 directions), and the level above reads their
/// outputs side by side, [h_forward; h_backward] (2H). Parameters and their gradients live in
/// two flat vectors (one optimizer pass over each), split into tensors with PyTorch's names and
/// layouts (<see cref="Tensors"/>), so weights can be exchanged with <c>nn.RNN</c>/<c>nn.LSTM</c>.
/// </summary>
/// <remarks>
/// Shapes: input [T, B, I]; states [L*D, B, H] (layer-major, direction-minor, as PyTorch's h_0/c_0); output
/// [T, B, D*H] of the top level. Not thread-safe: one window at a time per instance. Forward and backward use
/// every engine thread (<see cref="Kernels.Threading.Parallelism"/>), with results independent of their number.
/// </remarks>
public sealed class RecurrentStack
{
    private readonly RecurrentLayer[] _layers;   // [L*D]: level l, direction d at l*D + d
    private readonly Dropout[] _gaps;     // [L-1]: gap l drops level l's output on its way to level l+1 (place l+1)
    private readonly float[][] _levelOutputs;   // bidirectional: per level [T*B, 2H], both directions' outputs side by side
    private float[] _input = [];
    private float[] _dLayerOutput = [];   // [T*B, D*H]: dLoss/dOutput of the level below the one being undone
    private float[] _dLayerInput = [];    // [T*B, D*H]: scratch for the next dX
    private float[][] _dDirectionOutput = [[], []];   // bidirectional: dOutput split per direction, [T*B, H] each
    private float[] _dOtherInput = [];    // bidirectional: the backward direction's dX, added to the forward one's
    private int _timesteps;                   // T and B of the last forward pass; 0 before the first
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
        config.Kind.RequireStackCell(nameof(config), "a recurrent stack");
        Config = config;
        Kernels = kernels ?? KernelSet.Active;
        _layers = new RecurrentLayer[config.Layers * config.Directions];
        for (int slot = 0, layerOffset = 0; slot < _layers.Length; slot++)
        {
            _layers[slot] = config.Kind.CreateLayer(Kernels, config, slot / config.Directions, layerOffset, reverse: slot % config.Directions == 1);
            layerOffset += _layers[slot].ParameterCount;
        }
        _levelOutputs = new float[config.Bidirectional ? config.Layers : 0][];
        Array.Fill(_levelOutputs, []);
        _gaps = [.. Enumerable.Range(0, config.Layers - 1).Select(gap => new Dropout(Kernels, config.Dropout, place: config.FirstGapPlace + gap))];
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

    /// <summary>Per layer k: <c>weight_ih_l{k}</c> [G*H, I_k], <c>weight_hh_l{k}</c> [G*H, H], <c>bias_ih_l{k}</c> [G*H], <c>bias_hh_l{k}</c> [G*H]
    /// (bidirectional: then the same with <c>_reverse</c>).</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }

    /// <summary>Elements of a state tensor [L, B, H] for a batch of <paramref name="batch"/>.</summary>
    public int StateLength(int batch) => Config.StateLayers * batch * Config.HiddenSize;

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
    /// A training <paramref name="mode"/> drops units of every layer's output but the last's on their way up
    /// (<see cref="RecurrentConfig.Dropout"/>); <see cref="Backward"/> then masks their gradients alike.
    /// <paramref name="lengths"/> [B] (empty: every sequence has T timesteps): sequence b's timesteps, in [1, T]; past
    /// them its state is carried unchanged (the final states are those after its last timestep, a reverse
    /// direction starts at it) and its outputs there are not meaningful: a loss must not read them.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell, ForwardMode mode = default, ReadOnlySpan<int> lengths = default)
    {
        CheckWindow(timesteps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
        CheckLengths(lengths, timesteps, batch);
        RequireLength(input, timesteps * batch * Config.InputSize, nameof(input));
        // The first layer's input is kept for dW_ih; the others read the layer below in place.
        if (_input.Length < input.Length)
        {
            _input = new float[input.Length];
        }
        input.CopyTo(_input);
        ForwardLevel(0, _input, 0, timesteps, batch, initialHidden, initialCell, lengths);
        ForwardUpperLevels(timesteps, batch, initialHidden, initialCell, output, finalHidden, finalCell, mode, lengths);
    }

    /// <summary>
    /// As <see cref="Forward"/> for inputs that are rows of a table of V vectors (token embeddings):
    /// the first layer's input projections are gathered from <paramref name="tokenGates"/>
    /// [V, G*H] = table · W_ih_l0ᵀ (no biases), which the caller computes once for V rows instead of
    /// T*B; <paramref name="tokens"/> [T, B] picks the rows. <see cref="Backward"/> then computes no
    /// dW_ih_l0 and no dInput; the caller turns <see cref="InputGateGradients"/> into both. <paramref name="mode"/> as in <see cref="Forward"/>.
    /// </summary>
    public void ForwardGathered(ReadOnlySpan<float> tokenGates, ReadOnlySpan<int> tokens, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell, ForwardMode mode = default)
    {
        CheckWindow(timesteps, batch, initialHidden, initialCell, output, finalHidden, finalCell);
        if (Config.Bidirectional)
        {
            throw new NotSupportedException("a bidirectional stack reads its input as vectors (Forward), not gathered from a token table.");
        }
        RequireLength(tokens, timesteps * batch, nameof(tokens));
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
        _layers[0].ForwardGathered(Parameters, tokenGates, tokens, timesteps, batch, StateSlice(initialHidden, 0, batch * Config.HiddenSize), StateSlice(initialCell, 0, batch * Config.HiddenSize));
        ForwardUpperLevels(timesteps, batch, initialHidden, initialCell, output, finalHidden, finalCell, mode, lengths: default);
    }

    /// <summary>dLoss/d(x_t · W_ih_l0ᵀ) [T, B, G*H] of the last <see cref="Backward"/>.</summary>
    public ReadOnlySpan<float> InputGateGradients => _layers[0].InputGateGradients;

    private void CheckWindow(int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int hidden = Config.HiddenSize;
        int rows = BufferLength.Of(nameof(timesteps), $"a window of {timesteps} timesteps x {batch} streams", timesteps, batch);
        BufferLength.Of(nameof(timesteps), $"the inputs and gates of a window of {timesteps} timesteps x {batch} streams", rows, Math.Max(Config.InputSize, Config.GateCount * hidden));
        RequireOptionalLength(initialHidden, StateLength(batch), nameof(initialHidden));
        RequireOptionalLength(initialCell, CellStateLength(batch), nameof(initialCell));
        RequireOptionalLength(output, rows * Config.OutputSize, nameof(output));
        RequireOptionalLength(finalHidden, StateLength(batch), nameof(finalHidden));
        RequireOptionalLength(finalCell, CellStateLength(batch), nameof(finalCell));
    }

    internal static void CheckLengths(ReadOnlySpan<int> lengths, int timesteps, int batch)
    {
        if (lengths.IsEmpty)
        {
            return;
        }
        if (lengths.Length != batch)
        {
            throw new ArgumentException($"expected {batch} lengths (one per sequence), got {lengths.Length}.", nameof(lengths));
        }
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > timesteps)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"sequence {b}'s length must be between 1 and the window's {timesteps} timesteps.");
            }
        }
    }

    /// <summary>Runs every direction of <paramref name="level"/> over its input [T*B, I_level] at <paramref name="offset"/> in <paramref name="input"/>
    /// (kept by reference for the backward pass), then (bidirectional) lays their outputs side by side.</summary>
    private void ForwardLevel(int level, float[] input, int offset, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, ReadOnlySpan<int> lengths)
    {
        int stateSize = batch * Config.HiddenSize, directions = Config.Directions;
        for (int slot = level * directions; slot < (level + 1) * directions; slot++)
        {
            _layers[slot].Forward(Parameters, input, offset, timesteps, batch, StateSlice(initialHidden, slot, stateSize), StateSlice(initialCell, slot, stateSize), lengths);
        }
        if (Config.Bidirectional)
        {
            // levelOutput[r] = [h_forward[r]; h_backward[r]]     [T*B, 2H]
            int rows = timesteps * batch, hidden = Config.HiddenSize;
            if (_levelOutputs[level].Length < rows * 2 * hidden) _levelOutputs[level] = new float[rows * 2 * hidden];
            ReadOnlySpan<float> forward = _layers[2 * level].Output, backward = _layers[2 * level + 1].Output;
            Span<float> both = _levelOutputs[level];
            for (int row = 0; row < rows; row++)
            {
                forward.Slice(row * hidden, hidden).CopyTo(both.Slice(2 * row * hidden, hidden));
                backward.Slice(row * hidden, hidden).CopyTo(both.Slice((2 * row + 1) * hidden, hidden));
            }
        }
    }

    /// <summary>The output [T*B, D*H] of <paramref name="level"/>'s last forward pass: where it starts in which buffer.</summary>
    private (float[] Buffer, int Offset) LevelOutput(int level) =>
        Config.Bidirectional ? (_levelOutputs[level], 0) : (_layers[level].Hidden, _layers[level].OutputOffset);

    /// <summary>Runs levels 1..L-1 after level 0 has run, and copies out the final states and outputs.</summary>
    private void ForwardUpperLevels(int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, Span<float> output, Span<float> finalHidden, Span<float> finalCell, ForwardMode mode, ReadOnlySpan<int> lengths)
    {
        int stateSize = batch * Config.HiddenSize, rows = timesteps * batch;
        for (int level = 1; level < Config.Layers; level++)
        {
            // Level l reads level l-1's outputs in place, or their dropped copy in training.
            (float[] below, int belowOffset) = LevelOutput(level - 1);
            Dropout gap = _gaps[level - 1];
            gap.Forward(below.AsSpan(belowOffset, rows * Config.OutputSize), rows, mode);
            (float[] input, int offset) = gap.Active ? (gap.Output, 0) : (below, belowOffset);
            ForwardLevel(level, input, offset, timesteps, batch, initialHidden, initialCell, lengths);
        }
        for (int slot = 0; slot < _layers.Length; slot++)
        {
            if (!finalHidden.IsEmpty) _layers[slot].FinalHidden.CopyTo(finalHidden.Slice(slot * stateSize, stateSize));
            if (!finalCell.IsEmpty) _layers[slot].FinalCell.CopyTo(finalCell.Slice(slot * stateSize, stateSize));
        }
        _timesteps = timesteps;
        _batch = batch;
        if (!output.IsEmpty) Output.CopyTo(output);
    }

    /// <summary>The top level's outputs [T, B, D*H] of the last <see cref="Forward"/>, without a copy.</summary>
    public ReadOnlySpan<float> Output
    {
        get
        {
            if (_timesteps == 0) throw new InvalidOperationException("Forward has not run yet.");
            (float[] buffer, int offset) = LevelOutput(Config.Layers - 1);
            return buffer.AsSpan(offset, _timesteps * _batch * Config.OutputSize);
        }
    }

    /// <summary>
    /// BPTT through the window of the last <see cref="Forward"/>: adds dLoss/dParameters to
    /// <see cref="Gradients"/>. <paramref name="dOutput"/> [T, B, D*H]: dLoss/d(output);
    /// <paramref name="dFinalHidden"/>/<paramref name="dFinalCell"/> [L*D, B, H] (empty: zero). Writes
    /// <paramref name="dInput"/> [T, B, I] and <paramref name="dInitialHidden"/>/<paramref name="dInitialCell"/>
    /// [L*D, B, H] when they are not empty.
    /// </summary>
    public void Backward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden, ReadOnlySpan<float> dFinalCell, Span<float> dInput, Span<float> dInitialHidden, Span<float> dInitialCell)
    {
        if (_timesteps == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward first.");
        }
        int timesteps = _timesteps, batch = _batch;
        int hidden = Config.HiddenSize, width = Config.OutputSize, stateSize = batch * hidden, rows = timesteps * batch;
        RequireLength(dOutput, rows * width, nameof(dOutput));
        RequireOptionalLength(dFinalHidden, StateLength(batch), nameof(dFinalHidden));
        RequireOptionalLength(dFinalCell, CellStateLength(batch), nameof(dFinalCell));
        RequireOptionalLength(dInput, rows * Config.InputSize, nameof(dInput));
        RequireOptionalLength(dInitialHidden, StateLength(batch), nameof(dInitialHidden));
        RequireOptionalLength(dInitialCell, CellStateLength(batch), nameof(dInitialCell));

        if (_dLayerOutput.Length < rows * width)
        {
            _dLayerOutput = new float[rows * width];
            _dLayerInput = new float[rows * width];
        }
        ReadOnlySpan<float> dOut = dOutput;
        for (int level = Config.Layers - 1; level >= 0; level--)
        {
            Span<float> dIn = level > 0 ? _dLayerInput.AsSpan(0, rows * width) : dInput;
            if (Config.Bidirectional)
            {
                BackwardBothDirections(level, dOut, dFinalHidden, dFinalCell, dIn, dInitialHidden, dInitialCell, rows, stateSize);
            }
            else
            {
                _layers[level].Backward(Parameters, Gradients, dOut, StateSlice(dFinalHidden, level, stateSize), StateSlice(dFinalCell, level, stateSize),
                    dIn, StateSlice(dInitialHidden, level, stateSize), StateSlice(dInitialCell, level, stateSize));
            }
            if (level > 0)
            {
                // dIn reached the dropped copy the level read; masked, it reaches the level below's output.
                _gaps[level - 1].Backward(dIn, rows);
            }
            // The gradient just computed for this level's input is the next level's dOutput.
            (_dLayerOutput, _dLayerInput) = (_dLayerInput, _dLayerOutput);
            dOut = _dLayerOutput.AsSpan(0, rows * width);
        }
    }

    /// <summary>
    /// Both directions of a bidirectional level: dOutput [T*B, 2H] splits into each direction's [T*B, H];
    /// both read the same input, so dInput is the sum of their dX.
    /// </summary>
    private void BackwardBothDirections(int level, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden, ReadOnlySpan<float> dFinalCell,
        Span<float> dInput, Span<float> dInitialHidden, Span<float> dInitialCell, int rows, int stateSize)
    {
        int hidden = Config.HiddenSize;
        for (int direction = 0; direction < 2; direction++)
        {
            if (_dDirectionOutput[direction].Length < rows * hidden) _dDirectionOutput[direction] = new float[rows * hidden];
            for (int row = 0; row < rows; row++)
            {
                dOutput.Slice((2 * row + direction) * hidden, hidden).CopyTo(_dDirectionOutput[direction].AsSpan(row * hidden, hidden));
            }
        }
        if (_dOtherInput.Length < dInput.Length) _dOtherInput = new float[dInput.Length];
        Span<float> dOtherInput = _dOtherInput.AsSpan(0, dInput.Length);
        for (int direction = 0; direction < 2; direction++)
        {
            int slot = 2 * level + direction;
            _layers[slot].Backward(Parameters, Gradients, _dDirectionOutput[direction].AsSpan(0, rows * hidden), StateSlice(dFinalHidden, slot, stateSize), StateSlice(dFinalCell, slot, stateSize),
                direction == 0 ? dInput : dOtherInput, StateSlice(dInitialHidden, slot, stateSize), StateSlice(dInitialCell, slot, stateSize));
        }
        if (!dInput.IsEmpty)
        {
            Kernels.Add(dInput, dOtherInput, dInput);
        }
    }

    private static ReadOnlySpan<float> StateSlice(ReadOnlySpan<float> states, int layer, int stateSize) =>
        states.IsEmpty ? [] : states.Slice(layer * stateSize, stateSize);

    private static Span<float> StateSlice(Span<float> states, int layer, int stateSize) =>
        states.IsEmpty ? [] : states.Slice(layer * stateSize, stateSize);

    internal static void RequireLength<T>(ReadOnlySpan<T> span, int length, string name)
    {
        if (span.Length != length)
        {
            throw new ArgumentException($"expected {length} elements, got {span.Length}.", name);
        }
    }

    internal static void RequireOptionalLength(ReadOnlySpan<float> span, int length, string name)
    {
        if (!span.IsEmpty && span.Length != length)
        {
            throw new ArgumentException($"expected {length} elements (or none), got {span.Length}.", name);
        }
    }
}

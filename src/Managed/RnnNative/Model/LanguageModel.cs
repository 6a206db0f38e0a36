using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Randomness;

namespace RnnNative.Model;

/// <summary>
/// A char-rnn style language model over windows of T steps and B parallel streams:
/// <code>
/// x_t      = embedding[token_t]                       [T*B, E]    (one-hot input: onehot(token_t) [T*B, V])
/// h_t      = stack(x_t, state)                        [T*B, H]
/// logits_t = h_t · W_outᵀ + b_out                     [T*B, V]
/// loss     = mean over T*B of -log softmax(logits_t)[target_t]   (nats)
/// </code>
/// Training windows with <see cref="LanguageModelConfig.Dropout"/> p &gt; 0 drop units (inverted dropout,
/// Zaremba et al. 2014) of x_t, of every layer's output on its way to the next, and of h_t before the
/// output layer; with one-hot input x_t is not dropped. Evaluation and steps never drop.
/// Not thread-safe: one call at a time per instance (separate instances may run concurrently).
/// For inference on several threads at once, give each thread a <see cref="CreateInferenceReplica"/>.
/// </summary>
public sealed class LanguageModel
{
    private readonly float[] _embedding;          // [V, E]
    private readonly float[] _embeddingGradient;
    private readonly float[] _output;             // W_out [V, H] then b_out [V]
    private readonly float[] _outputGradient;
    private float[] _embedded = [];               // [T*B, E]
    private float[] _dEmbedded = [];              // [T*B, E]
    private float[] _logits = [];                 // [T*B, V]
    private float[] _dHidden = [];                // [T*B, H]
    private float[] _tokenGates = [];             // [V, G*H]: embedding · W_ih_l0ᵀ (one-hot: W_ih_l0ᵀ), when the window is gathered;
                                                  // one-hot windows of at most V rows: [T*B, G*H], row r = W_ih_l0ᵀ[token_r]
    private float[] _dTokenGates = [];            // [V, G*H]: dGates of layer 0 summed per token
    private int[] _rowIds = [];                   // 0, 1, 2, ...: table rows for windows whose table has a row per window row
    private int _largestWindow;                   // T*B of the largest window whose buffer sizes were validated
    private bool _gathered;                       // the last forward gathered layer 0's input projections per token
    private readonly Dropout _embeddingDropout;   // x_t in training (place 0)
    private readonly Dropout _outputDropout;      // h_t before the output layer in training (place L)
    private readonly StepWeightsCache _stepWeights;   // shared with replicas, like the weights
    private SingleTokenStep? _singleTokenStep;

    /// <summary>A model of <paramref name="config"/> (validated) with zero weights until <see cref="Initialize(ulong)"/> or a load, computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
    public LanguageModel(LanguageModelConfig config, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Kernels = kernels ?? KernelSet.Active;
        Stack = new RecurrentStack(config.Recurrent, Kernels);
        _embedding = new float[config.VocabularySize * config.EmbeddingSize];   // empty with one-hot input (E = 0)
        _embeddingGradient = new float[_embedding.Length];
        _output = new float[config.VocabularySize * (config.HiddenSize + 1)];
        _outputGradient = new float[_output.Length];
        Version = new WeightVersion();
        _stepWeights = new StepWeightsCache();
        Blocks = CreateBlocks(_embeddingGradient, Stack.Gradients, _outputGradient);
        (_embeddingDropout, _outputDropout) = CreateDropouts();
    }

    /// <summary>A replica: shares <paramref name="source"/>'s weights, owns its scratch buffers, has no gradients.</summary>
    private LanguageModel(LanguageModel source)
    {
        Config = source.Config;
        Kernels = source.Kernels;
        Stack = source.Stack.CreateInferenceReplica();
        _embedding = source._embedding;
        _embeddingGradient = [];
        _output = source._output;
        _outputGradient = [];
        Version = source.Version;
        _stepWeights = source._stepWeights;
        Blocks = CreateBlocks([], [], []);
        IsInferenceReplica = true;
        (_embeddingDropout, _outputDropout) = CreateDropouts();
    }

    /// <summary>The dropouts around the stack, which drops between its layers itself (places 1..L-1).</summary>
    private (Dropout Embedding, Dropout Output) CreateDropouts() =>
        (new Dropout(Kernels, Config.Dropout, place: 0), new Dropout(Kernels, Config.Dropout, place: Config.Layers));

    /// <summary>The trainable blocks over this model's weights and the given gradients (empty in a
    /// replica); a one-hot model has no embedding block.</summary>
    private ParameterBlock[] CreateBlocks(float[] embeddingGradient, float[] stackGradients, float[] outputGradient)
    {
        ParameterBlock rnn = new("rnn", Stack.Parameters, stackGradients) { Version = Version };
        ParameterBlock decoder = new("decoder", _output, outputGradient) { Version = Version };
        return OneHot ? [rnn, decoder] : [new ParameterBlock("embedding", _embedding, embeddingGradient) { Version = Version }, rnn, decoder];
    }

    /// <summary>Vocabulary size, input encoding, cell, sizes and layers.</summary>
    public LanguageModelConfig Config { get; }

    /// <summary>True for a model made by <see cref="CreateInferenceReplica"/>: it cannot train.</summary>
    public bool IsInferenceReplica { get; }

    /// <summary>The kernel path every computation of this model runs on.</summary>
    public KernelSet Kernels { get; }

    /// <summary>The recurrent layers (their tensors carry PyTorch's names).</summary>
    public RecurrentStack Stack { get; }

    /// <summary>Every trainable vector: embedding [V, E] (not with one-hot input); the stack; the decoder W_out [V, H] followed by b_out [V].</summary>
    public IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>
    /// Moves whenever the weights change through the engine (optimizer updates, <see cref="Initialize(Random)"/>,
    /// resuming a checkpoint); shared with replicas. Code that writes the weights itself (through
    /// <see cref="Blocks"/> or <see cref="NamedTensors"/>) must call <see cref="MarkWeightsChanged"/> before
    /// the next <see cref="Step"/>, whose packed copy of the weights is rebuilt when this moves.
    /// </summary>
    public WeightVersion Version { get; }

    /// <summary>Tells the model its weights were changed from outside the engine (see <see cref="Version"/>).</summary>
    public void MarkWeightsChanged() => Version.Advance();

    /// <summary>
    /// How single-stream <see cref="Step"/>s (batch 1: sampling) store the weights they stream: float32
    /// (default) or bfloat16, which halves the bytes read per token at a small cost in accuracy.
    /// Shared with replicas. Training and batched steps always use the float32 weights.
    /// </summary>
    public WeightPrecision StepPrecision
    {
        get => _stepWeights.Precision;
        set => _stepWeights.Precision = value;
    }

    /// <summary>The embedding [V, E].</summary>
    internal ReadOnlySpan<float> EmbeddingWeights => _embedding;

    /// <summary>W_out [V, H] followed by b_out [V].</summary>
    internal ReadOnlySpan<float> OutputWeights => _output;

    private int V => Config.VocabularySize;

    private int H => Config.HiddenSize;

    private int E => Config.EmbeddingSize;

    private bool OneHot => Config.Input == InputEncoding.OneHot;

    /// <summary>G*H: the width of a row of gates.</summary>
    private int GateWidth => Stack.Config.GateCount * H;

    /// <summary>W_ih_l0 [G*H, E or V] inside the stack's parameters or gradients.</summary>
    private Span<float> InputWeights(float[] stackVector) => stackVector.AsSpan(Stack.Tensors[0].Offset, Stack.Tensors[0].Length);

    /// <summary>
    /// The one mapping from a seed to initial weights, shared by every front door (CLI --seed, rnn_model_config's
    /// seed and seed_high, Python's seed=): <see cref="Initialize(Random)"/> with <see cref="System.Random"/>
    /// seeded by <see cref="InitializationSeed"/>, so seeds below 2^31 keep the weights they gave before 0.2.0.
    /// </summary>
    public void Initialize(ulong seed) => Initialize(new Random(InitializationSeed(seed)));

    /// <summary><see cref="System.Random"/>'s 31-bit seed for <paramref name="seed"/>: itself below 2^31, above
    /// that all 64 bits folded in (xor of its 31-bit parts), so high bits still change the weights.</summary>
    public static int InitializationSeed(ulong seed) => (int)((seed ^ (seed >> 31) ^ (seed >> 62)) & int.MaxValue);

    /// <summary>Drawn from <paramref name="random"/>: embedding ~ N(0, 1) as PyTorch's nn.Embedding (none with
    /// one-hot input); the stack as its config's initialization says (uniform in ±1/sqrt(H) as nn.LSTM/nn.RNN,
    /// or IRNN's identity); the output layer uniform in ±1/sqrt(H) as nn.Linear.</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < _embedding.Length; i++)
        {
            _embedding[i] = (float)Gaussian.Next(random);
        }
        Stack.Initialize(random);
        float bound = 1f / MathF.Sqrt(H);
        for (int i = 0; i < _output.Length; i++)
        {
            _output[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
        MarkWeightsChanged();
    }

    /// <summary>
    /// Every tensor under the name of PyTorch's <c>CharRnn</c> state_dict (embedding, rnn, decoder),
    /// viewing the model's own parameters (or their gradients), so files and bindings share one naming:
    /// <c>embedding.weight</c> [V, E] (absent with one-hot input); <c>rnn.weight_ih_l{k}</c>, <c>rnn.weight_hh_l{k}</c>, <c>rnn.bias_ih_l{k}</c>,
    /// <c>rnn.bias_hh_l{k}</c>; <c>decoder.weight</c> [V, H]; <c>decoder.bias</c> [V].
    /// </summary>
    public IEnumerable<(string Name, int[] Shape, Memory<float> Values)> NamedTensors(bool gradients = false)
    {
        float[] embedding = gradients ? _embeddingGradient : _embedding;
        float[] stack = gradients ? Stack.Gradients : Stack.Parameters;
        float[] output = gradients ? _outputGradient : _output;
        // The views in the order Config.TensorShapes names them.
        IEnumerable<Memory<float>> views = [
            .. OneHot ? Array.Empty<Memory<float>>() : [embedding.AsMemory()],
            .. Stack.Tensors.Select(tensor => stack.AsMemory(tensor.Offset, tensor.Length)),
            output.AsMemory(0, V * H),
            output.AsMemory(V * H),
        ];
        return Config.TensorShapes().Zip(views, (tensor, values) => (tensor.Name, tensor.Shape, values));
    }

    /// <summary>
    /// A model that reads this one's weights (shared, not copied: updates made by training this model
    /// show through) with its own scratch buffers, so <see cref="Step"/> and <see cref="EvaluateWindow"/>
    /// can run on one replica per thread at the same time, as long as nothing trains meanwhile.
    /// Replicas have no gradients; <see cref="TrainWindow"/> on one throws.
    /// </summary>
    public LanguageModel CreateInferenceReplica() => new(this);

    /// <summary>Sets every gradient to zero (a training window adds to them).</summary>
    public void ZeroGradients()
    {
        foreach (ParameterBlock block in Blocks)
        {
            block.Gradients.AsSpan().Clear();
        }
    }

    /// <summary>
    /// Forward and backward over one window: returns the summed loss in nats over the T*B
    /// predictions and adds the gradient of the mean loss to every block's gradients.
    /// <paramref name="inputs"/> and <paramref name="targets"/> are [T, B] time-major token ids;
    /// <paramref name="state"/> enters as the state before the window and leaves as the state after it.
    /// With <see cref="LanguageModelConfig.Dropout"/> p &gt; 0 the units dropped are drawn from
    /// (<paramref name="seed"/>, <paramref name="update"/>): the trainer passes its run's seed and the number
    /// of the update this gradient is for, so each update drops others and a resumed run the same ones.
    /// </summary>
    public double TrainWindow(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int steps, RecurrentState state, ulong seed = 0, long update = 0)
    {
        if (IsInferenceReplica)
        {
            throw new InvalidOperationException("an inference replica has no gradients; train the model it was made from.");
        }
        int rows = Forward(inputs, targets, steps, state, ForwardMode.Training(seed, update));
        double loss = Kernels.SoftmaxCrossEntropy(_logits.AsSpan(0, rows * V), rows, V, targets, _logits.AsSpan(0, rows * V), 1f / rows);
        ReadOnlySpan<float> dLogits = _logits.AsSpan(0, rows * V);
        ReadOnlySpan<float> hidden = OutputLayerInput(rows);

        // dW_out += dLogitsᵀ · h ;  db_out += Σ_rows dLogits ;  dh = dLogits · W_out
        Kernels.Gemm(true, false, V, H, rows, 1f, dLogits, V, hidden, H, 1f, _outputGradient.AsSpan(0, V * H), H);
        Kernels.AccumulateColumnSums(dLogits, rows, _outputGradient.AsSpan(V * H, V));
        Span<float> dHidden = _dHidden.AsSpan(0, rows * H);
        Kernels.Gemm(false, false, rows, H, V, 1f, dLogits, V, _output.AsSpan(0, V * H), H, 0f, dHidden, H);
        _outputDropout.Backward(dHidden, rows);

        if (!_gathered)
        {
            Span<float> dEmbedded = _dEmbedded.AsSpan(0, rows * E);
            Stack.Backward(dHidden, [], [], dEmbedded, [], []);
            _embeddingDropout.Backward(dEmbedded, rows);
            // The embedding gradient is a scatter-add of dx into the rows of the tokens read, in row order.
            for (int row = 0; row < rows; row++)
            {
                Kernels.Axpy(1f, dEmbedded.Slice(row * E, E), _embeddingGradient.AsSpan(inputs[row] * E, E));
            }
            return loss;
        }
        Stack.Backward(dHidden, [], [], [], [], []);
        int gateWidth = GateWidth;
        ReadOnlySpan<float> dGates = Stack.InputGateGradients;
        if (OneHot)
        {
            // x_r = onehot(token_r): dW_ih_l0[:, token_r] += dGates_r, and no embedding.
            OneHotColumns.ScatterAdd(dGates, gateWidth, V, inputs, InputWeights(Stack.Gradients));
            return loss;
        }
        // Layer 0's input was x_r = embedding[token_r], so with S[v] = Σ_{r: token_r = v} dGates_r:
        //   dW_ih_l0 += Sᵀ · embedding      [G*H, E]
        //   dEmbedding += S · W_ih_l0       [V, E]
        // V rows of work where the per-row form takes T*B.
        Span<float> dTokenGates = _dTokenGates.AsSpan(0, V * gateWidth);
        dTokenGates.Clear();
        for (int row = 0; row < rows; row++)
        {
            Kernels.Axpy(1f, dGates.Slice(row * gateWidth, gateWidth), dTokenGates.Slice(inputs[row] * gateWidth, gateWidth));
        }
        Kernels.Gemm(true, false, gateWidth, E, V, 1f, dTokenGates, gateWidth, _embedding, E, 1f, InputWeights(Stack.Gradients), E);
        Kernels.Gemm(false, false, V, E, gateWidth, 1f, dTokenGates, gateWidth, InputWeights(Stack.Parameters), E, 1f, _embeddingGradient, E);
        return loss;
    }

    /// <summary>Summed loss in nats over one window without gradients; <paramref name="state"/> carried as in <see cref="TrainWindow"/>.</summary>
    public double EvaluateWindow(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int steps, RecurrentState state)
    {
        int rows = Forward(inputs, targets, steps, state, ForwardMode.Inference);
        return Kernels.SoftmaxCrossEntropy(_logits.AsSpan(0, rows * V), rows, V, targets, [], 0f);
    }

    /// <summary>
    /// One step for B independent streams (sampling): reads one token per stream, advances
    /// <paramref name="state"/> and writes the next-token logits [B, V]. O(1) work per token.
    /// With B = 1 the step streams a copy of the weights laid out for it (<see cref="SingleTokenStep"/>,
    /// rebuilt when <see cref="Version"/> or <see cref="StepPrecision"/> changes): in float32 its results
    /// differ from a batched step's by summation order only (about 1e-6 relative).
    /// </summary>
    public void Step(ReadOnlySpan<int> tokens, RecurrentState state, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (logits.Length != state.Batch * V)
        {
            throw new ArgumentException($"expected {state.Batch * V} logits ([B, V]), got {logits.Length}.", nameof(logits));
        }
        if (tokens.Length != state.Batch)
        {
            throw new ArgumentException($"expected {state.Batch} token ids (one per stream), got {tokens.Length}.", nameof(tokens));
        }
        if (state.Batch == 1)
        {
            CheckTokenIds(tokens, nameof(tokens));
            _singleTokenStep ??= new SingleTokenStep(this);
            _singleTokenStep.Run(_stepWeights.Get(this), tokens[0], state, logits);
            return;
        }
        int rows = Forward(tokens, default, 1, state, ForwardMode.Inference, nameof(tokens));
        _logits.AsSpan(0, rows * V).CopyTo(logits);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> for an id outside the vocabulary.</summary>
    private void CheckTokenIds(ReadOnlySpan<int> ids, string name)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)V)
            {
                throw new ArgumentOutOfRangeException(name, ids[i], $"token id at position {i} is outside the vocabulary [0, {V}).");
            }
        }
    }

    /// <summary>Embeds, runs the stack and computes logits into <see cref="_logits"/>, dropping units in a training
    /// <paramref name="mode"/>; returns T*B. <paramref name="inputsName"/>: the caller's name for <paramref name="inputs"/>, for error messages.</summary>
    private int Forward(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int steps, RecurrentState state, ForwardMode mode, string inputsName = "inputs")
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int batch = state.Batch;
        if (inputs.Length != (long)steps * batch)
        {
            throw new ArgumentException($"expected {(long)steps * batch} token ids ([T={steps}, B={batch}]), got {inputs.Length}.", nameof(inputs));
        }
        int rows = inputs.Length;
        if (!targets.IsEmpty && targets.Length != rows)
        {
            throw new ArgumentException($"expected {rows} target ids ([T={steps}, B={batch}]), got {targets.Length}.", nameof(targets));
        }
        // Dropped embeddings are no longer rows of a table of V: layer 0 then reads them row by row.
        bool dropsEmbedding = mode.IsTraining && Config.Dropout > 0 && !OneHot;
        EnsureWindow(steps, batch, dropsEmbedding);

        CheckTokenIds(inputs, inputsName);
        // Layer 0 sees embeddings of V tokens: when the window has more rows than the vocabulary,
        // project the V embeddings once (embedding · W_ih_l0ᵀ) and gather rows, instead of a GEMM
        // over all T*B rows; the dot products are the same, only fewer of them. One-hot input
        // projects to columns of W_ih_l0: always gathered, from W_ih_l0ᵀ or, for at most V rows,
        // from the window's own columns (a table of T*B rows instead of V).
        _gathered = (rows > V || OneHot) && !dropsEmbedding;
        if (rows > V && !dropsEmbedding)
        {
            Span<float> tokenGates = _tokenGates.AsSpan(0, V * GateWidth);
            ProjectTokens(tokenGates);
            Stack.ForwardGathered(tokenGates, inputs, steps, batch, state.Hidden, state.Cell, [], state.Hidden, state.Cell, mode);
        }
        else if (OneHot)
        {
            Span<float> rowGates = _tokenGates.AsSpan(0, rows * GateWidth);
            OneHotColumns.Gather(InputWeights(Stack.Parameters), GateWidth, V, inputs, rowGates);
            Stack.ForwardGathered(rowGates, _rowIds.AsSpan(0, rows), steps, batch, state.Hidden, state.Cell, [], state.Hidden, state.Cell, mode);
        }
        else
        {
            Span<float> embedded = _embedded.AsSpan(0, rows * E);
            for (int row = 0; row < rows; row++)
            {
                _embedding.AsSpan(inputs[row] * E, E).CopyTo(embedded.Slice(row * E, E));
            }
            _embeddingDropout.Forward(embedded, rows, mode);
            Stack.Forward(_embeddingDropout.Active ? _embeddingDropout.Output.AsSpan(0, rows * E) : embedded, steps, batch, state.Hidden, state.Cell, [], state.Hidden, state.Cell, mode);
        }

        // logits = h · W_outᵀ + b_out   (h dropped in training)
        _outputDropout.Forward(Stack.Output, rows, mode);
        ReadOnlySpan<float> hidden = OutputLayerInput(rows);
        Span<float> logits = _logits.AsSpan(0, rows * V);
        if (rows == 1)
        {
            // One token of one stream: GEMV, without packing W_out (see RecurrentLayer.Forward).
            Kernels.Gemv(false, V, H, 1f, _output.AsSpan(0, V * H), H, hidden, 0f, logits);
        }
        else
        {
            Kernels.Gemm(false, true, rows, V, H, 1f, hidden, H, _output.AsSpan(0, V * H), H, 0f, logits, V);
        }
        Kernels.AddRowVector(logits, rows, _output.AsSpan(V * H, V));
        return rows;
    }

    /// <summary>What the output layer read in the last forward [T*B, H]: the stack's output, dropped in training.</summary>
    private ReadOnlySpan<float> OutputLayerInput(int rows) => _outputDropout.Active ? _outputDropout.Output.AsSpan(0, rows * H) : Stack.Output;

    /// <summary>Layer 0's input projection of every token, without biases: <paramref name="table"/>
    /// [V, G*H] = embedding · W_ih_l0ᵀ, or W_ih_l0ᵀ with one-hot input.</summary>
    internal void ProjectTokens(Span<float> table)
    {
        if (OneHot)
        {
            EnsureRowIds(V);
            OneHotColumns.Gather(InputWeights(Stack.Parameters), GateWidth, V, _rowIds.AsSpan(0, V), table);
        }
        else
        {
            Kernels.Gemm(false, true, V, GateWidth, E, 1f, _embedding, E, InputWeights(Stack.Parameters), E, 0f, table, GateWidth);
        }
    }

    private void EnsureRowIds(int count)
    {
        if (_rowIds.Length < count)
        {
            _rowIds = new int[count];
            for (int i = 0; i < count; i++) _rowIds[i] = i;
        }
    }

    /// <summary>Sizes the buffers of a window of <paramref name="steps"/> x <paramref name="batch"/>, and of its
    /// embedded rows when they are needed (at most V rows, or <paramref name="dropsEmbedding"/>).</summary>
    private void EnsureWindow(int steps, int batch, bool dropsEmbedding)
    {
        int rows = steps * batch;   // the length of the caller's inputs: no overflow
        if (rows > _largestWindow)
        {
            Config.ValidateWindow(steps, batch, nameof(steps), nameof(batch));
            _largestWindow = rows;
        }
        if (_logits.Length < rows * V)
        {
            _logits = new float[rows * V];
            _dHidden = new float[rows * H];
        }
        // Only the path this window takes needs its buffers (see Forward): embedded rows, or the token
        // table (with one-hot input: W_ih_l0ᵀ, or a row per window row and no per-token sums).
        int gateWidth = GateWidth;
        if (rows > V && !dropsEmbedding && _tokenGates.Length < V * gateWidth)
        {
            _tokenGates = new float[V * gateWidth];
            _dTokenGates = IsInferenceReplica || OneHot ? [] : new float[V * gateWidth];
        }
        if (rows <= V && OneHot)
        {
            if (_tokenGates.Length < rows * gateWidth) _tokenGates = new float[rows * gateWidth];
            EnsureRowIds(rows);
        }
        if ((rows <= V || dropsEmbedding) && !OneHot && _embedded.Length < rows * E)
        {
            _embedded = new float[rows * E];
            _dEmbedded = IsInferenceReplica ? [] : new float[rows * E];
        }
    }
}

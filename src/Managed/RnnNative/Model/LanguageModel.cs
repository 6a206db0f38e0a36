using System.Diagnostics.CodeAnalysis;
using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Model;

/// <summary>
/// A char-rnn style language model over windows of T timesteps and B parallel streams, composed of three
/// parts: an input part over tokens (<see cref="EmbeddingInput"/> or <see cref="OneHotInput"/>), the
/// recurrent stack, and a softmax output part (<see cref="SoftmaxHead"/>, or the class-factored <see cref="ClassSoftmaxHead"/>
/// of <see cref="SoftmaxKind.Class"/>, which never forms the V logits in training and evaluation):
/// <code>
/// x_t      = embedding[token_t]                       [T*B, E]    (one-hot input: onehot(token_t) [T*B, V])
/// h_t      = stack(x_t, state)                        [T*B, H]
/// logits_t = h_t · W_outᵀ + b_out                     [T*B, V]
/// loss     = mean over T*B of -log softmax(logits_t)[target_t]   (nats)
/// </code>
/// Training windows with <see cref="LanguageModelConfig.Dropout"/> p &gt; 0 drop units (inverted dropout,
/// Zaremba et al. 2014) of x_t, of every layer's output on its way to the next, and of h_t before the
/// output layer; with one-hot input x_t is not dropped. Evaluation and steps never drop.
/// With <see cref="CellType.Jordan"/> the stack and the output part are one Jordan layer (<see cref="JordanLanguageBody"/>):
/// h_t = f(W_ih x_t + W_yh y_{t-1} + b), logits_t = W_out h_t + b_out, y_t = softmax(logits_t), with y carried in the
/// state from window to window as a stack's hidden state is.
/// Not thread-safe: one call at a time per instance (separate instances may run concurrently).
/// For inference on several threads at once, give each thread a <see cref="CreateInferenceReplica"/>.
/// </summary>
public sealed partial class LanguageModel
{
    private readonly TokenInput _input;
    private readonly RecurrentStack? _stack;      // null for a Jordan network
    private readonly LanguageModelHead? _head;    // null for a Jordan network, which owns its output layer
    private readonly JordanLanguageBody? _jordan; // the Jordan network, or null for a stack
    private int _largestWindow;                   // T*B of the largest window whose buffer sizes were validated
    private readonly StepWeightsCache _stepWeights;   // shared with replicas, like the weights
    private SingleTokenStep? _singleTokenStep;
    private BatchedTokenStep? _batchedTokenStep;

    /// <summary>A model of <paramref name="config"/> (validated) with zero weights until <see cref="Initialize(ulong)"/> or a load, computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
    public LanguageModel(LanguageModelConfig config, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Kernels = kernels ?? KernelSet.Active;
        bool stack = config.Recurrent.Kind.IsStackCell;
        _stack = stack ? new RecurrentStack(config.Recurrent, Kernels) : null;
        _input = TokenInput.Create(config.Input, config.VocabularySize, config.EmbeddingSize, config.Dropout, _stack, Kernels);
        _head = stack ? LanguageModelHead.Create(config, Kernels) : null;
        _jordan = stack ? null : new JordanLanguageBody(config, _input, Kernels);
        Version = new WeightVersion();
        _stepWeights = new StepWeightsCache();
        Blocks = CreateBlocks();
    }

    /// <summary>A replica: shares <paramref name="source"/>'s weights, owns its scratch buffers, has no gradients.</summary>
    private LanguageModel(LanguageModel source)
    {
        Config = source.Config;
        Kernels = source.Kernels;
        _stack = source._stack?.CreateInferenceReplica();
        _input = source._input.CreateReplica(_stack);
        _head = source._head?.CreateReplica();
        _jordan = source._jordan?.CreateReplica(_input);
        Version = source.Version;
        _stepWeights = source._stepWeights;
        Int8Source = source.Int8Source;
        IsInferenceReplica = true;
        Blocks = CreateBlocks();
    }

    /// <summary>The trainable blocks in file order, the input part's, the stack's, the output part's (a Jordan network's one
    /// block instead of the last two; gradients empty in a replica).</summary>
    private ParameterBlock[] CreateBlocks() => !HasStack
        ? [.. _input.CreateBlocks(Version), _jordan.CreateBlock(Version)]
        : [.. _input.CreateBlocks(Version), new ParameterBlock("rnn", Stack.Parameters, IsInferenceReplica ? [] : Stack.Gradients) { Version = Version }, _head.CreateBlock(Version)];

    /// <summary>True for a stack cell (Elman, LSTM, GRU); false for a Jordan network (<see cref="JordanLanguageBody"/>).</summary>
    [MemberNotNullWhen(true, nameof(_stack), nameof(_head))]
    [MemberNotNullWhen(false, nameof(_jordan))]
    private bool HasStack => _jordan is null;

    /// <summary>Vocabulary size, input encoding, cell, sizes and layers.</summary>
    public LanguageModelConfig Config { get; }

    /// <summary>True for a model made by <see cref="CreateInferenceReplica"/>: it cannot train.</summary>
    public bool IsInferenceReplica { get; }

    /// <summary>
    /// The int8 file this model was loaded from (<see cref="ModelFile.SaveInt8"/>: its path, or a phrase for one loaded
    /// from memory); null for any other model. Such a model is for inference only: its float32 weights are the file's
    /// int8 values dequantised (the batched path and evaluation read them), its steps run in int8 (<see cref="StepPrecision"/>
    /// cannot change), and it refuses to train, to be exported to PyTorch or to be saved as a float32 file, with
    /// <see cref="NotSupportedException"/> naming the file.
    /// </summary>
    public string? Int8Source { get; private set; }

    /// <summary>Throws <see cref="NotSupportedException"/> naming the file when the model cannot train (<see cref="Int8Source"/>):
    /// front doors call it before a run starts, so the refusal comes before any other work.</summary>
    public void EnsureTrainable()
    {
        if (Int8Source is not null) throw new NotSupportedException(Int8Refusal("train or resume training (train the float32 model it was made from)"));
    }

    /// <summary>The one line of every refusal of a model loaded from an int8 file: it cannot <paramref name="what"/>.</summary>
    internal string Int8Refusal(string what) => $"{Int8Source} holds int8 weights for inference only: the model cannot {what}.";

    /// <summary>Marks a model just loaded from the int8 file <paramref name="source"/> (see <see cref="Int8Source"/>).</summary>
    internal void MarkInt8File(string source)
    {
        _stepWeights.Precision = WeightPrecision.Int8;
        Int8Source = source;
    }

    /// <summary>The kernel path every computation of this model runs on.</summary>
    public KernelSet Kernels { get; }

    /// <summary>The recurrent layers (their tensors carry PyTorch's names). A Jordan network has none and throws
    /// <see cref="NotSupportedException"/>: its weights are in <see cref="Blocks"/> and <see cref="NamedTensors"/>.</summary>
    public RecurrentStack Stack => _stack ?? throw new NotSupportedException("a Jordan language model has no recurrent stack: its one layer owns the output layer (see Blocks and NamedTensors).");

    /// <summary>Every trainable vector: embedding [V, E] (not with one-hot input); the stack; the decoder W_out [V, H] followed by b_out [V].
    /// A Jordan network: the embedding, then one block "jordan" (W_ih, W_yh, b, W_out, b_out).</summary>
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
    /// How <see cref="Step"/>s and <see cref="SampleStep(ReadOnlySpan{int}, RecurrentState, ReadOnlySpan{float}, ReadOnlySpan{Randomness.SeededRandom}, Span{int})"/>s (sampling, one stream or many) store the weights they stream:
    /// float32 (default), bfloat16 (half the bytes read per token) or int8 (a quarter, integer dot products), at a
    /// small cost in accuracy (<see cref="WeightPrecision"/>).
    /// Shared with replicas. Training and float32 steps of several streams use the float32 weights themselves (bfloat16
    /// and int8 steps of several streams read the copies, <see cref="BatchedTokenStep"/>). A Jordan network steps as a
    /// window of one timestep, in float32 only: another precision throws <see cref="NotSupportedException"/>; a model
    /// loaded from an int8 file steps in int8 only (<see cref="Int8Source"/>).
    /// </summary>
    public WeightPrecision StepPrecision
    {
        get => _stepWeights.Precision;
        set
        {
            if (!HasStack && value != WeightPrecision.Float32)
            {
                throw new NotSupportedException($"a Jordan language model steps in float32 only (its step is a window of one timestep, not the packed single-token path): step precision {value} does not apply.");
            }
            if (Int8Source is not null && value != WeightPrecision.Int8)
            {
                throw new NotSupportedException(Int8Refusal($"step in {value} (its steps are int8; load the float32 model file for another precision)"));
            }
            _stepWeights.Precision = value;
        }
    }

    /// <summary>The embedding [V, E] (empty with one-hot input).</summary>
    internal ReadOnlySpan<float> EmbeddingWeights => _input.Embedding;

    /// <summary>W_out [V, H] followed by b_out [V] (a stack's; single-token steps read them), the rows in <see cref="Classes"/>'
    /// order with the class-factored softmax.</summary>
    internal ReadOnlySpan<float> OutputWeights => OutputPart.WordWeights;

    /// <summary>The output part of a stack (a single-token step finishes its logits with it).</summary>
    internal LanguageModelHead Head => OutputPart;

    private LanguageModelHead OutputPart => _head ?? throw new NotSupportedException("a Jordan language model's output layer is inside its Jordan layer.");

    private int V => Config.VocabularySize;

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
    /// or IRNN's identity); the output layer uniform in ±1/sqrt(H) as nn.Linear. A Jordan network: every weight
    /// of its layer uniform in ±1/sqrt(H).</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _input.Initialize(random);
        if (HasStack)
        {
            Stack.Initialize(random);
            _head.Initialize(random);
        }
        else
        {
            _jordan.Initialize(random);
        }
        MarkWeightsChanged();
    }

    /// <summary>
    /// Every tensor under the name of PyTorch's <c>CharRnn</c> state_dict (embedding, rnn, decoder),
    /// viewing the model's own parameters (or their gradients), so files and bindings share one naming:
    /// <c>embedding.weight</c> [V, E] (absent with one-hot input); <c>rnn.weight_ih_l{k}</c>, <c>rnn.weight_hh_l{k}</c>, <c>rnn.bias_ih_l{k}</c>,
    /// <c>rnn.bias_hh_l{k}</c>; <c>decoder.weight</c> [V, H]; <c>decoder.bias</c> [V]. A Jordan network (no PyTorch
    /// module): <c>rnn.weight_ih_l0</c>, <c>rnn.weight_yh_l0</c>, <c>rnn.bias_l0</c> and the decoder, as a sequence model's.
    /// </summary>
    public IEnumerable<(string Name, int[] Shape, Memory<float> Values)> NamedTensors(bool gradients = false)
    {
        // The views in the order Config.TensorShapes names them.
        IEnumerable<Memory<float>> views = [.. _input.TensorViews(gradients), .. HasStack ? StackTensorViews(_stack, _head, gradients) : _jordan.TensorViews(gradients)];
        return Config.TensorShapes().Zip(views, (tensor, values) => (tensor.Name, tensor.Shape, values));
    }

    /// <summary>The stack's tensors, then the output part's (or their gradients).</summary>
    private static IEnumerable<Memory<float>> StackTensorViews(RecurrentStack stack, LanguageModelHead head, bool gradients)
    {
        float[] vector = gradients ? stack.Gradients : stack.Parameters;
        return [.. stack.Tensors.Select(tensor => vector.AsMemory(tensor.Offset, tensor.Length)), .. head.TensorViews(gradients)];
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
    public double TrainWindow(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int timesteps, RecurrentState state, ulong seed = 0, long update = 0)
    {
        if (IsInferenceReplica)
        {
            throw new InvalidOperationException("an inference replica has no gradients; train the model it was made from.");
        }
        EnsureTrainable();
        int rows = Forward(inputs, targets, timesteps, state, ForwardMode.Training(seed, update));
        if (!HasStack)
        {
            return _jordan.Backward(inputs, targets, rows);
        }
        ReadOnlySpan<float> dHidden = _head.Backward(Stack.Output, targets, rows, out double loss);
        _input.Backward(inputs, dHidden);
        return loss;
    }

    /// <summary>Summed loss in nats over one window without gradients; <paramref name="state"/> carried as in <see cref="TrainWindow"/>.</summary>
    public double EvaluateWindow(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int timesteps, RecurrentState state)
    {
        int rows = Forward(inputs, targets, timesteps, state, ForwardMode.Inference);
        return HasStack ? _head.Loss(targets, rows) : _jordan.Loss(targets, rows);
    }

    /// <summary>
    /// One step for B independent streams (sampling): reads one token per stream, advances
    /// <paramref name="state"/> and writes the next-token logits [B, V]. O(1) work per token.
    /// One stream streams a copy of the weights laid out for it in <see cref="StepPrecision"/> (<see cref="SingleTokenStep"/>,
    /// rebuilt when <see cref="Version"/> or the precision changes); B &gt; 1 streams step through the same copy
    /// (<see cref="BatchedTokenStep"/>: each stream's results those of its own single-token step up to summation order,
    /// about 1e-6 relative in float32; a training window's GEMMs differ from both by summation order too). A Jordan network
    /// steps as a window of one timestep (its y in <paramref name="state"/>), for any B.
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
        if (state.Batch == 1 && HasStack)
        {
            _input.CheckTokenIds(tokens, nameof(tokens));
            _singleTokenStep ??= new SingleTokenStep(this);
            _singleTokenStep.Run(_stepWeights.Get(this), tokens[0], state, logits);
            return;
        }
        if (HasStack)
        {
            _input.CheckTokenIds(tokens, nameof(tokens));
            BatchedStep(state.Batch).Run(_stepWeights.Get(this), tokens, state, logits);
            return;
        }
        int rows = Forward(tokens, default, 1, state, ForwardMode.Inference, nameof(tokens));
        _jordan.Logits(rows).CopyTo(logits);
    }

    /// <summary>The batched step for <paramref name="streams"/> streams: made again only when B outgrows it.</summary>
    private BatchedTokenStep BatchedStep(int streams)
    {
        if (_batchedTokenStep is null || _batchedTokenStep.Capacity < BatchedTokenStep.Padded(streams))
        {
            _batchedTokenStep = new BatchedTokenStep(this, streams);
        }
        return _batchedTokenStep;
    }

    /// <summary>Runs the input part, the stack and, given <paramref name="targets"/>, the output part's forward, or the Jordan network,
    /// dropping units in a training <paramref name="mode"/>; returns T*B. <paramref name="inputsName"/>: the caller's name for <paramref name="inputs"/>, for error messages.</summary>
    private int Forward(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int timesteps, RecurrentState state, ForwardMode mode, string inputsName = "inputs")
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1);
        int batch = state.Batch;
        if (inputs.Length != (long)timesteps * batch)
        {
            throw new ArgumentException($"expected {(long)timesteps * batch} token ids ([T={timesteps}, B={batch}]), got {inputs.Length}.", nameof(inputs));
        }
        int rows = inputs.Length;
        if (!targets.IsEmpty && targets.Length != rows)
        {
            throw new ArgumentException($"expected {rows} target ids ([T={timesteps}, B={batch}]), got {targets.Length}.", nameof(targets));
        }
        if (rows > _largestWindow)
        {
            Config.ValidateWindow(timesteps, batch, nameof(timesteps), nameof(batch));
            _largestWindow = rows;
        }
        _input.CheckTokenIds(inputs, inputsName);
        if (!HasStack)
        {
            _jordan.Forward(inputs, timesteps, batch, state, mode);
            return rows;
        }
        _input.Forward(inputs, timesteps, batch, state, mode);
        if (!targets.IsEmpty) _head.Forward(Stack.Output, targets, rows, mode);
        return rows;
    }

    /// <summary>Layer 0's input projection of every token, without biases: <paramref name="table"/>
    /// [V, G*H] = embedding · W_ih_l0ᵀ, or W_ih_l0ᵀ with one-hot input.</summary>
    internal void ProjectTokens(Span<float> table) => _input.ProjectTokens(table);

    /// <summary>As <see cref="ProjectTokens(Span{float})"/> from other weights of the same shapes: <paramref name="embedding"/> [V, E]
    /// (ignored with one-hot input) and <paramref name="weightIh"/> W_ih_l0 [G*H, I].</summary>
    internal void ProjectTokens(Span<float> table, ReadOnlySpan<float> embedding, ReadOnlySpan<float> weightIh) => _input.ProjectTokens(table, embedding, weightIh);
}

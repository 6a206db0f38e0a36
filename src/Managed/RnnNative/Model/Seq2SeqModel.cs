using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// An encoder-decoder (<see cref="Seq2SeqConfig"/> has the math) trained with teacher forcing on padded batches of pairs
/// (<see cref="Seq2SeqBatch"/>), and decoded a token at a time (<see cref="StartDecoding"/>). Three parts: the encoder
/// (<see cref="Seq2SeqEncoder"/>: source embedding and stack, giving c and the final state), the bridge when the decoder does not
/// start from the encoder's final state (<see cref="ContextBridge"/>), the decoder (<see cref="Seq2SeqDecoder"/>: target embedding,
/// stack over [e ; c], output layer over [s ; c ; e]). Padding (a source's timesteps past its length, a target's past its EOS)
/// gives no loss and no gradient, and junk tokens there change nothing.
/// Dropout (<see cref="Seq2SeqConfig.Dropout"/>, training only) at distinct places: the source embedding (0), between the encoder's
/// layers (1..Le-1), the target embedding (Le), between the decoder's layers (Le+1..Le+Ld-1), the output layer's input (Le+Ld).
/// Not thread-safe: one call at a time per instance (a decoding session runs on its model's buffers too); for inference on
/// several threads, give each a <see cref="CreateInferenceReplica"/>.
/// </summary>
public sealed class Seq2SeqModel : IBatchModel<Seq2SeqBatch>
{
    private readonly Seq2SeqEncoder _encoder;
    private readonly ContextBridge? _bridge;
    private readonly Seq2SeqDecoder _decoder;
    private readonly bool _isInferenceReplica;
    private float[] _initialHidden = [];    // [Ld, B, Hd] through the bridge
    private float[] _dContext = [];         // [B, C]
    private float[] _dInitialHidden = [];   // [Ld, B, Hd]
    private float[] _dInitialCell = [];     // [Ld, B, Hd] (LSTM without a bridge)

    /// <summary>A model of <paramref name="config"/> (validated; sizes left at 0 take their defaults, <see cref="Seq2SeqConfig.WithDefaults"/>)
    /// with zero weights until <see cref="Initialize(ulong)"/> or a load, computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
    public Seq2SeqModel(Seq2SeqConfig config, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config.WithDefaults();
        Kernels = kernels ?? KernelSet.Active;
        _encoder = new Seq2SeqEncoder(Config, Kernels);
        _bridge = Config.HasBridge ? new ContextBridge(Kernels, Config.ContextSize, Config.DecoderLayers, Config.DecoderHiddenSize) : null;
        _decoder = new Seq2SeqDecoder(Config, Kernels);
        Version = new WeightVersion();
        Blocks = CreateBlocks();
    }

    /// <summary>A replica: shares <paramref name="source"/>'s weights, owns its scratch buffers, has no gradients.</summary>
    private Seq2SeqModel(Seq2SeqModel source)
    {
        Config = source.Config;
        Kernels = source.Kernels;
        _encoder = source._encoder.CreateReplica();
        _bridge = source._bridge?.CreateReplica();
        _decoder = source._decoder.CreateReplica();
        Version = source.Version;
        _isInferenceReplica = true;
        Blocks = CreateBlocks();
    }

    /// <summary>The trainable blocks in file order (gradients empty in a replica).</summary>
    private ParameterBlock[] CreateBlocks() =>
        [.. _encoder.CreateBlocks(Version), .. _decoder.CreateBlocks(Version), .. (_bridge is null ? [] : new[] { _bridge.CreateBlock(Version) }), _decoder.CreateOutputBlock(Version)];

    /// <summary>Cell, vocabularies, sizes and layers, with every default filled in.</summary>
    public Seq2SeqConfig Config { get; }

    /// <summary>The kernel path every computation of this model runs on.</summary>
    public KernelSet Kernels { get; }

    /// <summary>Every trainable vector, each parameter in one block, in file order: "encoder.embedding" [Vs, Es], "encoder.rnn",
    /// "decoder.embedding" [Vt, Et], "decoder.rnn", "bridge" (W_bridge then b_bridge; with a bridge only), "output" (W_out then b_out).</summary>
    public IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>Moves whenever the weights change through the engine (optimizer updates, <see cref="Initialize(Random)"/>); shared with replicas.</summary>
    public WeightVersion Version { get; }

    /// <summary>The weights of <paramref name="seed"/>, mapped as <see cref="LanguageModel.Initialize(ulong)"/> maps it, for every front door.</summary>
    public void Initialize(ulong seed) => Initialize(new Random(LanguageModel.InitializationSeed(seed)));

    /// <summary>Drawn from <paramref name="random"/> in file order: embeddings ~ N(0, 1) as nn.Embedding, stacks as the config's
    /// initialization says, the bridge and the output layer uniform in ±1/sqrt(inputs) as nn.Linear.</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _encoder.Initialize(random);
        _decoder.Initialize(random);
        _bridge?.Initialize(random);
        _decoder.InitializeOutput(random);
        Version.Advance();
    }

    /// <summary>
    /// Every tensor under its state_dict name (<see cref="Seq2SeqConfig.TensorShapes"/>), viewing the model's own parameters (or
    /// their gradients): <c>encoder.embedding.weight</c>, <c>encoder.rnn.*</c>, <c>decoder.embedding.weight</c>, <c>decoder.rnn.*</c>,
    /// <c>bridge.weight</c>, <c>bridge.bias</c> (with a bridge), <c>output.weight</c>, <c>output.bias</c>.
    /// </summary>
    public IEnumerable<(string Name, int[] Shape, Memory<float> Values)> NamedTensors(bool gradients = false)
    {
        IEnumerable<Memory<float>> views = [
            .. _encoder.TensorViews(gradients),
            .. _decoder.TensorViews(gradients),
            .. _bridge?.TensorViews(gradients) ?? [],
            .. _decoder.OutputViews(gradients),
        ];
        return Config.TensorShapes().Zip(views, (tensor, values) => (tensor.Name, tensor.Shape, values));
    }

    /// <summary>Sets every gradient to zero (a training batch adds to them).</summary>
    public void ZeroGradients()
    {
        foreach (ParameterBlock block in Blocks)
        {
            block.Gradients.AsSpan().Clear();
        }
    }

    /// <summary>A model that reads this one's weights (shared, not copied) with its own scratch buffers, so <see cref="EvaluateBatch"/>
    /// and <see cref="StartDecoding"/> can run on one replica per thread while nothing trains. <see cref="TrainBatch"/> on one throws.</summary>
    public Seq2SeqModel CreateInferenceReplica() => new(this);

    /// <summary>What the mean loss of <paramref name="batch"/> divides by: its Positions (target tokens + EOS of every pair).</summary>
    public int LossTerms(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Positions;
    }

    /// <summary>
    /// Forward and backward over one batch under teacher forcing: returns the summed cross-entropy (nats) over its
    /// <see cref="LossTerms"/> predictions and adds the gradient of the mean to every block's gradients. With dropout, the units
    /// dropped are drawn from (<paramref name="seed"/>, <paramref name="update"/>), as <see cref="LanguageModel.TrainWindow"/> draws them.
    /// </summary>
    public double TrainBatch(Seq2SeqBatch batch, ulong seed = 0, long update = 0)
    {
        if (_isInferenceReplica)
        {
            throw new InvalidOperationException("an inference replica has no gradients; train the model it was made from.");
        }
        Span<float> logits = Forward(batch, ForwardMode.Training(seed, update));
        double loss = Kernels.SoftmaxCrossEntropy(logits, logits.Length / Config.TargetVocabularySize, Config.TargetVocabularySize, batch.DecoderTargets, logits, 1f / batch.Positions);
        Backward(batch);
        return loss;
    }

    /// <summary>The summed loss over one batch's <see cref="LossTerms"/> predictions, without gradients or dropout.</summary>
    public double EvaluateBatch(Seq2SeqBatch batch)
    {
        Span<float> logits = Forward(batch, ForwardMode.Inference);
        return Kernels.SoftmaxCrossEntropy(logits, logits.Length / Config.TargetVocabularySize, Config.TargetVocabularySize, batch.DecoderTargets, [], 0f);
    }

    /// <summary>
    /// Encodes B sources and returns a session with one row per source, each in the state the encoder left (the decoder's s_0
    /// and the source's c), ready for its first <see cref="IStepDecoder.Step"/> with <see cref="SpecialTokens.Start"/>.
    /// <paramref name="sourceTokens"/> [Ts*B] time-major (<see cref="SpecialTokens.Padding"/> past a source's length),
    /// B = <paramref name="sourceLengths"/>.Length, each length in [1, Ts]. The session runs on this model's buffers: use it
    /// between, not during, this model's other calls.
    /// </summary>
    public IStepDecoder StartDecoding(ReadOnlySpan<int> sourceTokens, ReadOnlySpan<int> sourceLengths, int timesteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1);
        int batch = sourceLengths.Length;
        if (batch == 0)
        {
            throw new ArgumentException("expected at least one source.", nameof(sourceLengths));
        }
        if (sourceTokens.Length != (long)timesteps * batch)
        {
            throw new ArgumentException($"expected {(long)timesteps * batch} source tokens ([Ts={timesteps}, B={batch}]), got {sourceTokens.Length}.", nameof(sourceTokens));
        }
        CheckLengths(sourceLengths, timesteps, "source", nameof(sourceLengths));
        _encoder.Input.CheckTokenIds(sourceTokens, nameof(sourceTokens));
        Encode(sourceTokens, sourceLengths, timesteps, batch, ForwardMode.Inference);
        ReadOnlySpan<float> hidden = InitialState(batch, out ReadOnlySpan<float> cell);
        return new Seq2SeqStepDecoder(_decoder, Config.TargetVocabularySize, _encoder.Context, _decoder.ProjectContext(_encoder.Context, batch), hidden, cell, batch);
    }

    /// <summary>Checks the batch, encodes the sources, sets s_0 and runs the decoder; returns the logits [Tt*B, Vt].</summary>
    private Span<float> Forward(Seq2SeqBatch batch, ForwardMode mode)
    {
        CheckBatch(batch);
        int b = batch.Batch;
        Encode(batch.SourceTokens, batch.SourceLengths, batch.SourceTimesteps, b, mode);
        ReadOnlySpan<float> hidden = InitialState(b, out ReadOnlySpan<float> cell);
        return _decoder.Forward(batch.DecoderInputs, batch.TargetTimesteps, b, _encoder.Context, _decoder.ProjectContext(_encoder.Context, b), hidden, cell, [], [], mode);
    }

    /// <summary>The encoder over the sources; lengths go to it only when a source ends early, so a batch of full sources
    /// keeps the embedding's gathered path.</summary>
    private void Encode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, int timesteps, int batch, ForwardMode mode)
    {
        bool full = !lengths.ContainsAnyExcept(timesteps);
        _encoder.Forward(tokens, full ? [] : lengths, timesteps, batch, mode);
    }

    /// <summary>s_0 of the last encoding, h_0 returned and <paramref name="cell"/> c_0: through the bridge (an LSTM's c_0 = 0,
    /// empty), or the encoder's final state.</summary>
    private ReadOnlySpan<float> InitialState(int batch, out ReadOnlySpan<float> cell)
    {
        if (_bridge is null)
        {
            cell = _encoder.FinalCell;
            return _encoder.FinalHidden;
        }
        Span<float> hidden = Grow(ref _initialHidden, _decoder.Stack.StateLength(batch));
        _bridge.Forward(_encoder.Context, batch, hidden);
        cell = [];
        return hidden;
    }

    /// <summary>dLogits (written over the logits) back through the decoder, the bridge or the initial state, and the encoder.</summary>
    private void Backward(Seq2SeqBatch batch)
    {
        int b = batch.Batch, stateLength = _decoder.Stack.StateLength(b);
        Span<float> dContext = Grow(ref _dContext, b * Config.ContextSize);
        dContext.Clear();
        Span<float> dHidden = Grow(ref _dInitialHidden, stateLength);
        // Without a bridge an LSTM's c_0 is the encoder's final cell state and takes a gradient; through the bridge c_0 = 0.
        Span<float> dCell = _bridge is null ? Grow(ref _dInitialCell, _decoder.Stack.CellStateLength(b)) : [];
        _decoder.Backward(batch.DecoderInputs, batch.TargetTimesteps, b, _encoder.Context, dContext, dHidden, dCell);
        if (_bridge is not null)
        {
            _bridge.Backward(_encoder.Context, b, dHidden, dContext);
            _encoder.Backward(batch.SourceTokens, dContext, [], []);
        }
        else
        {
            _encoder.Backward(batch.SourceTokens, dContext, dHidden, dCell);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the batch does not fit the model: lengths, token ids, and a target at
    /// every decoder timestep of a pair and <see cref="KernelSet.IgnoreTarget"/> only past it.</summary>
    private void CheckBatch(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckLengths(batch.SourceLengths, batch.SourceTimesteps, "source", nameof(batch));
        CheckLengths(batch.TargetLengths, batch.TargetTimesteps, "target", nameof(batch));
        _encoder.Input.CheckTokenIds(batch.SourceTokens, nameof(batch));
        _decoder.Embedding.CheckTokenIds(batch.DecoderInputs, nameof(batch));
        int vocabulary = Config.TargetVocabularySize;
        for (int row = 0; row < batch.DecoderTargets.Length; row++)
        {
            int target = batch.DecoderTargets[row];
            bool padding = row / batch.Batch >= batch.TargetLengths[row % batch.Batch];
            if (padding ? target != KernelSet.IgnoreTarget : (uint)target >= (uint)vocabulary)
            {
                throw new ArgumentException($"decoder target {row} (timestep {row / batch.Batch} of pair {row % batch.Batch}) is {target}: a pair's timesteps need a token in [0, {vocabulary}), padding IgnoreTarget ({KernelSet.IgnoreTarget}).", nameof(batch));
            }
        }
    }

    private static void CheckLengths(ReadOnlySpan<int> lengths, int timesteps, string side, string name)
    {
        for (int b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 1 || lengths[b] > timesteps)
            {
                throw new ArgumentException($"{side} {b}'s length {lengths[b]} is outside [1, {timesteps}].", name);
            }
        }
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}

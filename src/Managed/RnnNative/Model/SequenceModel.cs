using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A whole-sequence model (tagger, classifier, regressor) over padded batches of B sequences
/// (<see cref="SequenceBatch"/>): an input part (<see cref="EmbeddingInput"/>, <see cref="OneHotInput"/> or
/// <see cref="DenseInput"/>), then a body that runs each sequence for its own length and ends in the output rows y
/// (<see cref="SequenceBody"/>), then the loss (<see cref="SequenceLoss"/>). For Elman, LSTM and GRU cells the body is the
/// recurrent stack (bidirectional or not) and a linear head (<see cref="StackBody"/>):
/// <code>
/// x_t    = embedding[token_t] [E]  |  onehot(token_t) [V]  |  features_t [F]      [T*B, I]
/// out_t  = stack(x_1..x_len)  from a zero state                                  [T*B, D*H]
/// tagger:     p_t = softmax(out_t · W_outᵀ + b_out)             loss = mean over the Positions of -log p_t[tag_t]
/// classifier: p   = softmax(pool(out) · W_outᵀ + b_out)         loss = mean over B of -log p[class]
/// regressor:  y_t = out_t · W_outᵀ + b_out  (or y = pool(out) · W_outᵀ + b_out)   loss = mean squared error
/// </code>
/// For the Jordan cell it is one Jordan layer, which owns its output layer and feeds back its output y_{t-1}
/// (<see cref="JordanBody"/>): y above is its logits z_t (tagger, per-step regressor) or their pooled row per sequence.
/// Padding (timesteps past a sequence's length) gives no loss and no gradient, and its inputs are never read.
/// Dropout (<see cref="SequenceModelConfig.Dropout"/>) as the language model's: the embedding, between layers and the
/// head's input, in training only (a Jordan network's embedding only); one-hot and dense inputs are not dropped.
/// Not thread-safe: one call at a time per instance; for inference on several threads, give each a <see cref="CreateInferenceReplica"/>.
/// </summary>
public sealed class SequenceModel : IBatchModel<SequenceBatch>
{
    private readonly SequenceBody _body;
    private readonly SequenceLoss _loss;
    private readonly bool _isInferenceReplica;

    /// <summary>A model of <paramref name="config"/> (validated) with zero weights until <see cref="Initialize(ulong)"/> or a load,
    /// computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
    public SequenceModel(SequenceModelConfig config, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Kernels = kernels ?? KernelSet.Active;
        _body = SequenceBody.Create(config, Kernels);
        _loss = new SequenceLoss(config, Kernels);
        Version = new WeightVersion();
        Blocks = [.. _body.CreateBlocks(Version)];
    }

    /// <summary>A replica: shares <paramref name="source"/>'s weights, owns its scratch buffers, has no gradients.</summary>
    private SequenceModel(SequenceModel source)
    {
        Config = source.Config;
        Kernels = source.Kernels;
        _body = source._body.CreateReplica();
        _loss = source._loss;
        Version = source.Version;
        _isInferenceReplica = true;
        Blocks = [.. _body.CreateBlocks(Version)];
    }

    /// <summary>Kind, input, cell, sizes, layers and head options.</summary>
    public SequenceModelConfig Config { get; }

    /// <summary>The kernel path every computation of this model runs on.</summary>
    public KernelSet Kernels { get; }

    /// <summary>Every trainable vector, each parameter in one block (gradients empty in a replica): "embedding" [V, E] (embedding
    /// input only); for a stack cell "rnn" (the stack) and "decoder" (W_out [C, D*H] followed by b_out [C]); for the Jordan
    /// cell "jordan", the layer's one vector (<see cref="JordanLayer.Tensors"/>: rnn.* then decoder.*).</summary>
    public IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>Moves whenever the weights change through the engine (optimizer updates, <see cref="Initialize(Random)"/>); shared with replicas.</summary>
    public WeightVersion Version { get; }

    /// <summary>The weights of <paramref name="seed"/>, mapped as <see cref="LanguageModel.Initialize(ulong)"/> maps it, for every front door.</summary>
    public void Initialize(ulong seed) => Initialize(new Random(LanguageModel.InitializationSeed(seed)));

    /// <summary>Drawn from <paramref name="random"/>: embedding ~ N(0, 1) as nn.Embedding (embedding input only); the stack as its
    /// config's initialization says and the decoder uniform in ±1/sqrt(D*H) as nn.Linear; a Jordan layer's every weight
    /// uniform in ±1/sqrt(H).</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        _body.Initialize(random);
        Version.Advance();
    }

    /// <summary>
    /// Every tensor under its state_dict name (<see cref="SequenceModelConfig.TensorShapes"/>), viewing the model's own
    /// parameters (or their gradients): <c>embedding.weight</c> [V, E] (embedding input only); <c>rnn.weight_ih_l{k}</c>,
    /// <c>rnn.weight_hh_l{k}</c>, <c>rnn.bias_ih_l{k}</c>, <c>rnn.bias_hh_l{k}</c> (and <c>_reverse</c>), or a Jordan layer's
    /// <c>rnn.weight_ih_l0</c>, <c>rnn.weight_yh_l0</c>, <c>rnn.bias_l0</c>; <c>decoder.weight</c> [C, D*H]; <c>decoder.bias</c> [C].
    /// </summary>
    public IEnumerable<(string Name, int[] Shape, Memory<float> Values)> NamedTensors(bool gradients = false) =>
        Config.TensorShapes().Zip(_body.TensorViews(gradients), (tensor, values) => (tensor.Name, tensor.Shape, values));

    /// <summary>Sets every gradient to zero (a training batch adds to them).</summary>
    public void ZeroGradients()
    {
        foreach (ParameterBlock block in Blocks)
        {
            block.Gradients.AsSpan().Clear();
        }
    }

    /// <summary>A model that reads this one's weights (shared, not copied) with its own scratch buffers, so
    /// <see cref="EvaluateBatch"/> and <see cref="Predict"/> can run on one replica per thread while nothing trains.
    /// Replicas have no gradients; <see cref="TrainBatch"/> on one throws.</summary>
    public SequenceModel CreateInferenceReplica() => new(this);

    /// <summary>
    /// Forward and backward over one batch: returns the summed loss (nats, or squared error) over its
    /// <see cref="LossTerms"/> terms and adds the gradient of the mean loss to every block's gradients.
    /// With dropout, the units dropped are drawn from (<paramref name="seed"/>, <paramref name="update"/>), as <see cref="LanguageModel.TrainWindow"/> draws them.
    /// </summary>
    public double TrainBatch(SequenceBatch batch, ulong seed = 0, long update = 0)
    {
        if (_isInferenceReplica)
        {
            throw new InvalidOperationException("an inference replica has no gradients; train the model it was made from.");
        }
        Span<float> y = Forward(batch, ForwardMode.Training(seed, update));
        double loss = _loss.Loss(y, batch, gradients: true, 1f / LossTerms(batch));
        _body.Backward(batch);
        return loss;
    }

    /// <summary>The summed loss over one batch's <see cref="LossTerms"/> terms, without gradients or dropout.</summary>
    public double EvaluateBatch(SequenceBatch batch)
    {
        return _loss.Loss(Forward(batch, ForwardMode.Inference), batch, gradients: false, 0f);
    }

    /// <summary>What the mean loss of <paramref name="batch"/> divides by: Positions (tagger), B (classifier), Positions*O
    /// (per-step regressor) or B*O (regressor at the end).</summary>
    public int LossTerms(SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _loss.LossTerms(batch);
    }

    /// <summary>
    /// The predictions for <paramref name="batch"/> (its targets are not read), without dropout: a tagger's
    /// probabilities [T*B, C] (time-major, zeros at padding), a classifier's [B, C], a regressor's values
    /// [B, O] or, per step, [T*B, O] (zeros at padding).
    /// </summary>
    public void Predict(SequenceBatch batch, Span<float> outputs)
    {
        CheckInputs(batch);
        int expected = _loss.Rows(batch) * Config.Outputs;
        if (outputs.Length != expected)
        {
            throw new ArgumentException($"expected {expected} outputs ([{(Config.HeadPerTimestep ? "T*B" : "B")}={_loss.Rows(batch)}, {Config.Outputs}]), got {outputs.Length}.", nameof(outputs));
        }
        _loss.Predict(RunBody(batch, ForwardMode.Inference), batch, outputs);
    }

    /// <summary>Checks <paramref name="batch"/> and its targets, then runs the body; returns y.</summary>
    private Span<float> Forward(SequenceBatch batch, ForwardMode mode)
    {
        CheckInputs(batch);
        CheckTargets(batch);
        return RunBody(batch, mode);
    }

    /// <summary>The body over the batch, each sequence for its own length; lengths go to the body only when a
    /// sequence ends early, so a batch of full sequences keeps the token table's gathered path.</summary>
    private Span<float> RunBody(SequenceBatch batch, ForwardMode mode)
    {
        bool full = !batch.Lengths.AsSpan().ContainsAnyExcept(batch.Timesteps);
        return _body.Forward(batch, full ? [] : batch.Lengths, mode);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the batch's inputs do not fit the model: the input kind and
    /// feature size, the lengths, the token ids.</summary>
    private void CheckInputs(SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        bool dense = Config.Input == InputEncoding.Dense;
        if (batch.FeatureSize != (dense ? Config.FeatureSize : 0))
        {
            throw new ArgumentException(dense
                ? $"the model reads {Config.FeatureSize} features per timestep, the batch has {batch.FeatureSize}."
                : $"the model reads token ids, the batch has {batch.FeatureSize} features per timestep.", nameof(batch));
        }
        for (int b = 0; b < batch.Batch; b++)
        {
            if (batch.Lengths[b] < 1 || batch.Lengths[b] > batch.Timesteps)
            {
                throw new ArgumentException($"sequence {b}'s length {batch.Lengths[b]} is outside [1, T={batch.Timesteps}].", nameof(batch));
            }
        }
        if (_body.Input is TokenInput tokens)
        {
            tokens.CheckTokenIds(batch.Tokens, nameof(batch));
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the batch's targets are not this model's: their kind, O, and
    /// (tagger) a class at every valid timestep and <see cref="KernelSet.IgnoreTarget"/> at padding.</summary>
    private void CheckTargets(SequenceBatch batch)
    {
        if (batch.Target != Config.Target)
        {
            throw new ArgumentException($"a {Config.Kind} of this config trains on {Config.Target} targets, the batch has {batch.Target}.", nameof(batch));
        }
        if (Config.Kind == ModelKind.Regressor && batch.ValueSize != Config.Outputs)
        {
            throw new ArgumentException($"the model predicts {Config.Outputs} values per target, the batch has {batch.ValueSize}.", nameof(batch));
        }
        if (batch.Target != TargetKind.StepClasses)
        {
            return;
        }
        for (int row = 0; row < batch.StepTargets.Length; row++)
        {
            bool padding = row / batch.Batch >= batch.Lengths[row % batch.Batch];
            if (padding != (batch.StepTargets[row] == KernelSet.IgnoreTarget))
            {
                throw new ArgumentException($"step target {row} (timestep {row / batch.Batch} of sequence {row % batch.Batch}) is {batch.StepTargets[row]}: padding must carry IgnoreTarget ({KernelSet.IgnoreTarget}) and only padding.", nameof(batch));
            }
        }
    }
}

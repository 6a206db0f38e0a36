using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// What a <see cref="LanguageModel"/> of the Jordan cell computes between a window's tokens and its loss: the input part's
/// rows feed one <see cref="JordanLayer"/>, which owns the output layer ("decoder") and feeds back its softmax, starting
/// from the y the state carries:
/// <code>
/// x_t  = embedding[token_t] (dropped in training) or onehot(token_t)              [T*B, I]
/// h_t  = f(W_ih x_t + W_yh y_{t-1} + b),  z_t = W_out h_t + b_out,  y_t = softmax(z_t)   [T*B, V]
/// y before the window = state.Hidden [B, V] (0 at the start of a stream);  state.Hidden ← y of the last timestep
/// loss = Σ over T*B of -log softmax(z_t)[target_t]   (nats; the gradient of the mean stops at the window's start)
/// </code>
/// The loss's softmax of z_t is the y the layer fed back (the same kernel on the same logits). A step is a window of
/// one timestep. One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal sealed class JordanLanguageBody
{
    private readonly JordanLayer _layer;
    private readonly TokenInput _input;
    private float[] _dLogits = [];   // [T*B, V]

    /// <summary>The layer of <paramref name="config"/> (a Jordan cell) reading the rows of <paramref name="input"/>.</summary>
    public JordanLanguageBody(LanguageModelConfig config, TokenInput input, KernelSet kernels)
    {
        _layer = new JordanLayer(config.Recurrent.InputSize, config.HiddenSize, config.VocabularySize, config.Activation, JordanOutput.Softmax, kernels);
        _input = input;
    }

    private JordanLanguageBody(JordanLayer layer, TokenInput input)
    {
        _layer = layer;
        _input = input;
    }

    private int V => _layer.OutputSize;

    /// <summary>"jordan": the layer's one vector, <c>rnn.*</c> then <c>decoder.*</c> (gradients empty in a replica).</summary>
    public ParameterBlock CreateBlock(WeightVersion version) => new("jordan", _layer.Parameters, _layer.Gradients) { Version = version };

    /// <summary>The layer's tensors (or their gradients) in the order of <see cref="JordanLayer.TensorShapes"/>.</summary>
    public IEnumerable<Memory<float>> TensorViews(bool gradients)
    {
        float[] layer = gradients ? _layer.Gradients : _layer.Parameters;
        return _layer.Tensors.Select(tensor => layer.AsMemory(tensor.Offset, tensor.Length));
    }

    /// <summary>Every weight of the layer uniform in ±1/sqrt(H) (<see cref="JordanLayer.Initialize"/>); the input part draws its own first.</summary>
    public void Initialize(Random random) => _layer.Initialize(random);

    /// <summary>Runs the window's <paramref name="tokens"/> [T, B] (checked by the caller) from the y in <paramref name="state"/>,
    /// and leaves the last timestep's y there.</summary>
    public void Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, RecurrentState state, ForwardMode mode)
    {
        if (state.Hidden.Length != batch * V)
        {
            throw new ArgumentException($"a Jordan language model carries its output y [1, B, V={V}] ({batch * V} floats for {batch} streams), but the state holds {state.Hidden.Length}: make it with new RecurrentState(model.Config, batch).", nameof(state));
        }
        _layer.Forward(_input.Rows(tokens, mode), timesteps, batch, initialOutput: state.Hidden);
        _layer.FinalOutputs.CopyTo(state.Hidden);
    }

    /// <summary>The logits z [rows, V] of the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<float> Logits(int rows) => _layer.Logits[..(rows * V)];

    /// <summary>The summed loss in nats of the last forward's <paramref name="targets"/> [rows], without gradients.</summary>
    public double Loss(ReadOnlySpan<int> targets, int rows) => _layer.Kernels.SoftmaxCrossEntropy(Logits(rows), rows, V, targets, [], 0f);

    /// <summary>The summed loss of the last forward's <paramref name="targets"/>; adds the gradient of the mean loss over the
    /// <paramref name="rows"/> to the layer's and the input part's gradients (<paramref name="tokens"/>: the window's).</summary>
    public double Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<int> targets, int rows)
    {
        if (_dLogits.Length < rows * V) _dLogits = new float[rows * V];
        Span<float> dLogits = _dLogits.AsSpan(0, rows * V);
        // dz = (softmax(z) - onehot(target)) / rows
        double loss = _layer.Kernels.SoftmaxCrossEntropy(Logits(rows), rows, V, targets, dLogits, 1f / rows);
        _layer.Backward(dLogits, _input.RowGradients(rows));
        _input.BackwardRows(tokens);
        return loss;
    }

    /// <summary>A body for a replica reading the rows of <paramref name="replicaInput"/>: these weights, its own scratch buffers, no gradients.</summary>
    public JordanLanguageBody CreateReplica(TokenInput replicaInput) => new(_layer.CreateInferenceReplica(), replicaInput);
}

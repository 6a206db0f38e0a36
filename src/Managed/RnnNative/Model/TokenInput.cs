using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model's input part over token ids: how the tokens of a window reach the recurrent stack's first
/// layer, and how the gradient leaving the stack reaches the input's own weights (and W_ih_l0, when the
/// part fed the stack projections it gathered itself). One per model instance; a replica gets its own,
/// sharing the weights. <see cref="Create"/> picks the part of an <see cref="InputEncoding"/>.
/// </summary>
internal abstract class TokenInput(LanguageModelConfig config, RecurrentStack stack, KernelSet kernels)
{
    /// <summary>The part of <paramref name="config"/>'s <see cref="InputEncoding"/>, over <paramref name="stack"/>.</summary>
    public static TokenInput Create(LanguageModelConfig config, RecurrentStack stack, KernelSet kernels) =>
        config.Input == InputEncoding.OneHot ? new OneHotInput(config, stack, kernels) : new EmbeddingInput(config, stack, kernels);

    protected LanguageModelConfig Config => config;

    protected RecurrentStack Stack => stack;

    protected KernelSet Kernels => kernels;

    /// <summary>V: the tokens the part reads.</summary>
    protected int V => config.VocabularySize;

    /// <summary>G*H: the width of a row of gates.</summary>
    protected int GateWidth => stack.Config.GateCount * config.HiddenSize;

    /// <summary>W_ih_l0 [G*H, I] inside the stack's parameters or gradients.</summary>
    protected Span<float> InputWeights(float[] stackVector) => stackVector.AsSpan(stack.Tensors[0].Offset, stack.Tensors[0].Length);

    /// <summary>The part's own trainable vectors in file order (an embedding; none for one-hot input), moving <paramref name="version"/>.</summary>
    public abstract IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version);

    /// <summary>Its tensors' values (or gradients) in the order <see cref="LanguageModelConfig.TensorShapes"/> lists them.</summary>
    public abstract IEnumerable<Memory<float>> TensorViews(bool gradients);

    /// <summary>The embedding [V, E] a step reads for a token when there is no token table (empty for one-hot input).</summary>
    public abstract ReadOnlySpan<float> Embedding { get; }

    /// <summary>Draws the part's weights from <paramref name="random"/> (before the stack's, as always).</summary>
    public abstract void Initialize(Random random);

    /// <summary>Runs the stack over the window's <paramref name="tokens"/> [T, B] (checked by the caller), from and into <paramref name="state"/>.</summary>
    public abstract void Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, RecurrentState state, ForwardMode mode);

    /// <summary>Backpropagates <paramref name="dOutput"/> [T*B, H] through the stack of the last <see cref="Forward"/> and into the part's weights.</summary>
    public abstract void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput);

    /// <summary>Layer 0's input projection of every token, without biases: <paramref name="table"/> [V, G*H].</summary>
    public abstract void ProjectTokens(Span<float> table);

    /// <summary>A part for a replica over <paramref name="replicaStack"/>: these weights, its own scratch buffers, no gradients.</summary>
    public abstract TokenInput CreateReplica(RecurrentStack replicaStack);
}

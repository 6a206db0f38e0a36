using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Randomness;

namespace RnnNative.Model;

/// <summary>
/// A language model's output part over the top layer's outputs h [rows, H]: its parameters (the block "decoder"), the
/// loss of a window, and a step's distribution over the V tokens. <see cref="SoftmaxHead"/>: one softmax over all V
/// logits; <see cref="ClassSoftmaxHead"/>: class-factored. <see cref="Create"/> picks the head of a config's
/// <see cref="LanguageModelConfig.Softmax"/>. One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal abstract class LanguageModelHead
{
    /// <summary>The head <paramref name="config"/> asks for, with its dropout on h (place L).</summary>
    public static LanguageModelHead Create(LanguageModelConfig config, KernelSet kernels) =>
        config.Softmax == SoftmaxKind.Class
            ? new ClassSoftmaxHead(kernels, config.VocabularySize, config.ClassCount, config.HiddenSize, config.Dropout, place: config.Layers)
            : new SoftmaxHead(kernels, config.VocabularySize, config.HiddenSize, config.Dropout, place: config.Layers);

    /// <summary>The word rows W [V, H] followed by their biases b [V], row r for token <see cref="Classes"/>.Order[r]
    /// (token r with the full softmax): what a single-token step streams.</summary>
    public abstract ReadOnlySpan<float> WordWeights { get; }

    /// <summary>The word classes of a class-factored head; null for the full softmax.</summary>
    public abstract WordClasses? Classes { get; }

    /// <summary>The trainable block "decoder", moving <paramref name="version"/>.</summary>
    public abstract ParameterBlock CreateBlock(WeightVersion version);

    /// <summary>The head's tensors (or their gradients) in the order <see cref="LanguageModelConfig.TensorShapes"/> names them.</summary>
    public abstract IEnumerable<Memory<float>> TensorViews(bool gradients);

    /// <summary>Uniform in ±1/sqrt(H), as nn.Linear.</summary>
    public abstract void Initialize(Random random);

    /// <summary>The forward of a window whose <paramref name="targets"/> [rows] are known (training, evaluation): what
    /// <see cref="Loss"/> and <see cref="Backward"/> read, dropping h in a training <paramref name="mode"/>.</summary>
    public abstract void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, ForwardMode mode);

    /// <summary>The summed loss in nats of the last forward's <paramref name="targets"/> [rows], without gradients.
    /// A target of <see cref="KernelSet.IgnoreTarget"/> adds nothing.</summary>
    public abstract double Loss(ReadOnlySpan<int> targets, int rows);

    /// <summary>The summed loss of the last forward's <paramref name="targets"/>; adds the gradient of the mean loss over
    /// the rows to the head's gradients and returns dLoss/dh [rows, H] (through the dropout).
    /// <paramref name="input"/>: what the last forward was given.</summary>
    public abstract ReadOnlySpan<float> Backward(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int rows, out double loss);

    /// <summary>A single-token step's <paramref name="logits"/> [V] in token-id order from h [H] and the word logits
    /// <paramref name="wordLogits"/> [V] the step computed from <see cref="WordWeights"/> (row order; overwritten).</summary>
    public abstract void FinishStep(ReadOnlySpan<float> hidden, Span<float> wordLogits, Span<float> logits);

    /// <summary>Draws each row's next token into <paramref name="next"/> [rows] for h [rows, H], with
    /// row i's temperature <paramref name="temperatures"/>[i] (0: greedy) and generator <paramref name="randoms"/>[i].</summary>
    public abstract void Sample(ReadOnlySpan<float> input, int rows, ReadOnlySpan<float> temperatures, ReadOnlySpan<SeededRandom> randoms, Span<int> next);

    /// <summary>A head for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public abstract LanguageModelHead CreateReplica();
}

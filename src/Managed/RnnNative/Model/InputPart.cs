using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model's input part: how the inputs of a batch reach the recurrent stack's first layer, and how the
/// gradient leaving the stack reaches the part's own weights. <see cref="TokenInput"/> reads token ids
/// (an embedding or one-hot vectors), <see cref="DenseInput"/> floats. A part without a stack (a Jordan
/// network's, <see cref="JordanBody"/>) only gives the rows x [T*B, I] (<see cref="Rows"/>) and takes their
/// gradient back (<see cref="BackwardRows"/>). One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal abstract class InputPart(RecurrentStack? stack, KernelSet kernels)
{
    /// <summary>The part of <paramref name="config"/>'s input encoding, feeding <paramref name="stack"/> (null: rows only).</summary>
    public static InputPart Create(SequenceModelConfig config, RecurrentStack? stack, KernelSet kernels) =>
        config.Input == InputEncoding.Dense
            ? new DenseInput(stack, kernels)
            : TokenInput.Create(config.Input, config.VocabularySize, config.EmbeddingSize, config.Dropout, stack, kernels);

    /// <summary>The stack the part feeds; only the stack paths read it, and a part made without one never takes them.</summary>
    protected RecurrentStack Stack => stack ?? throw new InvalidOperationException("this input part gives rows to a Jordan network and feeds no stack.");

    protected KernelSet Kernels => kernels;

    /// <summary>The part's own trainable vectors in file order (an embedding; none for one-hot or dense input), moving <paramref name="version"/>.</summary>
    public abstract IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version);

    /// <summary>Its tensors' values (or gradients) in the order the model's config lists them.</summary>
    public abstract IEnumerable<Memory<float>> TensorViews(bool gradients);

    /// <summary>Draws the part's weights from <paramref name="random"/> (before the stack's, as always).</summary>
    public abstract void Initialize(Random random);

    /// <summary>Runs the stack from a zero state over the inputs of <paramref name="batch"/> (checked by the caller);
    /// <paramref name="lengths"/> [B] as <see cref="RecurrentStack.Forward"/> takes them (empty: every sequence T timesteps).</summary>
    public abstract void Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode);

    /// <summary>Backpropagates <paramref name="dOutput"/> [T*B, D*H] through the stack of the last <see cref="Forward(SequenceBatch, ReadOnlySpan{int}, ForwardMode)"/> and into the part's weights.</summary>
    public abstract void Backward(SequenceBatch batch, ReadOnlySpan<float> dOutput);

    /// <summary>The rows x [T*B, I] layer 0 reads for <paramref name="batch"/>'s inputs (checked by the caller): embeddings
    /// (dropped in training), one-hot vectors, or the features; valid until the part's next call.</summary>
    public abstract ReadOnlySpan<float> Rows(SequenceBatch batch, ForwardMode mode);

    /// <summary>Where dLoss/dx [<paramref name="rows"/>, I] goes for <see cref="BackwardRows"/>; empty when the part has no
    /// weights (one-hot, dense input), so nobody computes a gradient that reaches nothing.</summary>
    public abstract Span<float> RowGradients(int rows);

    /// <summary>Adds the gradient in <see cref="RowGradients"/> (of the last <see cref="Rows"/>) to the part's own weights.</summary>
    public abstract void BackwardRows(SequenceBatch batch);

    /// <summary>A part for a replica over <paramref name="replicaStack"/>: these weights, its own scratch buffers, no gradients.</summary>
    public abstract InputPart CreateReplica(RecurrentStack? replicaStack);
}

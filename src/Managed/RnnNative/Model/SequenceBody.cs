using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// What a <see cref="SequenceModel"/> computes between a batch and its loss: the input part, the recurrence and the
/// output layer, giving the rows y [rows, C] the loss reads (<see cref="SequenceLoss"/>). <see cref="StackBody"/>: a
/// recurrent stack and a linear head; <see cref="JordanBody"/>: a Jordan network, which owns its output layer.
/// <see cref="Create"/> picks the body of a config's cell. One per model instance; a replica gets its own, sharing the weights.
/// </summary>
internal abstract class SequenceBody
{
    /// <summary>The body of <paramref name="config"/>'s cell: a stack for a stack cell (Elman, LSTM, GRU), else a Jordan network.</summary>
    public static SequenceBody Create(SequenceModelConfig config, KernelSet kernels) =>
        config.Recurrent.Kind.IsStackCell ? new StackBody(config, kernels) : new JordanBody(config, kernels);

    /// <summary>The input part (the model checks token ids with it).</summary>
    public abstract InputPart Input { get; }

    /// <summary>The trainable blocks in file order, each parameter in exactly one, moving <paramref name="version"/>
    /// (gradients empty in a replica).</summary>
    public abstract IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version);

    /// <summary>Every tensor's values (or gradients) in the order <see cref="SequenceModelConfig.TensorShapes"/> lists them.</summary>
    public abstract IEnumerable<Memory<float>> TensorViews(bool gradients);

    /// <summary>Draws the weights from <paramref name="random"/>, the input part's first.</summary>
    public abstract void Initialize(Random random);

    /// <summary>Runs the batch (checked by the caller) from a zero state, each sequence for its own length
    /// (<paramref name="lengths"/> [B], or empty when all are T), and returns y [rows, C], every timestep's or one pooled row
    /// per sequence; the loss may overwrite it with dy before <see cref="Backward"/>.</summary>
    public abstract Span<float> Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode);

    /// <summary>Backpropagates dy, written over the rows the last <see cref="Forward"/> returned, into every gradient.</summary>
    public abstract void Backward(SequenceBatch batch);

    /// <summary>A body for a replica: these weights, its own scratch buffers, no gradients.</summary>
    public abstract SequenceBody CreateReplica();
}

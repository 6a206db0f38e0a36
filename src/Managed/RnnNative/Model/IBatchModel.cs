using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// A model trained on independent padded batches of whole examples (<see cref="SequenceModel"/> on sequences,
/// <see cref="Seq2SeqModel"/> on pairs): what the training task of such batches needs from it, so one task body serves both.
/// </summary>
/// <typeparam name="TBatch">The padded batch the model reads.</typeparam>
public interface IBatchModel<in TBatch>
{
    /// <summary>The trainable blocks, with their gradients.</summary>
    IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>The kernel path the model computes on.</summary>
    KernelSet Kernels { get; }

    /// <summary>Forward and backward over <paramref name="batch"/>: the summed loss over its <see cref="LossTerms"/>, adding the gradient of
    /// the mean; <paramref name="seed"/> and <paramref name="update"/> decide the dropout masks.</summary>
    double TrainBatch(TBatch batch, ulong seed, long update);

    /// <summary>The summed loss over <paramref name="batch"/>, no gradients, no dropout.</summary>
    double EvaluateBatch(TBatch batch);

    /// <summary>What the mean loss of <paramref name="batch"/> divides by.</summary>
    int LossTerms(TBatch batch);
}

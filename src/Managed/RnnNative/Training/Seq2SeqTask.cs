using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// An encoder-decoder (<see cref="Seq2SeqModel"/>) as a <see cref="ITrainingTask"/>: teacher-forced batches of
/// <see cref="TrainingOptions.BatchSize"/> pairs of the training set, bucketed by source length, then target length
/// (<see cref="PairBatcher"/>, <see cref="BatchOrder.Bucketed"/>), each batch's loss the mean over its predicted tokens
/// (<see cref="Seq2SeqModel.LossTerms"/>: every target token and the end token); validation = Σ loss / Σ predicted
/// tokens over the held-out pairs in their order. Batches are independent: nothing is carried. A batch's items are its
/// predicted tokens (Positions). The order of the batches comes from the run's seed (<see cref="TrainingOptions.Seed"/>),
/// which a resumable file stores: with the saved (epoch, batch) a resumed walk gives exactly the unbroken run's batches.
/// </summary>
public sealed class Seq2SeqTask : WholeSequenceTask<Seq2SeqBatch>
{
    private readonly PairSet _train;
    private readonly PairSet? _validation;

    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/> in batches of <paramref name="options"/>'
    /// <see cref="TrainingOptions.BatchSize"/> pairs ordered by its <see cref="TrainingOptions.Seed"/>, validating on <paramref name="validation"/> when it has pairs.</summary>
    /// <param name="order">How training batches are made: bucketed by length (the product's way), or another <see cref="BatchOrder"/>.</param>
    /// <exception cref="ArgumentException">The training set is empty, or a set has a token id outside the model's vocabulary of its side.</exception>
    public Seq2SeqTask(Seq2SeqModel model, PairSet train, PairSet? validation, TrainingOptions options, BatchOrder order = BatchOrder.Bucketed)
        : this(model, (Checked(model, train, options), validation is { Count: > 0 } ? Fits(model, validation, nameof(validation)) : null), options, order)
    {
    }

    private Seq2SeqTask(Seq2SeqModel model, (PairSet Train, PairSet? Validation) sets, TrainingOptions options, BatchOrder order)
        : base(model, new PairBatcher(sets.Train, options.BatchSize, order, options.Seed), sets.Validation is null ? null : new PairBatcher(sets.Validation, options.BatchSize, BatchOrder.InOrder))
    {
        (_train, _validation) = sets;
    }

    /// <summary>The pair counts, token counts (both sides) and checksum of both sets (<see cref="TrainingData.Of(PairSet, PairSet?, DataOrigin)"/>); reads them once.</summary>
    public override TrainingData DescribeData(DataOrigin origin) => TrainingData.Of(_train, _validation, origin);

    /// <summary>A batch's predicted tokens: its targets' tokens and their end tokens.</summary>
    private protected override long Items(Seq2SeqBatch batch) => batch.Positions;

    private static PairSet Checked(Seq2SeqModel model, PairSet train, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (train.Count == 0) throw new ArgumentException("the training set has no pairs.", nameof(train));
        return Fits(model, train, nameof(train));
    }

    /// <summary><paramref name="set"/>, checked to hold only ids of the model's source and target vocabularies.</summary>
    private static PairSet Fits(Seq2SeqModel model, PairSet set, string paramName)
    {
        CheckIds(set.SourceTokens, model.Config.SourceVocabularySize, "source", paramName);
        CheckIds(set.TargetTokens, model.Config.TargetVocabularySize, "target", paramName);
        return set;
    }

    private static void CheckIds(int[] tokens, int vocabulary, string side, string paramName)
    {
        int largest = tokens.Length == 0 ? 0 : tokens.Max();
        if (largest >= vocabulary)
        {
            throw new ArgumentException($"the set has {side} token id {largest}; the model's {side} vocabulary has {vocabulary} ids (0..{vocabulary - 1}).", paramName);
        }
    }
}

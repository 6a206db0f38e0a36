namespace RnnNative.Datasets;

/// <summary>How a <see cref="Batcher{TBatch}"/> (of sequences or pairs) groups and orders the examples of an epoch.</summary>
public enum BatchOrder
{
    /// <summary>
    /// Training: shuffle, cut into chunks of <see cref="Batcher{TBatch}.ChunkBatches"/>·B sequences, sort each
    /// chunk by length (pairs: source length, then target length), cut it into batches and shuffle the order of
    /// all batches. Sequences of a batch have similar lengths, so padding costs little, and batches still come
    /// in a random order.
    /// </summary>
    Bucketed = 0,

    /// <summary>Training without bucketing: shuffle, cut into batches (the baseline of the padded fraction).</summary>
    Shuffled = 1,

    /// <summary>Evaluation and prediction: consecutive sequences in the set's order, every epoch the same.</summary>
    InOrder = 2,
}

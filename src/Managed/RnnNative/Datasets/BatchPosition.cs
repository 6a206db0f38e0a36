namespace RnnNative.Datasets;

/// <summary>Where a <see cref="Batcher{TBatch}"/> is: the next batch it gives is batch <paramref name="Batch"/> of epoch <paramref name="Epoch"/>.</summary>
/// <param name="Epoch">Passes over the set completed so far (0-based).</param>
/// <param name="Batch">Batches of this epoch given so far, 0..BatchesPerEpoch.</param>
public readonly record struct BatchPosition(int Epoch, int Batch);

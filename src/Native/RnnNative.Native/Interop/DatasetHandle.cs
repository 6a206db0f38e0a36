namespace RnnNative.Native.Interop;

/// <summary>
/// An rnn_dataset handle holds sequences of a tagger, classifier or regressor (<see cref="DatasetSession"/>) or, since
/// 0.5.0, pairs of a seq2seq model (<see cref="PairDatasetSession"/>). Exports that read one of them look the handle up
/// here: the other is an argument error naming what the dataset holds.
/// </summary>
internal static class DatasetHandle
{
    /// <summary>The sequences behind <paramref name="handle"/>.</summary>
    public static DatasetSession Sequences(nint handle, string argument) =>
        HandleTable.Get<object>(handle, HandleKind.Dataset, argument) as DatasetSession
        ?? throw new ArgumentException($"{argument} holds pairs of a seq2seq model; expected sequences of a tagger, classifier or regressor.", argument);

    /// <summary>The pairs behind <paramref name="handle"/>.</summary>
    public static PairDatasetSession Pairs(nint handle, string argument) =>
        HandleTable.Get<object>(handle, HandleKind.Dataset, argument) as PairDatasetSession
        ?? throw new ArgumentException($"{argument} holds sequences of a tagger, classifier or regressor; expected pairs of a seq2seq model.", argument);

    /// <summary>The session behind <paramref name="handle"/>, either kind.</summary>
    public static object Any(nint handle, string argument) => HandleTable.Get<object>(handle, HandleKind.Dataset, argument);
}

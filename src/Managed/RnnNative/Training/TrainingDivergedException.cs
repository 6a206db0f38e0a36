namespace RnnNative.Training;

/// <summary>The loss or the gradient norm became NaN or infinite. The update was not applied, so
/// the model holds the weights of the last good step (and the last checkpoint is intact).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

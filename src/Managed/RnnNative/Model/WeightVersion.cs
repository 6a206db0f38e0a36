namespace RnnNative.Model;

/// <summary>
/// A counter that moves whenever a model's weights change (an optimizer update, a restore, an
/// initialization), shared by the model, its replicas and its <see cref="ParameterBlock"/>s, so
/// anything derived from the weights (the packed weights of single-token steps) knows when to rebuild.
/// </summary>
public sealed class WeightVersion
{
    private long _value;

    /// <summary>The current version; it only grows.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Marks the weights as changed.</summary>
    public void Advance() => Interlocked.Increment(ref _value);
}

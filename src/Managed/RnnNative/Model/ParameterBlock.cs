namespace RnnNative.Model;

/// <summary>A flat run of parameters and their gradients (a layer, or a whole stack) that an
/// optimizer updates as one vector.</summary>
public sealed record ParameterBlock(string Name, float[] Values, float[] Gradients)
{
    /// <summary>Number of parameters.</summary>
    public int Length => Values.Length;

    /// <summary>Advanced by <see cref="Training.Optimizer.Update"/> after it changes <see cref="Values"/>
    /// (the owning model's counter; null for blocks nothing derives from).</summary>
    public WeightVersion? Version { get; init; }
}

namespace RnnNative.Training;

/// <summary>A flat run of parameters and their gradients (a layer, or a whole stack) that an
/// optimizer updates as one vector.</summary>
public sealed record ParameterBlock(string Name, float[] Values, float[] Gradients)
{
    public int Length => Values.Length;
}

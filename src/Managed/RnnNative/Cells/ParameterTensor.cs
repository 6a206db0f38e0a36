namespace RnnNative.Cells;

/// <summary>One named tensor inside a flat parameter vector: PyTorch's name and shape
/// (e.g. <c>weight_ih_l0</c>, [4H, I]), row-major from <see cref="Offset"/>.</summary>
public sealed record ParameterTensor(string Name, int Offset, int[] Shape)
{
    /// <summary>Elements in the tensor.</summary>
    public int Length => Shape.Aggregate(1, (product, dimension) => product * dimension);
}

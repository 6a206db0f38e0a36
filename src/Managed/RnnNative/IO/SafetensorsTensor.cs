namespace RnnNative.IO;

/// <summary>One entry of a safetensors header: a tensor's name, element type, shape and bytes.</summary>
/// <param name="Dtype">The file's type name (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...).</param>
/// <param name="Shape">Dimensions, row-major; empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the byte buffer (after the header).</param>
/// <param name="End">One past the last byte, relative to the buffer.</param>
public sealed record SafetensorsTensor(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>Elements in the tensor (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => checked(product * dimension));

    /// <summary>The shape as the file writes it, e.g. <c>[4, 8]</c>.</summary>
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <summary>Bytes per element of each dtype the format defines (the sub-byte F4/F6 types are not read).</summary>
    internal static int? ElementSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
        "U16" or "I16" or "F16" or "BF16" => 2,
        "U32" or "I32" or "F32" => 4,
        "U64" or "I64" or "F64" or "C64" => 8,
        _ => null,
    };
}

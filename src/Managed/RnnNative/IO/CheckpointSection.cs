namespace RnnNative.IO;

/// <summary>What a section holds.</summary>
public enum CheckpointSectionKind : byte
{
    /// <summary>Opaque bytes the model layer serializes itself (config, vocabulary, training state).</summary>
    Blob = 1,

    /// <summary>A dense row-major tensor with a shape.</summary>
    Tensor = 2,
}

/// <summary>Element type of a section's payload, as stored in the file.</summary>
public enum CheckpointDataType : byte
{
    UInt8 = 0,
    Float32 = 1,
}

/// <summary>One entry of a checkpoint's section table, after validation.</summary>
/// <param name="Offset">Where the payload starts in the file (a multiple of 64).</param>
/// <param name="Length">Payload bytes.</param>
public sealed record CheckpointSection(
    string Name,
    CheckpointSectionKind Kind,
    CheckpointDataType DataType,
    IReadOnlyList<int> Shape,
    long Offset,
    long Length)
{
    /// <summary>Elements of a tensor (1 for a scalar, 0 if any dimension is 0); bytes of a blob.</summary>
    public long ElementCount => Kind == CheckpointSectionKind.Tensor ? Length / sizeof(float) : Length;
}

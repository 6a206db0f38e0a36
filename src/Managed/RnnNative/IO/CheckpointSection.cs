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
public sealed class CheckpointSection(
    string name,
    CheckpointSectionKind kind,
    CheckpointDataType dataType,
    IReadOnlyList<int> shape,
    long offset,
    long length)
{
    public string Name { get; } = name;

    public CheckpointSectionKind Kind { get; } = kind;

    public CheckpointDataType DataType { get; } = dataType;

    /// <summary>A tensor's dimensions, row-major (empty for a scalar and for blobs).</summary>
    public IReadOnlyList<int> Shape { get; } = shape;

    /// <summary>Where the payload starts in the file (a multiple of 64).</summary>
    public long Offset { get; } = offset;

    /// <summary>Payload bytes.</summary>
    public long Length { get; } = length;

    /// <summary>Elements of a tensor (1 for a scalar, 0 if any dimension is 0); bytes of a blob.</summary>
    public long ElementCount => Kind == CheckpointSectionKind.Tensor ? Length / sizeof(float) : Length;

    public override string ToString() => $"{Name}: {Kind} {DataType} [{string.Join(", ", Shape)}] at {Offset}, {Length} bytes";
}

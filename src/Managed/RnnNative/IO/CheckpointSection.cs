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
    /// <summary>Bytes (blobs).</summary>
    UInt8 = 0,
    /// <summary>IEEE 754 binary32, little-endian.</summary>
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
    /// <summary>The section's name, unique in its file (e.g. a tensor name such as <c>W_ih_l0</c>).</summary>
    public string Name { get; } = name;

    /// <summary>Blob or tensor.</summary>
    public CheckpointSectionKind Kind { get; } = kind;

    /// <summary>The element type of the payload.</summary>
    public CheckpointDataType DataType { get; } = dataType;

    /// <summary>A tensor's dimensions, row-major (empty for a scalar and for blobs).</summary>
    public IReadOnlyList<int> Shape { get; } = shape;

    /// <summary>Where the payload starts in the file (a multiple of 64).</summary>
    public long Offset { get; } = offset;

    /// <summary>Payload bytes.</summary>
    public long Length { get; } = length;

    /// <summary>Elements of a tensor (1 for a scalar, 0 if any dimension is 0); bytes of a blob.</summary>
    public long ElementCount => Kind == CheckpointSectionKind.Tensor ? Length / sizeof(float) : Length;

    /// <summary>Name, kind, type, shape and where the payload lies, for messages and debugging.</summary>
    public override string ToString() => $"{Name}: {Kind} {DataType} [{string.Join(", ", Shape)}] at {Offset}, {Length} bytes";
}

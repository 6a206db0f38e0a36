using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace RnnNative.IO;

/// <summary>
/// Reads a safetensors file (Hugging Face's format, the usual way to ship PyTorch weights):
/// <code>
/// u64 N                 little-endian length of the header
/// N bytes               UTF-8 JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
///                                    "__metadata__": {"key": "value", ...}}   (optional; strings only)
///                       writers pad it with spaces to a multiple of 8 bytes
/// rest of the file      the byte buffer; offsets are relative to its start, row-major, little-endian
/// </code>
/// The whole file is checked before anything is returned, as the reference implementation does:
/// a header no longer than 100 MB and inside the file, valid JSON, no duplicate names, known dtypes,
/// each tensor's byte count equal to dtype size times its shape, and tensors that tile the buffer
/// exactly (no overlap, no gap, nothing past its end, no trailing bytes). Any failure is a
/// <see cref="CheckpointFormatException"/> naming the problem. Thread-safe once constructed.
/// </summary>
public sealed class SafetensorsReader
{
    /// <summary>The reference implementation's limit; a larger header is an attack or damage.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";

    private readonly byte[] _file;
    private readonly long _bufferStart;
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    private SafetensorsReader(byte[] file)
    {
        _file = file;
        if (file.Length < 8)
        {
            throw new CheckpointFormatException($"not a safetensors file: {file.Length} bytes is shorter than the 8-byte header length.");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderLength)
        {
            throw new CheckpointFormatException($"not a safetensors file: the header length {headerLength} is absurdly large (the limit is {MaxHeaderLength} bytes).");
        }
        if (8 + (long)headerLength > file.Length)
        {
            throw new CheckpointFormatException($"the safetensors header length {headerLength} runs past the end of the file ({file.Length} bytes): truncated or not a safetensors file.");
        }
        _bufferStart = 8 + (long)headerLength;
        (List<SafetensorsTensor> tensors, Dictionary<string, string> metadata) = ParseHeader(file.AsSpan(8, (int)headerLength));
        CheckLayout(tensors, file.Length - _bufferStart);
        _byName = tensors.ToDictionary(t => t.Name);
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Every tensor, in the order of their bytes in the buffer.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads a file by the length its file system reports (see <see cref="FileBytes"/>).</summary>
    public static SafetensorsReader ReadFile(string path) => new(FileBytes.Read(path, "safetensors file"));

    /// <summary>Reads and validates a safetensors file held in memory (the bytes are copied).</summary>
    public static SafetensorsReader Read(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>; a <see cref="CheckpointFormatException"/> naming it when it is missing.</summary>
    public SafetensorsTensor Get(string name) =>
        _byName.TryGetValue(name, out SafetensorsTensor? tensor) ? tensor : throw new CheckpointFormatException($"tensor '{name}' is missing from the safetensors file.");

    /// <summary>A tensor's elements as float32 in a new array. F32 is read bit-exactly; F16 and BF16
    /// are widened exactly; any other dtype is rejected.</summary>
    public float[] GetFloats(string name)
    {
        SafetensorsTensor tensor = Get(name);
        float[] values = new float[checked((int)tensor.ElementCount)];
        ReadFloats(name, values);
        return values;
    }

    /// <summary>Copies a tensor into <paramref name="destination"/> (e.g. a slice of a model's
    /// parameters), which must hold exactly its elements; converts as <see cref="GetFloats"/>.</summary>
    public void ReadFloats(string name, Span<float> destination)
    {
        SafetensorsTensor tensor = Get(name);
        if (destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException($"tensor '{name}' {tensor.ShapeText} has {tensor.ElementCount} elements, but the destination has {destination.Length}.", nameof(destination));
        }
        ReadOnlySpan<byte> bytes = _file.AsSpan((int)(_bufferStart + tensor.Begin), (int)(tensor.End - tensor.Begin));
        switch (tensor.Dtype)
        {
            case "F32":
                bytes.CopyTo(MemoryMarshal.AsBytes(destination));
                if (!BitConverter.IsLittleEndian)
                {
                    Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                break;
            case "F16":
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(2 * i));
                }
                break;
            case "BF16":
                // bfloat16 is the top half of a float32.
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(2 * i)) << 16);
                }
                break;
            default:
                throw new CheckpointFormatException($"tensor '{name}' has dtype {tensor.Dtype}; only F32 (and F16/BF16, widened to F32) can be read: convert it with tensor.float() before saving.");
        }
    }

    private static (List<SafetensorsTensor>, Dictionary<string, string>) ParseHeader(ReadOnlySpan<byte> header)
    {
        // The format requires UTF-8; System.Text.Json checks it only when a string is decoded, which
        // would surface as an InvalidOperationException while reading names.
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw new CheckpointFormatException("the safetensors header is not valid UTF-8: damaged or not a safetensors file.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"the safetensors header is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException($"the safetensors header is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object of tensors.");
            }
            List<SafetensorsTensor> tensors = [];
            Dictionary<string, string> metadata = [];
            HashSet<string> names = [];
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new CheckpointFormatException($"the safetensors header names '{property.Name}' twice.");
                }
                if (property.Name == MetadataKey)
                {
                    metadata = ParseMetadata(property.Value);
                }
                else
                {
                    tensors.Add(ParseTensor(property.Name, property.Value));
                }
            }
            return (tensors, metadata);
        }
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException("the safetensors __metadata__ is not a JSON object of strings.");
        }
        Dictionary<string, string> metadata = [];
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException($"the safetensors __metadata__ value of '{entry.Name}' is a {entry.Value.ValueKind.ToString().ToLowerInvariant()}; the format allows only strings.");
            }
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw new CheckpointFormatException($"the safetensors __metadata__ names '{entry.Name}' twice.");
            }
        }
        return metadata;
    }

    private static SafetensorsTensor ParseTensor(string name, JsonElement value)
    {
        string where = $"safetensors tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException($"{where} is not described by a JSON object.");
        }
        if (!value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointFormatException($"{where} has no \"dtype\" string.");
        }
        if (!value.TryGetProperty("shape", out JsonElement shape) || shape.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException($"{where} has no \"shape\" array.");
        }
        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new CheckpointFormatException($"{where} has no \"data_offsets\" pair [begin, end].");
        }
        long[] dimensions = shape.EnumerateArray().Select(d => NonNegative(d, where, "shape")).ToArray();
        long begin = NonNegative(offsets[0], where, "data_offsets"), end = NonNegative(offsets[1], where, "data_offsets");
        SafetensorsTensor tensor = new(name, dtype.GetString()!, dimensions, begin, end);
        int elementSize = SafetensorsTensor.ElementSize(tensor.Dtype)
            ?? throw new CheckpointFormatException($"{where} has the unknown dtype \"{tensor.Dtype}\".");
        if (end < begin)
        {
            throw new CheckpointFormatException($"{where} has data_offsets [{begin}, {end}] that end before they begin.");
        }
        long expected;
        try
        {
            expected = checked(tensor.ElementCount * elementSize);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException($"{where} has an impossibly large shape {tensor.ShapeText}.");
        }
        if (end - begin != expected)
        {
            throw new CheckpointFormatException($"{where} is {tensor.Dtype} {tensor.ShapeText}, {expected} bytes, but its data_offsets [{begin}, {end}] span {end - begin}.");
        }
        return tensor;
    }

    private static long NonNegative(JsonElement number, string where, string field) =>
        number.ValueKind == JsonValueKind.Number && number.TryGetInt64(out long value) && value >= 0
            ? value
            : throw new CheckpointFormatException($"{where} has \"{field}\" {number.GetRawText()}; expected non-negative integers.");

    /// <summary>The tensors must tile the buffer: sorted by offset, each begins where the previous ends, the last ends at the buffer's end.</summary>
    private static void CheckLayout(List<SafetensorsTensor> tensors, long bufferLength)
    {
        tensors.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long position = 0;
        SafetensorsTensor? previous = null;
        foreach (SafetensorsTensor tensor in tensors)
        {
            if (tensor.End > bufferLength)
            {
                throw new CheckpointFormatException($"safetensors tensor '{tensor.Name}' ends at byte {tensor.End} of the buffer, which has only {bufferLength} bytes: the file is truncated or its offsets are wrong.");
            }
            if (tensor.Begin < position)
            {
                throw new CheckpointFormatException($"safetensors tensors '{previous!.Name}' [{previous.Begin}, {previous.End}) and '{tensor.Name}' [{tensor.Begin}, {tensor.End}) overlap.");
            }
            if (tensor.Begin > position)
            {
                throw new CheckpointFormatException($"bytes [{position}, {tensor.Begin}) of the safetensors buffer belong to no tensor.");
            }
            position = tensor.End;
            previous = tensor;
        }
        if (position != bufferLength)
        {
            throw new CheckpointFormatException($"the safetensors buffer has {bufferLength - position} trailing bytes after its last tensor (at {position} of {bufferLength}): damaged or not a safetensors file.");
        }
    }
}

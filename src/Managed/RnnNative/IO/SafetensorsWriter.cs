using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnNative.IO;

/// <summary>
/// Builds a safetensors file (layout in <see cref="SafetensorsReader"/>) of F32 tensors and string
/// metadata. Tensors are stored in the order added, back to back from offset 0; the header is padded
/// with spaces to a multiple of 8 bytes so that every tensor starts 8-byte aligned in the file, as the
/// reference implementation does. Values are copied when added. Not thread-safe.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, int[] Shape, float[] Values)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = [];

    /// <summary>Adds a float32 tensor of <paramref name="shape"/> (row-major, <paramref name="values"/> has exactly its elements).</summary>
    public SafetensorsWriter AddTensor(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == "__metadata__")
        {
            throw new ArgumentException("'__metadata__' is reserved for the metadata.", nameof(name));
        }
        if (_tensors.Exists(t => t.Name == name))
        {
            throw new ArgumentException($"a tensor named '{name}' was already added.", nameof(name));
        }
        long elements = 1;
        foreach (int dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            elements *= dimension;
        }
        if (elements != values.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] has {elements} elements, but {values.Length} values were given.", nameof(values));
        }
        _tensors.Add((name, shape.ToArray(), values.ToArray()));
        return this;
    }

    /// <summary>Sets a <c>__metadata__</c> entry (the format allows only string values).</summary>
    public SafetensorsWriter SetMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata[key] = value;
        return this;
    }

    /// <summary>Writes the file: the 8-byte header length, the JSON header, then the tensors' bytes.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = Header();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach ((_, _, float[] values) in _tensors)
        {
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                byte[] bytes = new byte[values.Length * sizeof(float)];
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
                stream.Write(bytes);
            }
        }
    }

    /// <summary>The file's bytes, as <see cref="WriteTo"/> writes them.</summary>
    public byte[] ToArray()
    {
        using MemoryStream stream = new();
        WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="path"/> atomically (<see cref="AtomicFile"/>): a failure never leaves a partial file.</summary>
    public void WriteFileAtomically(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>The JSON header, space-padded to a multiple of 8 bytes.</summary>
    private byte[] Header()
    {
        using MemoryStream buffer = new();
        // Relaxed escaping keeps non-ASCII names and metadata readable in the header; it is still valid JSON.
        using (Utf8JsonWriter json = new(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach ((string key, string value) in _metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach ((string name, int[] shape, float[] values) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int dimension in shape) json.WriteNumberValue(dimension);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += (long)values.Length * sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }
}

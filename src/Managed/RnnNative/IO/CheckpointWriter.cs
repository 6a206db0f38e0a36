using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using static RnnNative.IO.CheckpointFormat;

namespace RnnNative.IO;

/// <summary>
/// Collects named sections (byte blobs and float32 tensors) and writes them as one checkpoint
/// container, laid out as <see cref="CheckpointFormat"/> documents. Knows nothing about models.
/// </summary>
/// <remarks>
/// The Add methods copy the caller's data, so buffers may be reused at once. Sections are written
/// in the order they were added; the same sections in the same order always give the same bytes.
/// Not thread-safe.
/// </remarks>
public sealed class CheckpointWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly List<PendingSection> _sections = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Sections added so far.</summary>
    public int Count => _sections.Count;

    /// <summary>Bytes <see cref="WriteTo"/> will write.</summary>
    public long Length => Layout(out _, out _);

    /// <summary>Adds opaque bytes under a name unique in this checkpoint (1..1024 UTF-8 bytes).</summary>
    public CheckpointWriter AddBlob(string name, ReadOnlySpan<byte> data)
    {
        byte[] nameUtf8 = EncodeName(name);
        Add(new PendingSection(name, nameUtf8, CheckpointSectionKind.Blob, [], data.ToArray(), []));
        return this;
    }

    /// <summary>Adds a row-major float32 tensor; <paramref name="data"/> must hold exactly the
    /// product of <paramref name="shape"/> elements (1 for the empty shape, a scalar).</summary>
    public CheckpointWriter AddTensor(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> data)
    {
        byte[] nameUtf8 = EncodeName(name);
        if (shape.Length > MaxRank)
            throw new ArgumentException($"tensor '{name}' has rank {shape.Length}; at most {MaxRank} is supported.", nameof(shape));
        long[] dimensions = new long[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            dimensions[i] = shape[i];
        if (!TryElementCount(dimensions, out long count))
            throw new ArgumentException($"tensor '{name}' has an invalid shape {FormatShape(dimensions)}.", nameof(shape));
        if (count != data.Length)
            throw new ArgumentException($"tensor '{name}' of shape {FormatShape(dimensions)} holds {count} elements, but {data.Length} were given.", nameof(data));
        Add(new PendingSection(name, nameUtf8, CheckpointSectionKind.Tensor, dimensions, [], data.ToArray()));
        return this;
    }

    /// <summary>Writes the checkpoint to <paramref name="stream"/> from its current position.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long length = Layout(out int tableLength, out long[] offsets);
        var output = new ChecksummedOutput(stream);

        byte[] head = new byte[HeaderSize + tableLength];
        Magic.CopyTo(head);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(16), (uint)_sections.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(20), (uint)tableLength);
        Span<byte> entry = head.AsSpan(HeaderSize);
        for (int i = 0; i < _sections.Count; i++)
        {
            PendingSection section = _sections[i];
            BinaryPrimitives.WriteUInt16LittleEndian(entry, (ushort)section.NameUtf8.Length);
            section.NameUtf8.CopyTo(entry[2..]);
            entry = entry[(2 + section.NameUtf8.Length)..];
            entry[0] = (byte)section.Kind;
            entry[1] = (byte)(section.Kind == CheckpointSectionKind.Tensor ? CheckpointDataType.Float32 : CheckpointDataType.UInt8);
            entry[2] = (byte)section.Shape.Length;
            entry = entry[3..];
            foreach (long dimension in section.Shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(entry, dimension);
                entry = entry[8..];
            }
            BinaryPrimitives.WriteUInt64LittleEndian(entry, (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], (ulong)section.PayloadLength);
            entry = entry[16..];
        }
        output.Write(head);

        for (int i = 0; i < _sections.Count; i++)
        {
            output.PadTo(offsets[i]);
            output.WritePayload(_sections[i]);
        }

        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, output.Crc);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[4..], (ulong)length);
        EndMagic.CopyTo(trailer[12..]);
        output.Write(trailer);
    }

    /// <summary>The checkpoint as bytes, e.g. to embed as an asset.</summary>
    public byte[] ToArray()
    {
        long length = Length;
        if (length > Array.MaxLength)
            throw new InvalidOperationException($"a {length}-byte checkpoint does not fit in one array; write it to a stream.");
        var memory = new MemoryStream((int)length);
        WriteTo(memory);
        return memory.ToArray();
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> so that the file is either its old
    /// self or the complete new checkpoint, never a partial one (see <see cref="AtomicFile"/>).</summary>
    public void WriteFileAtomically(string path) => AtomicFile.Write(path, WriteTo);

    private void Add(PendingSection section)
    {
        if (!_names.Add(section.Name))
            throw new ArgumentException($"the checkpoint already has a section named '{section.Name}'.", nameof(section.Name));
        _sections.Add(section);
    }

    private static byte[] EncodeName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(name);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"section name '{name}' is not valid Unicode (lone surrogate).", nameof(name), e);
        }
        if (utf8.Length > MaxNameBytes)
            throw new ArgumentException($"section name is {utf8.Length} UTF-8 bytes; at most {MaxNameBytes} are allowed.", nameof(name));
        return utf8;
    }

    /// <summary>Where each payload goes; returns the file length.</summary>
    private long Layout(out int tableLength, out long[] offsets)
    {
        tableLength = 0;
        foreach (PendingSection section in _sections)
            tableLength += EntrySize(section.NameUtf8.Length, section.Shape.Length);
        offsets = new long[_sections.Count];
        long end = HeaderSize + tableLength;
        for (int i = 0; i < _sections.Count; i++)
        {
            offsets[i] = Align(end);
            end = offsets[i] + _sections[i].PayloadLength;
        }
        return end + TrailerSize;
    }

    private sealed record PendingSection(string Name, byte[] NameUtf8, CheckpointSectionKind Kind, long[] Shape, byte[] Bytes, float[] Floats)
    {
        public long PayloadLength => Kind == CheckpointSectionKind.Tensor ? (long)Floats.Length * sizeof(float) : Bytes.Length;
    }

    /// <summary>Writes to a stream while keeping the CRC-32C and length of everything written.</summary>
    private sealed class ChecksummedOutput(Stream stream)
    {
        private static readonly byte[] Zeros = new byte[Alignment];

        public uint Crc { get; private set; }

        public long Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            Crc = Crc32C.Append(Crc, bytes);
            Position += bytes.Length;
        }

        public void PadTo(long offset) => Write(Zeros.AsSpan(0, checked((int)(offset - Position))));

        public void WritePayload(PendingSection section)
        {
            if (section.Kind == CheckpointSectionKind.Blob)
            {
                Write(section.Bytes);
            }
            else if (BitConverter.IsLittleEndian)
            {
                Write(MemoryMarshal.AsBytes(section.Floats.AsSpan()));
            }
            else
            {
                Span<byte> chunk = stackalloc byte[4096];
                for (ReadOnlySpan<float> rest = section.Floats; !rest.IsEmpty;)
                {
                    int n = Math.Min(rest.Length, chunk.Length / sizeof(float));
                    for (int i = 0; i < n; i++)
                        BinaryPrimitives.WriteSingleLittleEndian(chunk[(i * sizeof(float))..], rest[i]);
                    Write(chunk[..(n * sizeof(float))]);
                    rest = rest[n..];
                }
            }
        }
    }
}

using System.Buffers.Binary;
using System.Text;

namespace RnnNative.Text;

/// <summary>
/// The serialized form of a vocabulary, little-endian:
/// <code>
/// offset size
///      0    4  magic "RNVC"
///      4    2  format version (1)
///      6    1  kind (VocabularyKind)
///      7    1  reserved, 0
///      8    4  payload length P in bytes (at most 256 MiB)
///     12    P  payload, per kind (see each vocabulary's WritePayload)
///   12+P    4  CRC-32C (Castagnoli) of bytes 0 .. 12+P-1, the checksum of the checkpoint container
/// </code>
/// The format version is the vocabulary's own, independent of checkpoint and ABI versions.
/// </summary>
internal static class VocabularyBlob
{
    public const ushort FormatVersion = 1;
    public const int HeaderBytes = 12;
    public const int MaxPayloadBytes = 256 << 20;
    private static ReadOnlySpan<byte> Magic => "RNVC"u8;

    public static void Write(Stream stream, VocabularyKind kind, Action<BlobWriter> writePayload)
    {
        BlobWriter writer = new();
        writer.WriteBytes(Magic);
        writer.WriteUInt16(FormatVersion);
        writer.WriteByte((byte)kind);
        writer.WriteByte(0);
        writer.WriteInt32(0);
        writePayload(writer);
        int payloadBytes = writer.Length - HeaderBytes;
        if (payloadBytes > MaxPayloadBytes)
        {
            throw new InvalidOperationException($"vocabulary payload of {payloadBytes} bytes exceeds the format's {MaxPayloadBytes}");
        }
        writer.PatchInt32(8, payloadBytes);
        writer.WriteUInt32(IO.Crc32C.Compute(writer.Written));
        stream.Write(writer.Written);
    }

    public static (VocabularyKind Kind, byte[] Payload) Read(Stream stream)
    {
        byte[] header = new byte[HeaderBytes];
        ReadExactly(stream, header, "header");
        if (!header.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"not a vocabulary blob: magic is \"{Encoding.ASCII.GetString(header, 0, 4)}\", expected \"RNVC\"");
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(4));
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"vocabulary format version {version} is not supported (this build reads version {FormatVersion})");
        }
        uint payloadBytes = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (payloadBytes > MaxPayloadBytes)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: payload length {payloadBytes} exceeds {MaxPayloadBytes}");
        }
        byte[] rest = new byte[payloadBytes + 4];
        ReadExactly(stream, rest, "payload and checksum");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(rest.AsSpan((int)payloadBytes));
        uint crc = IO.Crc32C.Compute([.. header, .. rest.AsSpan(0, (int)payloadBytes)]);
        if (crc != stored)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: CRC-32C is 0x{crc:X8}, stored 0x{stored:X8}");
        }
        if (header[7] != 0)
        {
            throw new InvalidDataException($"vocabulary blob has reserved byte {header[7]}, expected 0");
        }
        VocabularyKind kind = (VocabularyKind)header[6];
        if (!Enum.IsDefined(kind))
        {
            throw new InvalidDataException($"vocabulary blob has unknown kind {header[6]}");
        }
        return (kind, rest[..(int)payloadBytes]);
    }

    private static void ReadExactly(Stream stream, byte[] buffer, string part)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
        {
            throw new InvalidDataException($"vocabulary blob is truncated: its {part} needs {buffer.Length} bytes, the stream ended after {read}");
        }
    }
}

/// <summary>Appends little-endian values to a growing buffer.</summary>
internal sealed class BlobWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteBytes(ReadOnlySpan<byte> value) => value.CopyTo(Reserve(value.Length));

    public void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset, 4), value);

    private Span<byte> Reserve(int bytes)
    {
        if (Length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
        }
        Span<byte> span = _buffer.AsSpan(Length, bytes);
        Length += bytes;
        return span;
    }
}

/// <summary>Reads little-endian values from a payload; any read past its end is corrupt data.</summary>
internal ref struct BlobReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public byte ReadByte() => Take(1)[0];

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>A count of items of at least <paramref name="bytesPerItem"/> bytes each that must still fit in the payload.</summary>
    public int ReadCount(int bytesPerItem, string what)
    {
        int count = ReadInt32();
        if (count < 0 || (long)count * bytesPerItem > _rest.Length)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: {what} count {count} does not fit in the {_rest.Length} payload bytes left");
        }
        return count;
    }

    public ReadOnlySpan<byte> ReadBytes(int length)
    {
        if (length < 0)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: negative length {length}");
        }
        return Take(length);
    }

    public readonly void EnsureEnd()
    {
        if (!_rest.IsEmpty)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: {_rest.Length} unexpected bytes after the payload");
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _rest.Length)
        {
            throw new InvalidDataException($"vocabulary blob is corrupt: payload ends {length - _rest.Length} bytes early");
        }
        ReadOnlySpan<byte> taken = _rest[..length];
        _rest = _rest[length..];
        return taken;
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using static RnnNative.IO.CheckpointFormat;

namespace RnnNative.IO;

/// <summary>
/// A checkpoint container loaded into memory and fully validated (see <see cref="CheckpointFormat"/>).
/// Every problem with the bytes is a <see cref="CheckpointFormatException"/> saying what is wrong.
/// </summary>
/// <remarks>
/// Loading reads the whole file, then checks, in order: magic, version, trailer, checksum, and only
/// then the header's and table's sizes, so a forged header cannot make it allocate more than the
/// file's own length. Files up to <see cref="Array.MaxLength"/> bytes (about 2 GiB) are supported.
/// An instance is immutable and safe to read from several threads.
/// </remarks>
public sealed class CheckpointReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _file;
    private readonly Dictionary<string, CheckpointSection> _byName;

    private CheckpointReader(byte[] file, Version formatVersion, CheckpointSection[] sections)
    {
        _file = file;
        FormatVersion = formatVersion;
        Sections = sections;
        Names = Array.ConvertAll(sections, s => s.Name);
        _byName = sections.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    /// <summary>Format version the file was written with (major.minor).</summary>
    public Version FormatVersion { get; }

    /// <summary>Every section in file order.</summary>
    public IReadOnlyList<CheckpointSection> Sections { get; }

    /// <summary>Section names in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Loads a checkpoint from a file.</summary>
    public static CheckpointReader ReadFile(string path) => new(FileBytes.Read(path, "checkpoint"));

    /// <summary>Loads a checkpoint from the stream's current position to its end.</summary>
    public static CheckpointReader Read(Stream stream) => new(FileBytes.Read(stream, "checkpoint"));

    /// <summary>Loads a checkpoint from memory, e.g. an app's embedded asset (the bytes are copied).</summary>
    public static CheckpointReader Read(ReadOnlySpan<byte> data) => new(data.ToArray());

    private CheckpointReader(byte[] file) : this(file, ReadVersion(file), ParseSections(file)) { }

    /// <summary>Whether the file has a section named <paramref name="name"/>.</summary>
    public bool HasSection(string name) => _byName.ContainsKey(name);

    /// <summary>The section called <paramref name="name"/>; a missing one is a format error, since
    /// the model layer asks only for sections a valid checkpoint must have.</summary>
    public CheckpointSection GetSection(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out CheckpointSection? section))
            return section;
        string available = Names.Count == 0 ? "it has no sections" : $"it has {Names.Count}: {string.Join(", ", Names.Take(16).Select(n => $"'{n}'"))}{(Names.Count > 16 ? ", ..." : "")}";
        throw new CheckpointFormatException($"the checkpoint has no section '{name}'; {available}.");
    }

    /// <summary>A blob's bytes, without copying; valid as long as this reader.</summary>
    public ReadOnlySpan<byte> GetBlob(string name) => Payload(Expect(name, CheckpointSectionKind.Blob));

    /// <summary>A tensor's elements in a new array, and its shape.</summary>
    public float[] GetTensor(string name, out int[] shape)
    {
        CheckpointSection section = Expect(name, CheckpointSectionKind.Tensor);
        shape = [.. section.Shape];
        float[] values = new float[section.ElementCount];
        CopyFloats(Payload(section), values);
        return values;
    }

    /// <summary>Copies a tensor's elements into <paramref name="destination"/>, which must have exactly
    /// as many elements (e.g. a slice of a model's flat parameter vector).</summary>
    public void ReadTensor(string name, Span<float> destination)
    {
        CheckpointSection section = Expect(name, CheckpointSectionKind.Tensor);
        if (destination.Length != section.ElementCount)
            throw new ArgumentException($"tensor '{name}' of shape [{string.Join(", ", section.Shape)}] has {section.ElementCount} elements, but the destination has {destination.Length}.", nameof(destination));
        CopyFloats(Payload(section), destination);
    }

    private CheckpointSection Expect(string name, CheckpointSectionKind kind)
    {
        CheckpointSection section = GetSection(name);
        if (section.Kind != kind)
            throw new CheckpointFormatException($"section '{name}' is a {section.Kind.ToString().ToLowerInvariant()}, not a {kind.ToString().ToLowerInvariant()}.");
        return section;
    }

    private ReadOnlySpan<byte> Payload(CheckpointSection section) => _file.AsSpan((int)section.Offset, (int)section.Length);

    private static void CopyFloats(ReadOnlySpan<byte> payload, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(payload).CopyTo(destination);
            return;
        }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * sizeof(float))..]);
    }

    /// <summary>Checks everything up to and including the checksum; returns the version.</summary>
    private static Version ReadVersion(byte[] file)
    {
        ReadOnlySpan<byte> bytes = file;
        if (bytes.IsEmpty)
            throw new CheckpointFormatException("empty file: 0 bytes, not an RnnNative checkpoint.");
        int compared = Math.Min(bytes.Length, Magic.Length);
        if (!bytes[..compared].SequenceEqual(Magic[..compared]))
            throw new CheckpointFormatException($"not an RnnNative checkpoint: it starts with {Convert.ToHexString(bytes[..compared])} instead of {Convert.ToHexString(Magic)} (\"RNNCKPT\\x1A\").");
        if (bytes.Length < HeaderSize + TrailerSize)
            throw new CheckpointFormatException($"truncated: {bytes.Length} bytes is shorter than the smallest checkpoint ({HeaderSize + TrailerSize} bytes).");

        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]);
        if (major > MajorVersion)
            throw new CheckpointFormatException($"checkpoint format version {major}.{minor} is newer than this RnnNative reads ({MajorVersion}.x); update RnnNative to load it.");
        if (major < MajorVersion)
            throw new CheckpointFormatException($"unsupported checkpoint format version {major}.{minor}; this RnnNative reads {MajorVersion}.x.");

        ReadOnlySpan<byte> trailer = bytes[^TrailerSize..];
        if (!trailer[12..].SequenceEqual(EndMagic))
            throw new CheckpointFormatException($"truncated or damaged: the end marker \"RNNCKEND\" is missing (the file is {bytes.Length} bytes).");
        ulong recordedLength = BinaryPrimitives.ReadUInt64LittleEndian(trailer[4..]);
        if (recordedLength != (ulong)bytes.Length)
            throw new CheckpointFormatException($"truncated or damaged: the trailer records {recordedLength} bytes but the file has {bytes.Length}.");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        uint actual = Crc32C.Compute(bytes[..^TrailerSize]);
        if (stored != actual)
            throw new CheckpointFormatException($"checksum mismatch: the file records CRC-32C 0x{stored:X8} but its content hashes to 0x{actual:X8}; the file is damaged.");
        return new Version(major, minor);
    }

    /// <summary>Validates header and table against each other and the file; the checksum is
    /// already known good, so a failure here means a buggy or forged writer.</summary>
    private static CheckpointSection[] ParseSections(byte[] file)
    {
        ReadOnlySpan<byte> bytes = file;
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (flags != 0)
            throw new CheckpointFormatException($"unknown flags 0x{flags:X8}; no flag is defined in format {MajorVersion}.x.");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        uint tableLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);
        long dataEnd = bytes.Length - TrailerSize;
        if (tableLength > dataEnd - HeaderSize)
            throw new CheckpointFormatException($"section table out of range: {tableLength} bytes from offset {HeaderSize} run past the data, which ends at {dataEnd}.");
        if (count > tableLength / MinEntrySize)
            throw new CheckpointFormatException($"section table out of range: {count} sections cannot fit in {tableLength} bytes.");

        var table = new TableCursor(bytes.Slice(HeaderSize, (int)tableLength));
        var sections = new CheckpointSection[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        long end = HeaderSize + tableLength;
        Span<long> shapeBuffer = stackalloc long[MaxRank];
        for (int i = 0; i < sections.Length; i++)
        {
            string where = $"section {i}";
            int nameLength = table.ReadUInt16(where);
            if (nameLength is 0 or > MaxNameBytes)
                throw new CheckpointFormatException($"{where}: name length {nameLength} is outside 1..{MaxNameBytes}.");
            string name;
            try
            {
                name = StrictUtf8.GetString(table.Read(nameLength, where));
            }
            catch (DecoderFallbackException e)
            {
                throw new CheckpointFormatException($"{where}: the name is not valid UTF-8.", e);
            }
            where = $"section {i} '{name}'";
            if (!names.Add(name))
                throw new CheckpointFormatException($"{where}: duplicate section name.");

            var kind = (CheckpointSectionKind)table.ReadByte(where);
            var dataType = (CheckpointDataType)table.ReadByte(where);
            int rank = table.ReadByte(where);
            if (dataType is not (CheckpointDataType.UInt8 or CheckpointDataType.Float32))
                throw new CheckpointFormatException($"{where}: unknown dtype {(byte)dataType}.");
            CheckpointDataType expectedType = kind switch
            {
                CheckpointSectionKind.Blob => CheckpointDataType.UInt8,
                CheckpointSectionKind.Tensor => CheckpointDataType.Float32,
                _ => throw new CheckpointFormatException($"{where}: unknown section kind {(byte)kind}."),
            };
            if (dataType != expectedType)
                throw new CheckpointFormatException($"{where}: a {kind.ToString().ToLowerInvariant()} must have dtype {expectedType}, not {dataType}.");
            int maxRank = kind == CheckpointSectionKind.Tensor ? MaxRank : 0;
            if (rank > maxRank)
                throw new CheckpointFormatException($"{where}: rank {rank} exceeds {maxRank} for a {kind.ToString().ToLowerInvariant()}.");

            Span<long> dimensions = shapeBuffer[..rank];
            for (int d = 0; d < rank; d++)
                dimensions[d] = table.ReadInt64(where);
            if (!TryElementCount(dimensions, out long elements))
                throw new CheckpointFormatException($"{where}: bad shape {FormatShape(dimensions)} (negative dimension or element count overflow).");
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++)
                shape[d] = dimensions[d] <= int.MaxValue
                    ? (int)dimensions[d]
                    : throw new CheckpointFormatException($"{where}: bad shape {FormatShape(dimensions)}: dimension {d} exceeds {int.MaxValue}.");

            ulong offset = table.ReadUInt64(where);
            ulong length = table.ReadUInt64(where);
            if (offset > (ulong)dataEnd || length > (ulong)dataEnd - offset)
                throw new CheckpointFormatException($"{where}: payload [{offset}, +{length}) lies outside the data area, which ends at {dataEnd}.");
            if (kind == CheckpointSectionKind.Tensor && length != (ulong)elements * sizeof(float))
                throw new CheckpointFormatException($"{where}: shape {FormatShape(dimensions)} needs {elements * sizeof(float)} bytes but the payload has {length}.");
            if ((long)offset < end)
                throw new CheckpointFormatException(i == 0
                    ? $"{where}: payload at {offset} overlaps the section table, which ends at {end}."
                    : $"{where}: payload at {offset} overlaps section {i - 1} '{sections[i - 1].Name}', which ends at {end}.");
            if ((long)offset != Align(end))
                throw new CheckpointFormatException($"{where}: payload at {offset} should start at {Align(end)}, the first {Alignment}-byte boundary after the previous data.");
            sections[i] = new CheckpointSection(name, kind, dataType, Array.AsReadOnly(shape), (long)offset, (long)length);
            end = (long)(offset + length);
        }
        if (table.Remaining != 0)
            throw new CheckpointFormatException($"section table has {table.Remaining} bytes after its {count} entries.");
        if (end != dataEnd)
            throw new CheckpointFormatException($"{dataEnd - end} unexplained bytes between the last payload (ends at {end}) and the checksum.");
        return sections;
    }

    /// <summary>Reads the section table, turning any read past its end into a format error.</summary>
    private ref struct TableCursor(ReadOnlySpan<byte> table)
    {
        private ReadOnlySpan<byte> _rest = table;

        public readonly int Remaining => _rest.Length;

        public ReadOnlySpan<byte> Read(int count, string where)
        {
            if (count > _rest.Length)
                throw new CheckpointFormatException($"{where}: the entry runs past the end of the section table.");
            ReadOnlySpan<byte> bytes = _rest[..count];
            _rest = _rest[count..];
            return bytes;
        }

        public byte ReadByte(string where) => Read(1, where)[0];

        public ushort ReadUInt16(string where) => BinaryPrimitives.ReadUInt16LittleEndian(Read(2, where));

        public long ReadInt64(string where) => BinaryPrimitives.ReadInt64LittleEndian(Read(8, where));

        public ulong ReadUInt64(string where) => BinaryPrimitives.ReadUInt64LittleEndian(Read(8, where));
    }
}

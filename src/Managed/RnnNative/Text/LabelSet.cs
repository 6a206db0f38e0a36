using System.Buffers.Binary;
using System.Text;

namespace RnnNative.Text;

/// <summary>
/// Names of tags or classes and their ids 0..<see cref="Count"/>-1. <see cref="Collect"/> numbers the
/// distinct names in ordinal (culture-free) sorted order, so a label set depends only on which names
/// occur, not on the order of the lines of the file (the same set from a shuffled file, from Python and
/// from the CLI); <see cref="FromNames"/> keeps an order the caller gives.
/// <para>Serialized form (<see cref="Serialize"/>), little-endian: magic "RNLB", uint16 format version (1),
/// int32 n, n times (int32 byte length, UTF-8 bytes) in id order, then the CRC-32C of all bytes before it.</para>
/// </summary>
public sealed class LabelSet
{
    private const ushort FormatVersion = 1;
    private readonly string[] _names;
    private readonly Dictionary<string, int> _ids;

    private LabelSet(string[] names)
    {
        _names = names;
        _ids = new Dictionary<string, int>(names.Length, StringComparer.Ordinal);
        for (int id = 0; id < names.Length; id++)
        {
            ArgumentNullException.ThrowIfNull(names[id], nameof(names));
            if (!_ids.TryAdd(names[id], id))
            {
                throw new ArgumentException($"label \"{names[id]}\" appears twice", nameof(names));
            }
        }
    }

    private static ReadOnlySpan<byte> Magic => "RNLB"u8;

    /// <summary>Number of labels; ids are 0..Count-1.</summary>
    public int Count => _names.Length;

    /// <summary>The name of each id, in id order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The name of label <paramref name="id"/>.</summary>
    public string this[int id] => _names[id];

    /// <summary>Exactly these names in this id order (duplicates are an error).</summary>
    public static LabelSet FromNames(IEnumerable<string> names) => new([.. names]);

    /// <summary>The distinct names among <paramref name="seen"/>, numbered in ordinal sorted order.</summary>
    public static LabelSet Collect(IEnumerable<string> seen)
    {
        string[] names = [.. seen.Distinct(StringComparer.Ordinal)];
        Array.Sort(names, StringComparer.Ordinal);
        return new LabelSet(names);
    }

    /// <summary>The id of <paramref name="name"/>, or -1 when the set does not have it.</summary>
    public int IdOf(string name) => _ids.TryGetValue(name, out int id) ? id : -1;

    /// <summary>The id of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The set does not have the name; the message lists the set.</exception>
    public int GetId(string name) => _ids.TryGetValue(name, out int id)
        ? id
        : throw new KeyNotFoundException($"label \"{name}\" is not one of the {Count} labels seen in training ({Preview()})");

    /// <summary>The labels, comma-separated, the first 20 of them.</summary>
    public string Preview(int max = 20) => string.Join(", ", _names.Take(max)) + (Count > max ? ", ..." : "");

    /// <summary>The set as bytes, for model files: read back by <see cref="Deserialize"/>.</summary>
    public byte[] Serialize()
    {
        BlobWriter writer = new();
        writer.WriteBytes(Magic);
        writer.WriteUInt16(FormatVersion);
        writer.WriteInt32(_names.Length);
        foreach (string name in _names)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            writer.WriteInt32(utf8.Length);
            writer.WriteBytes(utf8);
        }
        writer.WriteUInt32(IO.Crc32C.Compute(writer.Written));
        return writer.Written.ToArray();
    }

    /// <summary>Reads bytes written by <see cref="Serialize"/>; bytes after them are an error.</summary>
    /// <exception cref="InvalidDataException">Truncated, corrupt (checksum) or not a label set; the message says which.</exception>
    public static LabelSet Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10 || !bytes[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a label set: the bytes do not start with \"RNLB\"");
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        uint crc = IO.Crc32C.Compute(bytes[..^4]);
        if (crc != stored)
        {
            throw new InvalidDataException($"label set is corrupt: CRC-32C is 0x{crc:X8}, stored 0x{stored:X8}");
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"label set format version {version} is not supported (this build reads version {FormatVersion})");
        }
        BlobReader reader = new(bytes[6..^4]);
        string[] names = new string[reader.ReadCount(4, "label")];
        UTF8Encoding strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (int id = 0; id < names.Length; id++)
        {
            try
            {
                names[id] = strict.GetString(reader.ReadBytes(reader.ReadInt32()));
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"label {id} is not valid UTF-8");
            }
        }
        reader.EnsureEnd();
        try
        {
            return new LabelSet(names);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"label set is invalid: {e.Message}", e);
        }
    }
}

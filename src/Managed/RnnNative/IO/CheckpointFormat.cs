namespace RnnNative.IO;

/// <summary>
/// The checkpoint container's byte layout, version 1.0. Everything is little-endian; offsets are
/// from the start of the file. docs/checkpoint-format.md says the same for readers outside .NET.
/// </summary>
/// <remarks>
/// <code>
/// Header (24 bytes)
///   0   8  magic           52 4E 4E 43 4B 50 54 1A  ("RNNCKPT" + Ctrl-Z, which stops text dumps)
///   8   2  major version   u16 = 1; a reader rejects a major it does not know
///  10   2  minor version   u16 = 0; revisions a same-major reader can still read correctly
///  12   4  flags           u32 = 0; no flag is defined in 1.x, a reader rejects any set bit
///  16   4  section count   u32
///  20   4  table length    u32, bytes of the section table that follows
/// Section table (from byte 24, one entry per section, in payload order)
///   +0  2  name length     u16, 1..MaxNameBytes
///   +2  n  name            UTF-8, well-formed, unique in the file (ordinal comparison)
///   +0  1  kind            u8: 1 = blob, 2 = tensor
///   +1  1  dtype           u8: 0 = uint8 (blobs), 1 = float32 (tensors)
///   +2  1  rank            u8: 0 for blobs; 0..MaxRank for tensors (0 = scalar, one element)
///   +3  8r shape           rank x i64, each 0..int.MaxValue, row-major (last dimension fastest)
///   +.  8  offset          u64, where the payload starts
///   +.  8  length          u64, payload bytes; a tensor's is 4 x product(shape)
/// Payloads
///   Each starts at the first multiple of 64 at or after the end of the previous payload (the
///   first: after the table), so float32 tensors can be memory-mapped aligned. Padding is zeros.
/// Trailer (20 bytes, directly after the last payload, or after the table if there is none)
///   +0  4  checksum        u32 CRC-32C (Castagnoli) of every byte before it
///   +4  8  total length    u64, the file's length in bytes, trailer included
///  +12  8  end magic       52 4E 4E 43 4B 45 4E 44  ("RNNCKEND")
/// </code>
/// The layout is canonical: given the sections, every byte is determined, so the same content
/// always gives the same file. A reader checks magic, version, trailer and checksum before it
/// trusts any size in the header or table.
/// </remarks>
internal static class CheckpointFormat
{
    public const ushort MajorVersion = 1;
    public const ushort MinorVersion = 0;

    public const int HeaderSize = 24;
    public const int TrailerSize = 20;
    public const int Alignment = 64;
    public const int MaxNameBytes = 1024;
    public const int MaxRank = 8;

    /// <summary>Smallest table entry: a one-byte name and a blob's fixed fields.</summary>
    public const int MinEntrySize = 2 + 1 + 3 + 8 + 8;

    public static ReadOnlySpan<byte> Magic => [0x52, 0x4E, 0x4E, 0x43, 0x4B, 0x50, 0x54, 0x1A];
    public static ReadOnlySpan<byte> EndMagic => "RNNCKEND"u8;

    public static long Align(long position) => (position + (Alignment - 1)) & ~(long)(Alignment - 1);

    public static int EntrySize(int nameBytes, int rank) => 2 + nameBytes + 3 + 8 * rank + 8 + 8;

    /// <summary>Elements a shape holds: 0 if any dimension is 0, otherwise the product, or false if
    /// a dimension is negative or the product's byte size as float32 would not fit in a long.</summary>
    public static bool TryElementCount(ReadOnlySpan<long> shape, out long count)
    {
        count = 0;
        foreach (long dimension in shape)
            if (dimension < 0)
                return false;
        if (shape.Contains(0))
            return true;
        long product = 1;
        foreach (long dimension in shape)
        {
            if (product > long.MaxValue / sizeof(float) / dimension)
                return false;
            product *= dimension;
        }
        count = product;
        return true;
    }

    public static string FormatShape(ReadOnlySpan<long> shape) => $"[{string.Join(", ", shape.ToArray())}]";
}

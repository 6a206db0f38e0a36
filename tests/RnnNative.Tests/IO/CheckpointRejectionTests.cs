using System.Buffers.Binary;
using System.Text;
using RnnNative.IO;
using static RnnNative.Tests.IO.CheckpointSamples;

namespace RnnNative.Tests.IO;

public class CheckpointRejectionTests
{
    private static string Rejects(byte[] file) => Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(file)).Message;

    [Fact]
    public void Empty_input_is_rejected()
    {
        Assert.Contains("empty file", Rejects([]));
        Assert.Contains("empty file", Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(new MemoryStream())).Message);
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        byte[] file = Small();
        for (int length = 0; length < file.Length; length++)
        {
            string message = Rejects(file[..length]);
            Assert.True(message.Contains("truncated") || message.Contains("empty"), $"prefix of {length} bytes: {message}");
        }
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        Assert.Contains("truncated or damaged", Rejects([.. Small(), 0]));
        Assert.Contains("truncated or damaged", Rejects([.. Small(), .. Small()]));
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        byte[] file = Small();
        for (int bit = 0; bit < file.Length * 8; bit++)
        {
            file[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Read(file));
            file[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        Assert.Equal(2, CheckpointReader.Read(file).Names.Count);
    }

    [Fact]
    public void A_flipped_payload_bit_is_a_checksum_mismatch()
    {
        byte[] file = Small();
        file[193] ^= 0x10;
        Assert.Contains("checksum mismatch", Rejects(file));
    }

    [Theory]
    [InlineData("89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C4890000000D4944415478DA63FCFFFF3F0300050001FFA7B1")] // PNG
    [InlineData("52494646")] // RIFF
    [InlineData("0A")]       // one newline: shorter than the magic and unlike it
    public void Foreign_bytes_are_not_a_checkpoint(string hex)
    {
        Assert.Contains("not an RnnNative checkpoint", Rejects(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Text_is_not_a_checkpoint()
    {
        Assert.Contains("not an RnnNative checkpoint", Rejects(Encoding.UTF8.GetBytes("hidden_size = 128\nlayers = 2\n" + new string(' ', 100))));
    }

    [Fact]
    public void A_future_major_version_is_rejected_by_name()
    {
        // Even with a valid checksum: the version is checked first, as a v2 layout may differ.
        byte[] file = Forge(Small(), bytes => bytes[8] = 2);
        string message = Rejects(file);
        Assert.Contains("version 2.0 is newer", message);
        Assert.Contains("update RnnNative", message);
        Assert.Contains("unsupported checkpoint format version 0.0", Rejects(Forge(Small(), bytes => bytes[8] = 0)));
    }

    public static TheoryData<string, string> ForgedHeaders => new()
    {
        // What is edited (after which the checksum is made valid again) -> the expected message.
        { "flags", "unknown flags 0x00000004" },
        { "table length past data", "section table out of range" },
        { "count too large", "section table out of range" },
        { "one section fewer", "bytes after its 1 entries" },
        { "offset past end", "lies outside the data area" },
        { "length past end", "lies outside the data area" },
        { "overlap", "overlaps section 0 'ab'" },
        { "overlap table", "overlaps the section table" },
        { "misaligned", "should start at 192" },
        { "duplicate name", "duplicate section name" },
        { "empty name", "name length 0" },
        { "invalid utf8", "not valid UTF-8" },
        { "negative dimension", "bad shape [-2]" },
        { "huge dimension", "bad shape [4294967298]" },
        { "length mismatch", "needs 12 bytes but the payload has 8" },
        { "unknown dtype", "unknown dtype 9" },
        { "unknown kind", "unknown section kind 3" },
        { "blob as float32", "a blob must have dtype UInt8" },
        { "tensor rank 9", "rank 9 exceeds 8" },
    };

    [Theory]
    [MemberData(nameof(ForgedHeaders))]
    public void Inconsistent_tables_are_rejected_even_with_a_valid_checksum(string edit, string expected)
    {
        byte[] file = Forge(Small(), b =>
        {
            switch (edit)
            {
                case "flags": b[FlagsAt] = 4; break;
                case "table length past data": BinaryPrimitives.WriteUInt32LittleEndian(b[TableLengthAt..], 177); break;
                case "count too large": BinaryPrimitives.WriteUInt32LittleEndian(b[CountAt..], 3); break;
                case "one section fewer": b[CountAt] = 1; break;
                case "offset past end": BinaryPrimitives.WriteUInt64LittleEndian(b[Entry1OffsetAt..], 256); break;
                case "length past end": BinaryPrimitives.WriteUInt64LittleEndian(b[(Entry0OffsetAt + 8)..], ulong.MaxValue); break;
                case "overlap": BinaryPrimitives.WriteUInt64LittleEndian(b[Entry1OffsetAt..], 128); break;
                case "overlap table": BinaryPrimitives.WriteUInt64LittleEndian(b[Entry0OffsetAt..], 64); break;
                case "misaligned": BinaryPrimitives.WriteUInt64LittleEndian(b[Entry1OffsetAt..], 132); break;
                case "duplicate name": b[Entry1NameAt] = (byte)'a'; b[Entry1NameAt + 1] = (byte)'b'; break;
                case "empty name": b[24] = 0; break;
                case "invalid utf8": b[Entry0NameAt] = 0xC3; b[Entry0NameAt + 1] = 0x28; break;
                case "negative dimension": BinaryPrimitives.WriteInt64LittleEndian(b[Entry1DimensionAt..], -2); break;
                case "huge dimension": BinaryPrimitives.WriteInt64LittleEndian(b[Entry1DimensionAt..], (1L << 32) + 2); break;
                case "length mismatch": b[Entry1DimensionAt] = 3; break;
                case "unknown dtype": b[Entry1DataTypeAt] = 9; break;
                case "unknown kind": b[Entry1KindAt] = 3; break;
                case "blob as float32": b[Entry0DataTypeAt] = 1; break;
                case "tensor rank 9": b[Entry1RankAt] = 9; break;
                default: throw new ArgumentOutOfRangeException(nameof(edit), edit, null);
            }
        });
        Assert.Contains(expected, Rejects(file));
    }

    [Fact]
    public void Dimensions_whose_product_overflows_are_rejected()
    {
        // Rank 2 [2^40, 2^40] in place of [2]: the entry grows by 8 bytes, so rebuild the tail.
        byte[] small = Small();
        byte[] file = ForgeResized(small, bytes =>
        {
            byte[] grown = [.. bytes[..(Entry1DimensionAt + 8)], .. new byte[8], .. bytes[(Entry1DimensionAt + 8)..]];
            grown[Entry1RankAt] = 2;
            BinaryPrimitives.WriteInt64LittleEndian(grown.AsSpan(Entry1DimensionAt), 1L << 40);
            BinaryPrimitives.WriteInt64LittleEndian(grown.AsSpan(Entry1DimensionAt + 8), 1L << 40);
            BinaryPrimitives.WriteUInt32LittleEndian(grown.AsSpan(TableLengthAt), 54 + 8);
            return grown;
        });
        Assert.Contains("element count overflow", Rejects(file));
    }

    [Fact]
    public void A_forged_huge_section_count_does_not_allocate_before_failing()
    {
        byte[] file = Forge(Small(), bytes => BinaryPrimitives.WriteUInt32LittleEndian(bytes[CountAt..], uint.MaxValue));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("section table out of range", Rejects(file));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }
}

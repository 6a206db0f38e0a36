using System.Text;
using RnnNative.IO;

namespace RnnNative.Tests.IO;

public class Crc32CTests
{
    public static TheoryData<string, uint> Vectors => new()
    {
        // The CRC-32C check value, and RFC 3720 (iSCSI) appendix B.4.
        { Convert.ToHexString("123456789"u8), 0xE3069283 },
        { Convert.ToHexString(new byte[32]), 0x8A9136AA },
        { Convert.ToHexString(Enumerable.Repeat((byte)0xFF, 32).ToArray()), 0x62A8AB43 },
        { Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), 0x46DD794E },
        { Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()), 0x113FDB5C },
        { "", 0x00000000 },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Software_matches_the_published_vectors(string hex, uint expected)
    {
        Assert.Equal(expected, Crc32C.AppendSoftware(0, Convert.FromHexString(hex)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Hardware_matches_the_published_vectors(string hex, uint expected)
    {
        if (!Crc32C.IsHardwareAccelerated)
            return; // nothing to compare on a CPU without CRC-32C instructions
        Assert.Equal(expected, Crc32C.AppendHardware(0, Convert.FromHexString(hex)));
    }

    [Fact]
    public void Hardware_and_software_agree_on_every_length_and_alignment()
    {
        if (!Crc32C.IsHardwareAccelerated)
            return; // nothing to compare on a CPU without CRC-32C instructions
        byte[] data = new byte[1 << 16];
        new Random(7).NextBytes(data);
        for (int length = 0; length <= 257; length++)
            for (int start = 0; start < 8; start++)
            {
                ReadOnlySpan<byte> slice = data.AsSpan(start, length);
                Assert.Equal(Crc32C.AppendSoftware(0x12345678, slice), Crc32C.AppendHardware(0x12345678, slice));
            }
        Assert.Equal(Crc32C.AppendSoftware(0, data.AsSpan(3)), Crc32C.AppendHardware(0, data.AsSpan(3)));
    }

    [Fact]
    public void Appending_in_pieces_equals_computing_at_once()
    {
        byte[] data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("recurrent checkpoint ", 20)));
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split += 13)
        {
            Assert.Equal(whole, Crc32C.Append(Crc32C.Append(0, data.AsSpan(0, split)), data.AsSpan(split)));
            Assert.Equal(whole, Crc32C.AppendSoftware(Crc32C.AppendSoftware(0, data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }
}

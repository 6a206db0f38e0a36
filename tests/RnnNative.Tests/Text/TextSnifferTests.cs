using System.Text;
using RnnNative.Text;

namespace RnnNative.Tests.Text;

public sealed class TextSnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0x68, 0x69, 0x0A }, true, null)]
    [InlineData(new byte[] { 0x68, 0x00, 0x69 }, true, "a NUL byte at offset 1")]
    [InlineData(new byte[] { 0x68, 0x69, 0xFF, 0x69 }, true, "bytes that are not UTF-8 at offset 2")]
    [InlineData(new byte[] { 0x68, 0xC3 }, true, "bytes that are not UTF-8 at offset 1")]
    [InlineData(new byte[] { 0x68, 0xC3 }, false, null)]                       // 'é' cut by the end of the sample
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80 }, true, null)]
    public void Nul_bytes_and_invalid_utf8_mark_binary_and_a_character_cut_by_the_sample_does_not(byte[] sample, bool isWhole, string? expected) =>
        Assert.Equal(expected, TextSniffer.FindBinary(sample, isWhole));

    [Fact]
    public void A_file_is_judged_by_its_first_64_KiB()
    {
        string path = Path.GetTempFileName();
        try
        {
            byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("é", TextSniffer.SampleBytes)));
            File.WriteAllBytes(path, [.. text, 0]);
            Assert.Null(TextSniffer.FindBinary(path));
            File.WriteAllBytes(path, [.. text[..100], 0x80, .. text]);
            Assert.Equal("bytes that are not UTF-8 at offset 100", TextSniffer.FindBinary(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

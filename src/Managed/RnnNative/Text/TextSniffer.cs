using System.Buffers;
using System.Globalization;

namespace RnnNative.Text;

/// <summary>
/// Tells a binary file from UTF-8 text by its first <see cref="SampleBytes"/> bytes, as git does with
/// its first 8000: a NUL byte or bytes that are not UTF-8 mean binary. A character or word vocabulary
/// reads such bytes as U+FFFD, so a model of a binary file trained as text would learn nothing true
/// about it; the byte vocabulary reads any bytes.
/// </summary>
public static class TextSniffer
{
    /// <summary>How many bytes from the start of a file are looked at (64 KiB).</summary>
    public const int SampleBytes = 64 << 10;

    /// <summary>Why the start of the file at <paramref name="path"/> is not UTF-8 text ("a NUL byte at
    /// offset 17"), or null when it is.</summary>
    public static string? FindBinary(string path)
    {
        byte[] sample = ArrayPool<byte>.Shared.Rent(SampleBytes);
        try
        {
            using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            int length = file.ReadAtLeast(sample.AsSpan(0, SampleBytes), SampleBytes, throwOnEndOfStream: false);
            return FindBinary(sample.AsSpan(0, length), isWhole: length < SampleBytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sample);
        }
    }

    /// <summary>As <see cref="FindBinary(string)"/> for bytes in memory; unless <paramref name="isWhole"/>,
    /// a character cut at the end of <paramref name="sample"/> is not an error.</summary>
    public static string? FindBinary(ReadOnlySpan<byte> sample, bool isWhole)
    {
        int nul = sample.IndexOf((byte)0);
        if (nul >= 0)
        {
            return string.Format(CultureInfo.InvariantCulture, "a NUL byte at offset {0}", nul);
        }
        if (System.Text.Unicode.Utf8.IsValid(sample))
        {
            return null;
        }
        int offset = 0;
        while (offset < sample.Length)
        {
            OperationStatus status = System.Text.Rune.DecodeFromUtf8(sample[offset..], out _, out int consumed);
            if (status == OperationStatus.InvalidData || (status == OperationStatus.NeedMoreData && isWhole))
            {
                return string.Format(CultureInfo.InvariantCulture, "bytes that are not UTF-8 at offset {0}", offset);
            }
            if (status == OperationStatus.NeedMoreData)
            {
                break;
            }
            offset += consumed;
        }
        return null;
    }
}

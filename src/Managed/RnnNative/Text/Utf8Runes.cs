using System.Buffers;
using System.Text;

namespace RnnNative.Text;

/// <summary>
/// The one place that decides how UTF-8 bytes become Unicode scalars, for every vocabulary and the
/// streaming decoder. Invalid UTF-8: each maximal invalid subpart (Unicode 15, §3.9 "U+FFFD
/// substitution of maximal subparts", the rule <see cref="Encoding.UTF8"/> follows) becomes one
/// U+FFFD, so <c>Encoding.UTF8.GetString(bytes)</c> is the text every vocabulary sees.
/// </summary>
internal static class Utf8Runes
{
    /// <summary>
    /// Decodes the scalar at the start of <paramref name="utf8"/> (not empty). Returns false, consuming
    /// nothing, when the bytes end inside a character that more bytes could still complete and
    /// <paramref name="isFinalBlock"/> is false; otherwise true, with U+FFFD for invalid bytes.
    /// </summary>
    public static bool TryDecodeFirst(ReadOnlySpan<byte> utf8, bool isFinalBlock, out Rune rune, out int bytesConsumed)
    {
        OperationStatus status = Rune.DecodeFromUtf8(utf8, out rune, out bytesConsumed);
        if (status == OperationStatus.Done)
        {
            return true;
        }
        if (status == OperationStatus.NeedMoreData && !isFinalBlock)
        {
            bytesConsumed = 0;
            return false;
        }
        rune = Rune.ReplacementChar;
        return true;
    }
}

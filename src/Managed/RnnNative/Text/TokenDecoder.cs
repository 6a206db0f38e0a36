using System.Runtime.InteropServices;
using System.Text;

namespace RnnNative.Text;

/// <summary>
/// Turns ids arriving one at a time (sampling) into text, emitting only complete UTF-8 characters:
/// the bytes of a multi-byte character that arrive in several tokens (byte vocabulary) are held until
/// the character is complete. Appending every id and then <see cref="Flush"/> yields exactly
/// <see cref="Vocabulary.Decode"/> of the same ids. Not thread-safe; one per generated text.
/// </summary>
public sealed class TokenDecoder
{
    private readonly Vocabulary _vocabulary;
    private readonly List<byte> _pending = [];
    private int _previousId = -1;
    private readonly StringBuilder _piece = new();   // Append's and Flush's text before it becomes their string

    internal TokenDecoder(Vocabulary vocabulary) => _vocabulary = vocabulary;

    /// <summary>Bytes held back because they may start a character that is not complete yet.</summary>
    public int PendingByteCount => _pending.Count;

    /// <summary>Adds one token; returns the text it completes (empty while a character is incomplete).</summary>
    public string Append(int id)
    {
        _piece.Clear();
        AppendTo(id, _piece);
        return _piece.ToString();
    }

    /// <summary>
    /// Ends the text: returns what was held (an incomplete character as U+FFFD) and returns to the
    /// initial state, so the next token starts a new text.
    /// </summary>
    public string Flush()
    {
        _piece.Clear();
        FlushTo(_piece);
        return _piece.ToString();
    }

    /// <summary><see cref="Append"/> into <paramref name="text"/>: returns the characters added. Allocates nothing, so a
    /// sampler can run token after token without feeding the garbage collector.</summary>
    internal int AppendTo(int id, StringBuilder text)
    {
        _vocabulary.AppendChecked(id, _previousId, _pending);
        _previousId = id;
        return TakeComplete(isFinalBlock: false, text);
    }

    /// <summary><see cref="Flush"/> into <paramref name="text"/>: returns the characters added.</summary>
    internal int FlushTo(StringBuilder text)
    {
        int added = TakeComplete(isFinalBlock: true, text);
        _previousId = -1;
        return added;
    }

    private int TakeComplete(bool isFinalBlock, StringBuilder text)
    {
        ReadOnlySpan<byte> utf8 = CollectionsMarshal.AsSpan(_pending);
        Span<char> utf16 = stackalloc char[2];
        int position = 0, added = 0;
        while (position < utf8.Length && Utf8Runes.TryDecodeFirst(utf8[position..], isFinalBlock, out Rune rune, out int length))
        {
            int chars = rune.EncodeToUtf16(utf16);
            text.Append(utf16[..chars]);
            added += chars;
            position += length;
        }
        _pending.RemoveRange(0, position);
        return added;
    }
}

using System.Globalization;
using System.Text;

namespace RnnNative.Text;

/// <summary>Receives the tokens of <see cref="WordTokenizer"/>, as UTF-8 bytes valid only during the call.</summary>
internal interface IWordTokenSink
{
    void Token(ReadOnlySpan<byte> utf8Token);
}

/// <summary>
/// The tokenizer of <see cref="WordVocabulary"/>. Reading the text as Unicode scalars (invalid UTF-8 as
/// U+FFFD per maximal invalid subpart), the tokens are:
/// <list type="bullet">
/// <item>a word: a maximal run of letters, decimal/other digits and combining marks (categories L*, Nd,
/// Nl, No, Mn, Mc, Me), so "naïve", "x2" and "e\u0301" are one word each; case is kept;</item>
/// <item>a line break: each U+000A, kept as the token "\n" (so "\r\n" becomes "\n");</item>
/// <item>a symbol: every other non-whitespace scalar on its own: punctuation, symbols, emoji, controls, U+FFFD.</item>
/// </list>
/// All other whitespace (<see cref="Rune.IsWhiteSpace"/>: spaces, tabs, U+000D, U+00A0, ...) only
/// separates tokens and is dropped. Decoding joins tokens with one space, none next to a line break,
/// so <c>Decode(Encode(text))</c> is the normalized text: "Hello,  world!\r\nBye" becomes
/// "Hello , world !\nBye", and encoding that again gives the same ids.
/// </summary>
internal static class WordTokenizer
{
    public static ReadOnlySpan<byte> NewlineUtf8 => "\n"u8;

    /// <summary>
    /// Passes the complete tokens of a prefix of <paramref name="utf8"/> to <paramref name="sink"/> and
    /// returns the bytes consumed; unless <paramref name="isFinalBlock"/>, it stops before a word that
    /// reaches the end of the chunk or an incomplete character (see <see cref="Utf8ChunkConsumer"/>).
    /// </summary>
    public static int Tokenize<TSink>(ReadOnlySpan<byte> utf8, bool isFinalBlock, ref TSink sink)
        where TSink : struct, IWordTokenSink
    {
        Span<byte> symbol = stackalloc byte[4];
        int position = 0;
        while (position < utf8.Length)
        {
            if (!Utf8Runes.TryDecodeFirst(utf8[position..], isFinalBlock, out Rune rune, out int length))
            {
                break;
            }
            if (rune.Value == '\n')
            {
                sink.Token(NewlineUtf8);
                position += length;
            }
            else if (Rune.IsWhiteSpace(rune))
            {
                position += length;
            }
            else if (!IsWordRune(rune))
            {
                sink.Token(symbol[..rune.EncodeToUtf8(symbol)]);
                position += length;
            }
            else
            {
                int end = WordEnd(utf8, position + length, isFinalBlock);
                if (end < 0)
                {
                    break;
                }
                sink.Token(utf8[position..end]);
                position = end;
            }
        }
        return position;
    }

    /// <summary>True when <paramref name="utf8Token"/> is exactly one token of this tokenizer (checks stored vocabularies).</summary>
    public static bool IsSingleToken(ReadOnlySpan<byte> utf8Token)
    {
        TokenCounter counter = new();
        int consumed = Tokenize(utf8Token, isFinalBlock: true, ref counter);
        return consumed == utf8Token.Length && counter.Count == 1 && counter.LastLength == utf8Token.Length;
    }

    public static bool IsWordRune(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => true,
        _ => false,
    };

    /// <summary>End of the word continuing at <paramref name="position"/>, or -1 when the chunk may cut it.</summary>
    private static int WordEnd(ReadOnlySpan<byte> utf8, int position, bool isFinalBlock)
    {
        while (position < utf8.Length)
        {
            if (!Utf8Runes.TryDecodeFirst(utf8[position..], isFinalBlock, out Rune rune, out int length))
            {
                return -1;
            }
            if (!IsWordRune(rune))
            {
                return position;
            }
            position += length;
        }
        return isFinalBlock ? position : -1;
    }

    private struct TokenCounter : IWordTokenSink
    {
        public int Count;
        public int LastLength;

        public void Token(ReadOnlySpan<byte> utf8Token)
        {
            Count++;
            LastLength = utf8Token.Length;
        }
    }
}

using System.Globalization;
using System.Text;

namespace RnnNative.Text;

/// <summary>
/// A text holds a character its vocabulary does not know, and the vocabulary has no <c>&lt;unk&gt;</c>.
/// Says where: the byte offset in the text, and for a file its path, line and column (1-based; the
/// column counts characters), e.g. <c>'test.txt' line 3, column 7: character 'é' (U+00E9) is not in the vocabulary ...</c>.
/// </summary>
public sealed class CharacterNotInVocabularyException : ArgumentException
{
    private const string Advice = "which has no <unk>; give text of the vocabulary's characters, or build the vocabulary with a size cap (unseen characters become <unk>) or of bytes";

    internal CharacterNotInVocabularyException(Rune character, long byteOffset, string? path = null, long line = 0, long column = 0)
        : base(Describe(character, byteOffset, path, line, column))
    {
        Character = character;
        ByteOffset = byteOffset;
        Path = path;
        Line = line;
        Column = column;
    }

    /// <summary>The character that is not in the vocabulary.</summary>
    public Rune Character { get; }

    /// <summary>Where it starts in the text, in bytes from its first byte.</summary>
    public long ByteOffset { get; }

    /// <summary>The file the text came from; null for text in memory.</summary>
    public string? Path { get; }

    /// <summary>1-based line of the character in <see cref="Path"/> (0 for text in memory).</summary>
    public long Line { get; }

    /// <summary>1-based column of the character in its line, in characters (0 for text in memory).</summary>
    public long Column { get; }

    /// <summary>"'é' (U+00E9)"; a control or space character by its code point only.</summary>
    public string CharacterText => Show(Character);

    /// <summary>The same character <paramref name="bytesBefore"/> bytes further into a longer text.</summary>
    internal CharacterNotInVocabularyException After(long bytesBefore) => new(Character, ByteOffset + bytesBefore);

    /// <summary>The same character located in the file at <paramref name="path"/>, which holds the text.</summary>
    internal CharacterNotInVocabularyException InFile(string path)
    {
        (long line, long column) = LineAndColumn(path, ByteOffset);
        return new(Character, ByteOffset, path, line, column);
    }

    private static string Describe(Rune character, long byteOffset, string? path, long line, long column)
    {
        string where = path is null
            ? string.Format(CultureInfo.InvariantCulture, "byte {0} of the text", byteOffset)
            : string.Format(CultureInfo.InvariantCulture, "'{0}' line {1}, column {2}", path, line, column);
        return $"{where}: character {Show(character)} is not in the vocabulary, {Advice}";
    }

    private static string Show(Rune c) => Rune.IsControl(c) || Rune.IsWhiteSpace(c) ? $"U+{c.Value:X4}" : $"'{c}' (U+{c.Value:X4})";

    /// <summary>Reads the file up to <paramref name="byteOffset"/> (only on this error path) counting line breaks and characters.</summary>
    private static (long Line, long Column) LineAndColumn(string path, long byteOffset)
    {
        long line = 1, column = 1;
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        for (long i = 0; i < byteOffset; i++)
        {
            int b = file.ReadByte();
            if (b < 0) break;
            if (b == '\n') (line, column) = (line + 1, 1);
            else if ((b & 0xC0) != 0x80) column++;
        }
        return (line, column);
    }
}

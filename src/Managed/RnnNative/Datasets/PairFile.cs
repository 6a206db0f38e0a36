using System.Text;
using RnnNative.Text;

namespace RnnNative.Datasets;

/// <summary>
/// A sequence-to-sequence file: UTF-8 text, one pair per line, <c>source&lt;TAB&gt;target</c>. Line ends are LF
/// or CRLF; a byte order mark at the start is skipped; blank lines (empty or only whitespace) are skipped, so a
/// file may end with newlines. Fields after a second tab are ignored, so the manythings.org/Tatoeba
/// <c>english&lt;TAB&gt;french&lt;TAB&gt;attribution</c> files read as they are. The texts are kept as written
/// (not trimmed: spaces are characters of a character-level pair). Errors name the file and line: a line
/// without a tab, an empty source or target, bytes that are not UTF-8, no pair at all.
/// </summary>
public sealed class PairFile
{
    private PairFile(string file, List<TextPair> pairs)
    {
        File = file;
        Pairs = pairs;
    }

    /// <summary>The file as the caller named it (or the name given to pairs in memory).</summary>
    public string File { get; }

    /// <summary>The pairs in file order.</summary>
    public IReadOnlyList<TextPair> Pairs { get; }

    /// <summary>Reads the UTF-8 file at <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">See <see cref="Parse"/>.</exception>
    public static PairFile Read(string path) => Parse(System.IO.File.ReadAllBytes(path), path);

    /// <summary>Reads the UTF-8 bytes of a pair file; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="DatasetFormatException">A line is not UTF-8, has no tab or an empty side, or the file has no pair.</exception>
    public static PairFile Parse(ReadOnlySpan<byte> utf8, string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (utf8.StartsWith(Encoding.UTF8.Preamble)) utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        List<TextPair> pairs = [];
        int lineNumber = 0;
        while (!utf8.IsEmpty)
        {
            lineNumber++;
            int end = utf8.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? utf8 : utf8[..end];
            utf8 = end < 0 ? [] : utf8[(end + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            // Each line is checked on its own, so the error names the line with the bad bytes (a decoder would replace them with U+FFFD).
            string? binary = TextSniffer.FindBinary(line, isWhole: true);
            if (binary is not null) throw new DatasetFormatException(file, lineNumber, $"{binary} of the line; expected UTF-8 text");
            string text = Encoding.UTF8.GetString(line);
            if (string.IsNullOrWhiteSpace(text)) continue;
            int tab = text.IndexOf('\t');
            if (tab < 0) throw new DatasetFormatException(file, lineNumber, "expected a source and a target separated by a tab");
            int next = text.IndexOf('\t', tab + 1);
            pairs.Add(Pair(file, lineNumber, text[..tab], next < 0 ? text[(tab + 1)..] : text[(tab + 1)..next]));
        }
        return pairs.Count > 0 ? new PairFile(file, pairs) : throw new DatasetFormatException(file, lineNumber, "no pair: the file has no data lines");
    }

    /// <summary>
    /// Pairs given in memory (a host's list), checked as a file's lines are: an empty source or target is an error
    /// naming <paramref name="name"/> and the pair's 1-based position as its line.
    /// </summary>
    /// <exception cref="DatasetFormatException">A side is empty, or there is no pair.</exception>
    public static PairFile FromPairs(IEnumerable<(string Source, string Target)> pairs, string name = "pairs")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(name);
        List<TextPair> checkedPairs = [];
        foreach ((string source, string target) in pairs) checkedPairs.Add(Pair(name, checkedPairs.Count + 1, source, target));
        return checkedPairs.Count > 0 ? new PairFile(name, checkedPairs) : throw new DatasetFormatException(name, 0, "no pair: the list is empty");
    }

    private static TextPair Pair(string file, int line, string? source, string? target)
    {
        if (string.IsNullOrEmpty(source)) throw new DatasetFormatException(file, line, "the source is empty");
        if (string.IsNullOrEmpty(target)) throw new DatasetFormatException(file, line, "the target is empty");
        return new TextPair(source, target, line);
    }
}

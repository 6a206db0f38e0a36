using System.Text;

namespace RnnNative.Datasets;

/// <summary>
/// Records of a CSV file as RFC 4180 writes them: fields separated by commas, records by line breaks
/// (LF or CRLF); a field in double quotes may hold commas, line breaks and doubled quotes (<c>""</c> for
/// one <c>"</c>). A quote inside an unquoted field is kept as a character. Errors (a closing quote followed
/// by something other than a comma or line break, a quote never closed) name the file and line.
/// </summary>
internal static class CsvRecords
{
    /// <summary>Each record's fields and the 1-based line it starts on; blank lines are skipped.</summary>
    public static IEnumerable<(string[] Fields, int Line)> Read(TextReader reader, string file)
    {
        List<string> fields = [];
        StringBuilder field = new();
        int line = 1, recordLine = 1;
        bool quoted = false, afterQuote = false, any = false;
        for (int c = reader.Read(); ; c = reader.Read())
        {
            if (quoted)
            {
                if (c < 0) throw new DatasetFormatException(file, recordLine, "a quoted field is never closed");
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else { quoted = false; afterQuote = true; }
                    continue;
                }
                if (c == '\n') line++;
                field.Append((char)c);
                continue;
            }
            if (c == '\r' && reader.Peek() == '\n') continue;
            if (c < 0 || c == '\n' || c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
                if (c == ',') { any = true; continue; }
                if (any || fields[0].Length > 0 || fields.Count > 1) yield return ([.. fields], recordLine);
                fields.Clear();
                any = false;
                if (c < 0) yield break;
                recordLine = ++line;
                continue;
            }
            if (afterQuote) throw new DatasetFormatException(file, line, $"'{(char)c}' after a closing quote; expected a comma or the end of the line");
            any = true;
            if (c == '"' && field.Length == 0) { quoted = true; continue; }
            field.Append((char)c);
        }
    }
}

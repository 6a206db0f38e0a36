using System.Globalization;

namespace RnnNative.Datasets;

/// <summary>
/// A text classification file: TSV with <c>label&lt;TAB&gt;text</c> per line (the text is everything after the
/// first tab; blank lines are skipped), or CSV with a header whose label and text columns are chosen by
/// name (RFC 4180 quoting, <see cref="CsvRecords"/>). A missing label or tab, an unknown column name and
/// a record with the wrong number of fields are errors naming the file and line.
/// </summary>
public sealed class ClassificationFile
{
    private ClassificationFile(string file, List<LabeledText> examples, bool inMemory = false, bool labelled = true)
    {
        File = file;
        Examples = examples;
        InMemory = inMemory;
        Labelled = labelled;
    }

    /// <summary>The file as the caller named it.</summary>
    public string File { get; }

    /// <summary>Texts given in memory (<see cref="FromTexts"/>): an example's "line" is then its index, and
    /// <see cref="Error"/> names places by it.</summary>
    public bool InMemory { get; }

    /// <summary>False for texts from memory given without labels (to predict): their labels are empty.</summary>
    public bool Labelled { get; }

    /// <summary>The examples in file order.</summary>
    public IReadOnlyList<LabeledText> Examples { get; }

    /// <summary>Reads the UTF-8 TSV file at <paramref name="path"/>.</summary>
    public static ClassificationFile ReadTsv(string path)
    {
        using StreamReader reader = new(path);
        return ParseTsv(reader, path);
    }

    /// <summary>Reads TSV text; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="DatasetFormatException">A line without a tab or with an empty label, or no example at all.</exception>
    public static ClassificationFile ParseTsv(TextReader reader, string file)
    {
        List<LabeledText> examples = [];
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new DatasetFormatException(file, lineNumber, "expected a label and a text separated by a tab");
            examples.Add(Example(file, lineNumber, line[..tab], line[(tab + 1)..]));
        }
        return Checked(file, lineNumber, examples);
    }

    /// <summary>Reads the UTF-8 CSV file at <paramref name="path"/>, labels and texts from the columns named <paramref name="labelColumn"/> and <paramref name="textColumn"/>.</summary>
    public static ClassificationFile ReadCsv(string path, string labelColumn = "label", string textColumn = "text")
    {
        using StreamReader reader = new(path);
        return ParseCsv(reader, path, labelColumn, textColumn);
    }

    /// <summary>Reads CSV text with a header; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="DatasetFormatException">A column name is not in the header, a record has another number of fields than the header, a label is empty, or no example at all.</exception>
    public static ClassificationFile ParseCsv(TextReader reader, string file, string labelColumn = "label", string textColumn = "text")
    {
        using IEnumerator<(string[] Fields, int Line)> records = CsvRecords.Read(reader, file).GetEnumerator();
        if (!records.MoveNext()) throw new DatasetFormatException(file, 1, "the file is empty; expected a header line");
        string[] header = records.Current.Fields;
        int label = Column(file, records.Current.Line, header, labelColumn, "label");
        int text = Column(file, records.Current.Line, header, textColumn, "text");
        List<LabeledText> examples = [];
        int lastLine = records.Current.Line;
        while (records.MoveNext())
        {
            (string[] fields, lastLine) = records.Current;
            if (fields.Length != header.Length) throw new DatasetFormatException(file, lastLine, $"{fields.Length} fields, but the header has {header.Length}");
            examples.Add(Example(file, lastLine, fields[label], fields[text]));
        }
        return Checked(file, lastLine, examples);
    }

    /// <summary>Texts from memory, read by the rules of a file, each with its label in <paramref name="labels"/> (as many) or,
    /// with <paramref name="labels"/> null, unlabelled (prediction); <paramref name="source"/> names them in messages.</summary>
    /// <exception cref="ArgumentException">There is no text, or a text or label is NULL, or a label is blank; the message
    /// names it as "texts[i]" or "labels[i]".</exception>
    public static ClassificationFile FromTexts(IReadOnlyList<string> texts, IReadOnlyList<string>? labels, string source)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("no text: give at least one.", nameof(texts));
        if (labels is not null && labels.Count != texts.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {texts.Count} texts; give a label per text, or none to predict.", nameof(labels));
        }
        List<LabeledText> examples = [];
        for (int i = 0; i < texts.Count; i++)
        {
            string text = texts[i] ?? throw new ArgumentException($"texts[{i}]: is NULL.", nameof(texts));
            string label = labels is null ? "" : labels[i]?.Trim() ?? throw new ArgumentException($"labels[{i}]: is NULL.", nameof(labels));
            if (labels is not null && label.Length == 0) throw new ArgumentException($"labels[{i}]: the label is empty.", nameof(labels));
            examples.Add(new LabeledText(label, text, i));
        }
        return new ClassificationFile(source, examples, inMemory: true, labelled: labels is not null);
    }

    /// <summary>A problem with example <paramref name="example"/>, placed at its line of the file, or for texts from memory
    /// at "<paramref name="array"/>[i]" ("texts" or "labels").</summary>
    public DatasetFormatException Error(LabeledText example, string array, string problem)
    {
        ArgumentNullException.ThrowIfNull(example);
        return InMemory ? new DatasetFormatException($"{array}[{example.Line}]", 0, problem) : new DatasetFormatException(File, example.Line, problem);
    }

    /// <summary>
    /// Writes one line per example, <c>label&lt;TAB&gt;probability&lt;TAB&gt;text</c>, with the predicted label,
    /// its probability (invariant culture, 6 decimals) and the example's text (tabs and line breaks in it as spaces).
    /// </summary>
    public void WritePredictions(TextWriter writer, IReadOnlyList<string> labels, IReadOnlyList<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (labels.Count != Examples.Count || probabilities.Count != Examples.Count)
        {
            throw new ArgumentException($"{labels.Count} labels and {probabilities.Count} probabilities for {Examples.Count} examples");
        }
        for (int i = 0; i < Examples.Count; i++)
        {
            string text = Examples[i].Text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
            writer.WriteLine($"{labels[i]}\t{probabilities[i].ToString("F6", CultureInfo.InvariantCulture)}\t{text}");
        }
    }

    private static LabeledText Example(string file, int line, string label, string text)
    {
        label = label.Trim();
        return label.Length > 0 ? new LabeledText(label, text, line) : throw new DatasetFormatException(file, line, "the label is empty");
    }

    private static ClassificationFile Checked(string file, int line, List<LabeledText> examples) =>
        examples.Count > 0 ? new ClassificationFile(file, examples) : throw new DatasetFormatException(file, line, "no example: the file has no data lines");

    private static int Column(string file, int line, string[] header, string name, string role)
    {
        int index = Array.FindIndex(header, column => column.Trim() == name);
        return index >= 0 ? index : throw new DatasetFormatException(file, line, $"no {role} column named \"{name}\"; the header has: {string.Join(", ", header)}");
    }
}

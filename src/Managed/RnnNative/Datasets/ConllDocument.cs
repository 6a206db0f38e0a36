namespace RnnNative.Datasets;

/// <summary>
/// A CoNLL-style tagging file: one token per line, columns separated by whitespace, the first column the
/// token and the last its tag, a blank line between sentences. Skipped: lines starting with <c>#</c>
/// between sentences (comments; inside a sentence a <c>#</c> line is a token, e.g. "# O"), and lines whose
/// first column is <c>-DOCSTART-</c>. Several blank lines in a row are one separator (no empty sentences).
/// A token line of one column is an error when tags are required (training, evaluation), and a token to
/// tag when they are not (prediction).
/// </summary>
public sealed class ConllDocument
{
    private ConllDocument(string file, bool tagged, List<ConllSentence> sentences)
    {
        File = file;
        Tagged = tagged;
        Sentences = sentences;
    }

    /// <summary>The file as the caller named it (used in error messages).</summary>
    public string File { get; }

    /// <summary>Whether every row has a tag column (the file was read with tags required).</summary>
    public bool Tagged { get; }

    /// <summary>The sentences in file order.</summary>
    public IReadOnlyList<ConllSentence> Sentences { get; }

    /// <summary>Reads the UTF-8 file at <paramref name="path"/>.</summary>
    /// <exception cref="DatasetFormatException">A line has no tag column (when <paramref name="requireTags"/>), or the file has no sentence.</exception>
    public static ConllDocument Read(string path, bool requireTags = true)
    {
        using StreamReader reader = new(path);
        return Parse(reader, path, requireTags);
    }

    /// <summary>Reads CoNLL text from <paramref name="reader"/>; <paramref name="file"/> names it in errors.</summary>
    public static ConllDocument Parse(TextReader reader, string file, bool requireTags = true)
    {
        List<ConllSentence> sentences = [];
        List<string[]> rows = [];
        List<int> lines = [];
        int lineNumber = 0;
        for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            lineNumber++;
            string[] columns = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns.Length == 0)
            {
                EndSentence();
                continue;
            }
            if (columns[0] == "-DOCSTART-" || (rows.Count == 0 && line.TrimStart().StartsWith('#')))
            {
                continue;
            }
            if (requireTags && columns.Length < 2)
            {
                throw new DatasetFormatException(file, lineNumber, $"expected a token and a tag separated by whitespace, found one column \"{columns[0]}\"");
            }
            rows.Add(columns);
            lines.Add(lineNumber);
        }
        EndSentence();
        if (sentences.Count == 0)
        {
            throw new DatasetFormatException(file, lineNumber, "no sentence: the file has no token lines");
        }
        return new ConllDocument(file, requireTags, sentences);

        void EndSentence()
        {
            if (rows.Count > 0)
            {
                sentences.Add(new ConllSentence([.. rows], [.. lines]));
                rows.Clear();
                lines.Clear();
            }
        }
    }

    /// <summary>
    /// Writes the sentences back as CoNLL with one more column, the predicted tag of each token
    /// (<paramref name="predictedTags"/>[sentence][token]): columns separated by one space, a blank line
    /// after each sentence. Skipped comment and -DOCSTART- lines are not written.
    /// </summary>
    public void WriteWithPredictions(TextWriter writer, IReadOnlyList<IReadOnlyList<string>> predictedTags)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (predictedTags.Count != Sentences.Count) throw new ArgumentException($"{predictedTags.Count} predicted sentences for {Sentences.Count}", nameof(predictedTags));
        for (int s = 0; s < Sentences.Count; s++)
        {
            ConllSentence sentence = Sentences[s];
            if (predictedTags[s].Count != sentence.Count) throw new ArgumentException($"sentence {s} has {sentence.Count} tokens and {predictedTags[s].Count} predicted tags", nameof(predictedTags));
            for (int i = 0; i < sentence.Count; i++)
            {
                writer.Write(string.Join(' ', sentence.Rows[i]));
                writer.Write(' ');
                writer.WriteLine(predictedTags[s][i]);
            }
            writer.WriteLine();
        }
    }
}

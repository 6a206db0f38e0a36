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
    private ConllDocument(string file, bool tagged, List<ConllSentence> sentences, bool inMemory = false)
    {
        File = file;
        Tagged = tagged;
        Sentences = sentences;
        InMemory = inMemory;
    }

    /// <summary>The file as the caller named it (used in error messages).</summary>
    public string File { get; }

    /// <summary>Sentences given in memory (<see cref="FromTokens"/>): a row's "line" is then its token's index in the
    /// concatenated tokens, and <see cref="Error"/> names places by that index.</summary>
    public bool InMemory { get; }

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
    /// Sentences from memory, read by the rules of a file: sentence s is the next <paramref name="lengths"/>[s] (at least 1)
    /// of <paramref name="tokens"/>, each with its tag in <paramref name="tags"/> (as many as the tokens) or, with
    /// <paramref name="tags"/> null, untagged (prediction). A token or tag must be what a CoNLL column can hold
    /// (not empty, no whitespace), so predictions can be written back as CoNLL; <paramref name="source"/> names them in messages.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not cover the tokens, or a token or tag is not a column; the message
    /// names it as "tokens[k] (sentence s, token i)" (or "tags[k] ...").</exception>
    public static ConllDocument FromTokens(IReadOnlyList<string> tokens, ReadOnlySpan<int> lengths, IReadOnlyList<string>? tags, string source)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tags is not null && tags.Count != tokens.Count)
        {
            throw new ArgumentException($"{tags.Count} tags for {tokens.Count} tokens; give a tag per token, or none to predict.", nameof(tags));
        }
        if (lengths.Length == 0) throw new ArgumentException("no sentence: give at least one.", nameof(lengths));
        List<ConllSentence> sentences = [];
        int k = 0;
        for (int s = 0; s < lengths.Length; s++)
        {
            if (lengths[s] < 1 || lengths[s] > tokens.Count - k)
            {
                throw new ArgumentException($"lengths[{s}] is {lengths[s]}; every sentence has at least one token and the lengths sum to the {tokens.Count} tokens.", nameof(lengths));
            }
            string[][] rows = new string[lengths[s]][];
            int[] indices = new int[lengths[s]];
            for (int i = 0; i < rows.Length; i++, k++)
            {
                string token = Column(tokens[k], nameof(tokens), k, s, i);
                rows[i] = tags is null ? [token] : [token, Column(tags[k], nameof(tags), k, s, i)];
                indices[i] = k;
            }
            sentences.Add(new ConllSentence(rows, indices));
        }
        if (k != tokens.Count) throw new ArgumentException($"the lengths sum to {k} tokens but {tokens.Count} are given.", nameof(lengths));
        return new ConllDocument(source, tags is not null, sentences, inMemory: true);
    }

    /// <summary>A problem with token <paramref name="token"/> of sentence <paramref name="sentence"/>, placed at its line of the
    /// file, or for sentences from memory at "<paramref name="array"/>[k] (sentence s, token i)" ("tags" for a tag's problem).</summary>
    public DatasetFormatException Error(int sentence, int token, string array, string problem)
    {
        int line = Sentences[sentence].Lines[token];
        return InMemory ? new DatasetFormatException(Place(array, line, sentence, token), 0, problem) : new DatasetFormatException(File, line, problem);
    }

    private static string Place(string array, int index, int sentence, int token) => $"{array}[{index}] (sentence {sentence}, token {token})";

    private static string Column(string? text, string array, int index, int sentence, int token) =>
        !string.IsNullOrEmpty(text) && !text.Any(char.IsWhiteSpace) ? text
            : throw new ArgumentException($"{Place(array, index, sentence, token)}: {(text is null ? "is NULL" : $"\"{text}\" cannot be a CoNLL {(array == "tags" ? "tag" : "token")} (empty, or with whitespace)")}.", array);

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

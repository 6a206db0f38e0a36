namespace RnnNative.Datasets;

/// <summary>
/// A dataset file that cannot be read as its format says: one message, prefixed with the file and the
/// line where the problem is ("train.conll:17: expected a token and a tag separated by whitespace"), or
/// with the file alone when the format has no lines (.npy, .npz: the message names the array instead).
/// </summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>A problem at <paramref name="line"/> (1-based; 0 for a whole file) of <paramref name="file"/>.</summary>
    public DatasetFormatException(string file, int line, string problem, Exception? inner = null)
        : base(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}", inner)
    {
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file as the caller named it.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the problem, or 0 when it concerns the whole file or an array.</summary>
    public int Line { get; }

    /// <summary>The problem without the file and line.</summary>
    public string Problem { get; }
}

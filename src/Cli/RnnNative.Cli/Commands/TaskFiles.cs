using RnnNative.Cli.CommandLine;
using RnnNative.Datasets;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary>The data files of taggers, classifiers, regressors and seq2seq models, read by <c>rnn train</c>, <c>eval</c> and <c>predict</c>:
/// a file that cannot be opened is named with its path; a malformed one by the engine as "FILE:LINE: problem" (exit code 1).</summary>
internal static class TaskFiles
{
    /// <summary>How a training file becomes sequences (--vocab, --max-vocab, --lowercase, and a CSV file's columns).</summary>
    public static TaskDataOptions TrainingOptions(Arguments args)
    {
        TaskDataOptions d = new();
        return Columns(args) with
        {
            Unit = args.Choice("vocab", d.Unit, ("words", TokenUnit.Words), ("chars", TokenUnit.Characters), ("word", TokenUnit.Words), ("char", TokenUnit.Characters)),
            MaxVocabulary = args.Int("max-vocab", d.MaxVocabulary, min: 0),
            Lowercase = args.Flag("lowercase"),
        };
    }

    /// <summary>A CSV file's columns (--label-column, --text-column); the rest of a file's encoding is the model's.</summary>
    public static TaskDataOptions Columns(Arguments args)
    {
        TaskDataOptions d = new();
        return d with { LabelColumn = args.String("label-column", d.LabelColumn), TextColumn = args.String("text-column", d.TextColumn) };
    }

    /// <summary>Runs <paramref name="read"/> on <paramref name="path"/>, naming the path when the file cannot be opened.</summary>
    public static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}

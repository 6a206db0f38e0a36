using RnnNative.Cli.CommandLine;
using RnnNative.IO;
using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary>Model files read by every command: a failure names the file (format errors name it in the engine).</summary>
internal static class ModelFiles
{
    /// <summary>A language model's file.</summary>
    public static LoadedModel Load(string path) => Read(path, () => ModelFile.Load(path));

    /// <summary>A tagger's, classifier's or regressor's file.</summary>
    public static LoadedTaskModel LoadTask(string path) => Read(path, () => TaskModel.Load(path));

    /// <summary>A seq2seq model's file.</summary>
    public static LoadedSeq2SeqTaskModel LoadSeq2Seq(string path) => Read(path, () => Seq2SeqTaskModel.Load(path));

    /// <summary>The kind of model the file holds, read before loading it so each command takes the path that fits.</summary>
    public static ModelKind KindOf(string path) => Read(path, () => Model.ModelFiles.KindOf(path));

    private static T Read<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (CheckpointFormatException e)
        {
            // The engine's message already starts with the path ("PATH: what is wrong").
            throw new CliException(e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}

using RnnNative.Cli.CommandLine;
using RnnNative.IO;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary>Model files read by every command: a failure names the file.</summary>
internal static class ModelFiles
{
    public static LoadedModel Load(string path)
    {
        try
        {
            return ModelFile.Load(path);
        }
        catch (CheckpointFormatException e)
        {
            throw new CliException($"'{path}' is not a model rnn can read: {e.Message}");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}

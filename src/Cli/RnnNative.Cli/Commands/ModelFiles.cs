using RnnNative.Cli.CommandLine;
using RnnNative.IO;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary>Model files read by every command: a failure names the file (format errors name it in the engine).</summary>
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
            // The engine's message already starts with the path ("PATH: what is wrong").
            throw new CliException(e.Message);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}");
        }
    }
}

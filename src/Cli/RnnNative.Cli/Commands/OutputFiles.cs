using RnnNative.Cli.CommandLine;

namespace RnnNative.Cli.Commands;

/// <summary>Files <c>rnn train</c> writes, checked before training so that a typo costs seconds, not a run.</summary>
internal static class OutputFiles
{
    /// <summary>Creates the folder of <paramref name="path"/> if needed and makes sure a file can be written there.</summary>
    public static void Prepare(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"--{option} '{path}' is a folder; name a file in it");
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            Directory.CreateDirectory(folder);
            // The saves write a temporary file next to the target and rename it: try the same.
            using FileStream probe = new(Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.probe"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write --{option} '{path}': {e.Message}");
        }
    }
}

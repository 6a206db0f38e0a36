using RnnNative.Cli.CommandLine;
using RnnNative.Training;

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

    /// <summary>
    /// A run never replaces another run's checkpoint or best file unasked: a second <c>rnn train</c>
    /// with the default --checkpoint would otherwise write over the first run's model.rnn. The run's
    /// own files (resumed into the same checkpoint) are its to update.
    /// </summary>
    public static void RefuseToReplace(string checkpoint, string? resumed, bool overwrite)
    {
        if (overwrite) return;
        if (resumed is not null && SameFile(checkpoint, resumed)) return;
        foreach (string path in new[] { checkpoint, CheckpointFiles.BestPathFor(checkpoint) })
        {
            if (File.Exists(path))
            {
                throw new CliException($"'{path}' already exists and this run would replace it; continue its run with --resume {path}, " +
                    "choose another --checkpoint, or add --overwrite to replace it");
            }
        }
    }

    private static bool SameFile(string a, string b) => Path.GetFullPath(a) == Path.GetFullPath(b);
}

namespace RnnNative.IO;

/// <summary>Replaces a file all at once: readers see the old content or the new, never a mix,
/// and a failed write leaves the old file as it was.</summary>
/// <remarks>
/// The content goes to a uniquely named temporary file in the target's directory (so the final
/// rename stays within one file system), is flushed to the device, and is then renamed over the
/// target. On any failure the temporary file is deleted and the exception propagates. The
/// directory entry itself is not flushed (.NET has no portable call for it), so after a power
/// loss the rename may be lost, but the target is then the complete old file, never a torn one.
/// A process killed while saving cannot delete its temporary file; the next successful save of
/// the same target removes such leftovers (see <see cref="RemoveStaleTemporaries"/>).
/// </remarks>
public static class AtomicFile
{
    /// <summary>A temporary file untouched for this long is no concurrent save's (a save writes
    /// its file continuously and renames it right after the last write).</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>Writes <paramref name="path"/> with whatever <paramref name="write"/> puts into
    /// the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root, not a file.", nameof(path));
        string temporary = Path.Combine(directory, TemporaryName(Path.GetFileName(fullPath), Guid.NewGuid()));
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        RemoveStaleTemporaries(directory, Path.GetFileName(fullPath));
    }

    /// <summary>".NAME.&lt;32 hex digits&gt;.tmp": the only names this class creates or removes.</summary>
    private static string TemporaryName(string fileName, Guid id) => $".{fileName}.{id:N}.tmp";

    /// <summary>
    /// Deletes the temporary files of earlier saves of <paramref name="fileName"/> that were killed
    /// before they could clean up: only names of exactly our pattern, only when untouched for
    /// <see cref="StaleAfter"/>, and only when no process holds them. A save in progress holds its
    /// file locked (FileShare.None, an advisory lock on Unix) while writing; between closing it and
    /// the rename it holds no lock, but its last write is then seconds old, so the age rule keeps
    /// it. The file is opened exclusively and deleted on close, so no other opener can slip in
    /// between the check and the deletion. Best effort: a file that cannot be checked is left.
    /// </summary>
    private static void RemoveStaleTemporaries(string directory, string fileName)
    {
        int length = TemporaryName(fileName, Guid.Empty).Length;
        string prefix = $".{fileName}.";
        DateTime staleBefore = DateTime.UtcNow - StaleAfter;
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(directory, prefix + "*.tmp"))
            {
                string name = Path.GetFileName(candidate);
                if (name.Length != length || !name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".tmp", StringComparison.Ordinal)
                    || name.AsSpan(prefix.Length, 32).ContainsAnyExcept("0123456789abcdef") || File.GetLastWriteTimeUtc(candidate) >= staleBefore)
                {
                    continue;
                }
                try
                {
                    using FileStream _ = new(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Held by a live save, or not ours to delete.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory could not be listed: the save itself succeeded.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

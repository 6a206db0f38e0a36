namespace RnnNative.IO;

/// <summary>Replaces a file all at once: readers see the old content or the new, never a mix,
/// and a failed write leaves the old file as it was.</summary>
/// <remarks>
/// The content goes to a uniquely named temporary file in the target's directory (so the final
/// rename stays within one file system), is flushed to the device, and is then renamed over the
/// target. On any failure the temporary file is deleted and the exception propagates. The
/// directory entry itself is not flushed (.NET has no portable call for it), so after a power
/// loss the rename may be lost, but the target is then the complete old file, never a torn one.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with whatever <paramref name="write"/> puts into
    /// the stream it is given.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root, not a file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
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

namespace RnnNative.IO;

/// <summary>
/// Reads a whole model file into memory for the checkpoint and safetensors readers. A file is read by
/// the length the file system reports, not until its end, so a device that never ends (/dev/zero)
/// yields its reported 0 bytes at once instead of reading gigabytes; a stream that cannot tell its
/// length (a pipe) is read to its end but no further than the largest array.
/// </summary>
internal static class FileBytes
{
    public static byte[] Read(string path, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return Read(stream, what);
    }

    /// <summary>From the stream's position to its end; <paramref name="what"/> names the format in messages ("checkpoint").</summary>
    public static byte[] Read(Stream stream, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            MemoryStream copy = new();
            byte[] buffer = new byte[1 << 16];
            for (int read; (read = stream.Read(buffer)) > 0;)
            {
                if (copy.Length + read > Array.MaxLength) throw TooLarge(what, copy.Length + read);
                copy.Write(buffer, 0, read);
            }
            return copy.ToArray();
        }
        long length = stream.Length - stream.Position;
        if (length > Array.MaxLength) throw TooLarge(what, length);
        byte[] file = new byte[length];
        try
        {
            stream.ReadExactly(file);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException("truncated: the file shrank while it was being read.", e);
        }
        return file;
    }

    private static CheckpointFormatException TooLarge(string what, long length) =>
        new($"the {what} is {(length > Array.MaxLength ? "more than " : "")}{Math.Min(length, Array.MaxLength)} bytes; at most {Array.MaxLength} bytes can be loaded.");
}

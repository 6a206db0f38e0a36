namespace RnnNative.IO;

/// <summary>A checkpoint was rejected: empty, truncated, damaged, foreign, from a newer format
/// version, or internally inconsistent; or a section the caller asked for is absent or of
/// another kind. The message says which, in words a user can act on.</summary>
/// <remarks>Derives from <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed),
/// so one <c>catch (IOException)</c> around a load handles both a missing and a bad file.</remarks>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>A rejection whose <paramref name="message"/> says what is wrong with the file.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>A rejection caused by <paramref name="innerException"/> (e.g. a JSON or UTF-8 error inside a section).</summary>
    public CheckpointFormatException(string message, Exception innerException) : base(message, innerException) { }
}

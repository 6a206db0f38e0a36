namespace RnnNative.Text;

/// <summary>
/// Consumes a prefix of <paramref name="utf8"/> and returns its length in bytes. When
/// <paramref name="isFinalBlock"/> is false it may stop early (inside a character or a word that the
/// next bytes could extend); the unconsumed bytes are passed again, followed by more. When true it
/// must consume everything.
/// </summary>
internal delegate int Utf8ChunkConsumer(ReadOnlySpan<byte> utf8, bool isFinalBlock);

/// <summary>Feeds a stream to a <see cref="Utf8ChunkConsumer"/> in chunks, carrying unconsumed bytes over chunk edges.</summary>
internal static class Utf8ChunkReader
{
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>
    /// Reads <paramref name="utf8"/> to its end. The buffer starts at <paramref name="chunkBytes"/> and
    /// doubles only while the consumer cannot make progress (a single word longer than the buffer).
    /// </summary>
    public static void ReadAll(Stream utf8, int chunkBytes, Utf8ChunkConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        byte[] buffer = new byte[chunkBytes];
        int filled = 0;
        while (true)
        {
            int read = utf8.Read(buffer, filled, buffer.Length - filled);
            filled += read;
            bool isFinalBlock = read == 0;
            int consumed = consumer(buffer.AsSpan(0, filled), isFinalBlock);
            if (isFinalBlock)
            {
                return;
            }
            filled -= consumed;
            buffer.AsSpan(consumed, filled).CopyTo(buffer);
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, checked(buffer.Length * 2));
            }
        }
    }
}

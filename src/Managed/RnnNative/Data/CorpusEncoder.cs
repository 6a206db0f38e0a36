using System.Numerics;
using System.Runtime.InteropServices;
using RnnNative.Text;

namespace RnnNative.Data;

/// <summary>
/// Encodes a UTF-8 corpus into a <see cref="TokenSequence"/> reading it once, in chunks (a character or
/// word cut by a chunk edge is carried into the next chunk, so the ids equal encoding the text whole),
/// and never holding the text and its ids as int at once.
/// <para>Storage policy of <see cref="EncodeFile"/>: every vocabulary makes at most one token per
/// byte, so N·w ≤ (file bytes)·(bytes per token) bounds the token storage. Within
/// <c>inMemoryLimitBytes</c> (default 256 MiB) the tokens go to an array in memory;
/// above it they are written to a token file (default: the text's path + ".tokens", overwritten) and
/// memory-mapped, so memory use stays at the chunk size whatever the corpus size.</para>
/// </summary>
public static class CorpusEncoder
{
    /// <summary>Token storage up to which <see cref="EncodeFile"/> keeps the tokens in memory: 256 MiB.</summary>
    public const long DefaultInMemoryLimitBytes = 256L << 20;
    /// <summary>Bytes of text read and encoded at a time.</summary>
    public const int DefaultChunkBytes = Utf8ChunkReader.DefaultChunkBytes;

    /// <summary>Encodes the file at <paramref name="textPath"/> in memory or to a mapped token file, per the policy above.</summary>
    public static TokenSequence EncodeFile(string textPath, Vocabulary vocabulary, long inMemoryLimitBytes = DefaultInMemoryLimitBytes, string? tokenFilePath = null, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        try
        {
            using FileStream text = new(textPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            long bound = text.Length * TokenSequence.BytesPerTokenFor(vocabulary.Count);
            if (bound <= inMemoryLimitBytes)
            {
                return EncodeToMemory(text, vocabulary, chunkBytes);
            }
            tokenFilePath ??= textPath + ".tokens";
            EncodeToTokenFile(text, vocabulary, tokenFilePath, chunkBytes);
            return MappedTokenSequence.Open(tokenFilePath);
        }
        catch (CharacterNotInVocabularyException e)
        {
            throw e.InFile(textPath);
        }
    }

    /// <summary>Encodes a UTF-8 stream to its end into an in-memory sequence of the smallest storage.</summary>
    public static TokenSequence EncodeToMemory(Stream utf8, Vocabulary vocabulary, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        int capacity = utf8.CanSeek ? (int)Math.Min(utf8.Length - utf8.Position, 1 << 24) : 0;
        return TokenSequence.BytesPerTokenFor(vocabulary.Count) switch
        {
            1 => EncodeToArray(new TokenArrayBuilder<byte>(capacity), utf8, vocabulary, chunkBytes),
            2 => EncodeToArray(new TokenArrayBuilder<ushort>(capacity), utf8, vocabulary, chunkBytes),
            _ => EncodeToArray(new TokenArrayBuilder<int>(capacity), utf8, vocabulary, chunkBytes),
        };
    }

    /// <summary>Encodes a UTF-8 stream to its end into a token file at <paramref name="tokenFilePath"/>; returns the token count.</summary>
    public static long EncodeToTokenFile(Stream utf8, Vocabulary vocabulary, string tokenFilePath, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        using TokenFile.Writer writer = new(tokenFilePath, vocabulary.Count);
        Encode(utf8, vocabulary, chunkBytes, writer.Append);
        writer.Complete();
        return writer.Count;
    }

    private static TokenSequence EncodeToArray<T>(TokenArrayBuilder<T> builder, Stream utf8, Vocabulary vocabulary, int chunkBytes)
        where T : unmanaged, IBinaryInteger<T>
    {
        Encode(utf8, vocabulary, chunkBytes, builder.Append);
        return builder.Build(vocabulary.Count);
    }

    private delegate void IdSink(ReadOnlySpan<int> ids);

    private static void Encode(Stream utf8, Vocabulary vocabulary, int chunkBytes, IdSink sink)
    {
        List<int> ids = [];
        long bytesBefore = 0;   // of the text, before this chunk: makes an error's position the text's, not the chunk's
        Utf8ChunkReader.ReadAll(utf8, chunkBytes, (chunk, isFinalBlock) =>
        {
            ids.Clear();
            int consumed;
            try
            {
                consumed = vocabulary.EncodeChunk(chunk, isFinalBlock, ids);
            }
            catch (CharacterNotInVocabularyException e)
            {
                throw e.After(bytesBefore);
            }
            sink(CollectionsMarshal.AsSpan(ids));
            bytesBefore += consumed;
            return consumed;
        });
    }
}

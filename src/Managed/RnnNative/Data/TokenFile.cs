using System.Buffers.Binary;
using System.Text;

namespace RnnNative.Data;

/// <summary>
/// The token file: an encoded corpus on disk, read back by memory mapping
/// (<see cref="MappedTokenSequence"/>). Little-endian:
/// <code>
/// offset size
///      0    4  magic "RNTK"
///      4    2  format version (1)
///      6    1  bytes per token (1, 2 or 4; TokenSequence.BytesPerTokenFor of the vocabulary count)
///      7    1  reserved, 0
///      8    4  vocabulary count (int32)
///     12    4  reserved, 0
///     16    8  token count N (int64)
///     24    8  reserved, 0
///     32  N*w  tokens, w bytes each
/// </code>
/// Opening validates every header field and the file length against the token count. There is no
/// checksum (it would mean reading the whole corpus at open, which mapping exists to avoid), so a
/// token corrupted in place is not detected; ids are not range-checked when read.
/// </summary>
public static class TokenFile
{
    /// <summary>The version written at offset 4; files of other versions are refused.</summary>
    public const ushort FormatVersion = 1;
    /// <summary>Bytes before the first token.</summary>
    public const int HeaderBytes = 32;
    private static ReadOnlySpan<byte> Magic => "RNTK"u8;

    internal static void WriteHeader(Span<byte> header, int bytesPerToken, int vocabularyCount, long tokenCount)
    {
        header[..HeaderBytes].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        header[6] = (byte)bytesPerToken;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], vocabularyCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], tokenCount);
    }

    /// <summary>Validates a header against the file's length; returns (bytes per token, vocabulary count, token count).</summary>
    /// <exception cref="InvalidDataException">The header is not a token file's or disagrees with the file length.</exception>
    internal static (int BytesPerToken, int VocabularyCount, long TokenCount) ReadHeader(ReadOnlySpan<byte> header, long fileLength, string path)
    {
        if (fileLength < HeaderBytes)
        {
            throw new InvalidDataException($"token file '{path}' is truncated: {fileLength} bytes, shorter than its {HeaderBytes}-byte header");
        }
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not a token file: magic is \"{Encoding.ASCII.GetString(header[..4])}\", expected \"RNTK\"");
        }
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"token file '{path}' has format version {version}; this build reads version {FormatVersion}");
        }
        int bytesPerToken = header[6];
        int vocabularyCount = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        long tokenCount = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        if (vocabularyCount < 1 || bytesPerToken != TokenSequence.BytesPerTokenFor(vocabularyCount))
        {
            throw new InvalidDataException($"token file '{path}' is corrupt: {bytesPerToken} bytes per token for a vocabulary of {vocabularyCount}");
        }
        if (header[7] != 0 || BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != 0 || BinaryPrimitives.ReadInt64LittleEndian(header[24..]) != 0)
        {
            throw new InvalidDataException($"token file '{path}' is corrupt: reserved header bytes are not 0");
        }
        if (tokenCount < 0 || tokenCount != (fileLength - HeaderBytes) / bytesPerToken || (fileLength - HeaderBytes) % bytesPerToken != 0)
        {
            throw new InvalidDataException($"token file '{path}' is truncated or corrupt: header says {tokenCount} tokens of {bytesPerToken} bytes, the file has {fileLength - HeaderBytes} bytes of tokens");
        }
        return (bytesPerToken, vocabularyCount, tokenCount);
    }

    /// <summary>Streams ids into a token file: header placeholder first, tokens as they come, the header last.</summary>
    internal sealed class Writer : IDisposable
    {
        private readonly FileStream _file;
        private readonly int _bytesPerToken;
        private readonly int _vocabularyCount;
        private byte[] _buffer = new byte[1 << 16];

        public Writer(string path, int vocabularyCount)
        {
            _vocabularyCount = vocabularyCount;
            _bytesPerToken = TokenSequence.BytesPerTokenFor(vocabularyCount);
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
            _file.Write(new byte[HeaderBytes]);
        }

        public long Count { get; private set; }

        public void Append(ReadOnlySpan<int> ids)
        {
            int bytes = ids.Length * _bytesPerToken;
            if (bytes > _buffer.Length)
            {
                _buffer = new byte[bytes];
            }
            Span<byte> destination = _buffer.AsSpan(0, bytes);
            for (int i = 0; i < ids.Length; i++)
            {
                switch (_bytesPerToken)
                {
                    case 1: destination[i] = (byte)ids[i]; break;
                    case 2: BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], (ushort)ids[i]); break;
                    default: BinaryPrimitives.WriteInt32LittleEndian(destination[(4 * i)..], ids[i]); break;
                }
            }
            _file.Write(destination);
            Count += ids.Length;
        }

        /// <summary>Writes the header, making the file valid.</summary>
        public void Complete()
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            WriteHeader(header, _bytesPerToken, _vocabularyCount, Count);
            _file.Position = 0;
            _file.Write(header);
            _file.Flush();
        }

        public void Dispose() => _file.Dispose();
    }
}

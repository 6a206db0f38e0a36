using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace RnnNative.Data;

/// <summary>
/// A token file (<see cref="TokenFile"/>) mapped read-only into memory: the operating system pages
/// tokens in as the batcher reads them, so corpora larger than RAM train without loading. Dispose to
/// unmap; reads after that throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class MappedTokenSequence : TokenSequence
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _tokens;
    private readonly int _bytesPerToken;
    private bool _disposed;

    private MappedTokenSequence(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* tokens, int bytesPerToken, long length, int vocabularyCount)
        : base(length, vocabularyCount)
    {
        _file = file;
        _view = view;
        _tokens = tokens;
        _bytesPerToken = bytesPerToken;
    }

    /// <summary>Maps the token file at <paramref name="path"/> after validating its header against its length.</summary>
    /// <exception cref="InvalidDataException">Not a token file, another version, truncated or corrupt.</exception>
    public static MappedTokenSequence Open(string path)
    {
        Span<byte> header = stackalloc byte[TokenFile.HeaderBytes];
        long fileLength;
        using (FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            fileLength = stream.Length;
            stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        (int bytesPerToken, int vocabularyCount, long tokenCount) = TokenFile.ReadHeader(header, fileLength, path);
        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = file.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            byte* tokens = pointer + view.PointerOffset + TokenFile.HeaderBytes;
            return new MappedTokenSequence(file, view, tokens, bytesPerToken, tokenCount, vocabularyCount);
        }
        catch
        {
            view?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
        base.Dispose();
    }

    private protected override void CopyToCore(long start, Span<int> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte* source = _tokens + start * _bytesPerToken;
        switch (_bytesPerToken)
        {
            case 1:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = source[i];
                }
                break;
            case 2:
                for (int i = 0; i < destination.Length; i++)
                {
                    ushort value = Unsafe.ReadUnaligned<ushort>(source + 2L * i);
                    destination[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                }
                break;
            default:
                for (int i = 0; i < destination.Length; i++)
                {
                    int value = Unsafe.ReadUnaligned<int>(source + 4L * i);
                    destination[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
                }
                break;
        }
    }
}

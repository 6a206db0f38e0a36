namespace RnnNative.Native.Interop;

/// <summary><c>rnn_status</c> of rnn.h. Append-only: a code, once published, keeps its number.</summary>
internal enum Status
{
    Ok = 0,
    InvalidArgument = 1,
    InvalidHandle = 2,
    BufferTooSmall = 3,
    Io = 4,
    Format = 5,
    Cancelled = 6,
    Diverged = 7,
    Unsupported = 8,
    OutOfMemory = 9,
    Internal = 10,
    AbiMismatch = 11,
    InvalidState = 12,
}

/// <summary>The static text of each status, NUL-terminated UTF-8 in the image (never freed).</summary>
internal static unsafe class StatusText
{
    public static byte* Of(Status status) => Pin(status switch
    {
        Status.Ok => "ok\0"u8,
        Status.InvalidArgument => "invalid argument\0"u8,
        Status.InvalidHandle => "invalid handle\0"u8,
        Status.BufferTooSmall => "buffer too small\0"u8,
        Status.Io => "I/O error\0"u8,
        Status.Format => "invalid model file\0"u8,
        Status.Cancelled => "cancelled\0"u8,
        Status.Diverged => "training diverged\0"u8,
        Status.Unsupported => "unsupported\0"u8,
        Status.OutOfMemory => "out of memory\0"u8,
        Status.Internal => "internal error\0"u8,
        Status.AbiMismatch => "ABI version mismatch\0"u8,
        Status.InvalidState => "invalid state\0"u8,
        _ => "unknown status\0"u8,
    });

    /// <summary>UTF-8 literals live in the image's read-only data, so their address is stable.</summary>
    public static byte* Pin(ReadOnlySpan<byte> literal) =>
        (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(literal));
}

using System.Runtime.InteropServices;
using System.Text;

namespace RnnNative.Native.Interop;

/// <summary>
/// <c>rnn_last_error()</c>: the message of the last failed call on this thread, NUL-terminated UTF-8
/// in a per-thread native buffer that the next failure on the same thread overwrites.
/// </summary>
internal static unsafe class LastError
{
    [ThreadStatic] private static byte* t_message;
    [ThreadStatic] private static int t_capacity;

    public static void Set(string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        if (t_capacity < length + 1)
        {
            NativeMemory.Free(t_message);
            t_capacity = Math.Max(256, length + 1);
            t_message = (byte*)NativeMemory.Alloc((nuint)t_capacity);
        }
        Encoding.UTF8.GetBytes(message, new Span<byte>(t_message, length));
        t_message[length] = 0;
    }

    /// <summary>The message, or an empty string when nothing failed on this thread yet.</summary>
    public static byte* Get() => t_message != null ? t_message : StatusText.Pin("\0"u8);
}

using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;

namespace RnnNative.Native.Interop;

/// <summary>C arguments to .NET values and results back into caller-owned buffers.</summary>
internal static unsafe class Marshalling
{
    /// <summary>A NUL-terminated UTF-8 string; NULL is an argument error unless <paramref name="nullAsEmpty"/>.</summary>
    public static string String(byte* utf8, string argument, bool nullAsEmpty = false)
    {
        if (utf8 == null)
        {
            return nullAsEmpty ? "" : throw new ArgumentNullException(argument);
        }
        return Utf8StringMarshaller.ConvertToManaged(utf8)!;
    }

    /// <summary>An array of <paramref name="count"/> NUL-terminated UTF-8 strings; a NULL array (count not 0) or element is
    /// an argument error naming it ("tokens[3]").</summary>
    public static string[] Strings(byte** strings, nuint count, string argument)
    {
        ReadOnlySpan<nint> pointers = Span((nint*)strings, count, argument);
        string[] result = new string[pointers.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = String((byte*)pointers[i], $"{argument}[{i}]");
        }
        return result;
    }

    /// <summary>(pointer, count) as a span; NULL is allowed only with count 0.</summary>
    public static ReadOnlySpan<T> Span<T>(T* values, nuint count, string argument)
        where T : unmanaged
    {
        if (values == null && count != 0) throw new ArgumentNullException(argument, $"{argument} is NULL but its size is {count}.");
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException(argument, count, "more than 2^31-1 elements in one call.");
        return new ReadOnlySpan<T>(values, (int)count);
    }

    /// <summary>(lengths, count), which must sum to <paramref name="total"/> (the C argument <paramref name="totalName"/>); each
    /// length is checked by the engine.</summary>
    public static ReadOnlySpan<int> Lengths(int* lengths, nuint count, nuint total, string argument, string totalName)
    {
        ReadOnlySpan<int> lens = Span(lengths, count, argument);
        long sum = 0;
        foreach (int length in lens)
        {
            sum += length;
        }
        if (sum != (long)total)
        {
            throw new ArgumentException($"the {argument} sum to {sum} but {totalName} is {total}.", argument);
        }
        return lens;
    }

    /// <summary>Sequences of ids given as (ids, total) and their (lengths, count): sequence i is the next lengths[i] ids.</summary>
    public static int[][] Sequences(int* ids, nuint total, int* lengths, nuint count, string idsName, string totalName, string lengthsName)
    {
        ReadOnlySpan<int> lens = Lengths(lengths, count, total, lengthsName, totalName);
        ReadOnlySpan<int> all = Span(ids, total, idsName);
        int[][] sequences = new int[lens.Length][];
        int at = 0;
        for (int i = 0; i < sequences.Length; i++)
        {
            if (lens[i] < 1) throw new ArgumentOutOfRangeException(lengthsName, lens[i], $"{lengthsName}[{i}] is {lens[i]}; every sequence has at least 1 token.");
            sequences[i] = all.Slice(at, lens[i]).ToArray();
            at += lens[i];
        }
        return sequences;
    }

    /// <summary>A read-only stream over (pointer, size), for inputs that may exceed 2 GiB.</summary>
    public static UnmanagedMemoryStream Stream(byte* bytes, nuint size, string argument)
    {
        if (bytes == null && size != 0) throw new ArgumentNullException(argument, $"{argument} is NULL but its size is {size}.");
        byte empty = 0;
        return new UnmanagedMemoryStream(bytes == null ? &empty : bytes, (long)size);
    }

    /// <summary>
    /// The <c>(buf, capacity, size_t* needed)</c> convention for values: <c>*needed</c> (when not NULL)
    /// receives the count; the values are copied only when they fit, else <c>RNN_E_BUFFER_TOO_SMALL</c>.
    /// </summary>
    public static Status CopyOut<T>(ReadOnlySpan<T> values, T* buffer, nuint capacity, nuint* needed, string argument)
        where T : unmanaged
    {
        if (needed != null) *needed = (nuint)values.Length;
        if ((nuint)values.Length > capacity)
        {
            return ExportGuard.Fail(Status.BufferTooSmall, $"{argument} holds {capacity} elements but {values.Length} are needed.");
        }
        if (buffer == null && capacity != 0) throw new ArgumentNullException(argument, $"{argument} is NULL but its capacity is {capacity}.");
        values.CopyTo(new Span<T>(buffer, values.Length));
        return Status.Ok;
    }

    /// <summary>The same for text: the UTF-8 bytes and a terminating NUL; <c>*needed</c> counts the NUL.</summary>
    public static Status CopyOutText(ReadOnlySpan<byte> utf8, byte* buffer, nuint capacity, nuint* needed, string argument)
    {
        nuint size = (nuint)utf8.Length + 1;
        if (needed != null) *needed = size;
        if (size > capacity)
        {
            return ExportGuard.Fail(Status.BufferTooSmall, $"{argument} holds {capacity} bytes but {size} are needed (text and its NUL).");
        }
        if (buffer == null) throw new ArgumentNullException(argument);
        utf8.CopyTo(new Span<byte>(buffer, utf8.Length));
        buffer[utf8.Length] = 0;
        return Status.Ok;
    }

    /// <summary>
    /// The whole body of a getter export: clears <c>*destination</c> (so it stays 0 on failure), looks
    /// up the handle and stores what <paramref name="read"/> returns for its object.
    /// </summary>
    public static Status Get<TObject, T>(nint handle, HandleKind kind, string argument, T* destination, string destinationName, Func<TObject, T> read)
        where TObject : class
        where T : unmanaged
    {
        if (destination != null) *destination = default;
        return ExportGuard.Run(() =>
        {
            TObject target = HandleTable.Get<TObject>(handle, kind, argument);
            if (destination == null) throw new ArgumentNullException(destinationName);
            *destination = read(target);
        });
    }

    /// <summary>Stores a new handle into an out-parameter that the export cleared on entry.</summary>
    public static void SetOut(nint* destination, HandleKind kind, object target, string argument)
    {
        if (destination == null) throw new ArgumentNullException(argument);
        *destination = HandleTable.Add(kind, target);
    }

    /// <summary>Hands <paramref name="bytes"/> to the caller in memory it frees with rnn_free (at least one byte is allocated,
    /// so an empty result is not NULL).</summary>
    public static void GiveBytes(byte[] bytes, void** outData, nuint* outSize)
    {
        void* data = NativeMemory.Alloc((nuint)Math.Max(bytes.Length, 1));
        bytes.CopyTo(new Span<byte>(data, bytes.Length));
        *outData = data;
        *outSize = (nuint)bytes.Length;
    }
}

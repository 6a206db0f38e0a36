using System.Runtime.InteropServices;
using RnnNative.Kernels;
using RnnNative.Kernels.Threading;
using RnnNative.Native.Interop;

namespace RnnNative.Native.Exports;

/// <summary>Versions, errors, memory, kernel path and threads: the process-wide part of rnn.h.</summary>
internal static unsafe class RuntimeExports
{
    /// <summary>RNN_ABI_VERSION of rnn.h: bumped only when a published signature or struct layout changes incompatibly.</summary>
    public const uint AbiVersion = 1;

    private static readonly nint[] s_kernelNames = Enum.GetValues<KernelPath>().Select(p => Marshal.StringToCoTaskMemUTF8(KernelPaths.Name(p))).ToArray();

    [UnmanagedCallersOnly(EntryPoint = "rnn_version_string")]
    public static byte* VersionString() => StatusText.Pin("0.6.0\0"u8);

    [UnmanagedCallersOnly(EntryPoint = "rnn_abi_version")]
    public static uint AbiVersionExport() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "rnn_check_abi")]
    public static Status CheckAbi(uint expected) => expected == AbiVersion
        ? Status.Ok
        : ExportGuard.Fail(Status.AbiMismatch, $"the host was built against rnn.h ABI version {expected} but librnnnative implements ABI version {AbiVersion}; rebuild the host or use a matching library.");

    [UnmanagedCallersOnly(EntryPoint = "rnn_status_string")]
    public static byte* StatusString(Status status) => StatusText.Of(status);

    [UnmanagedCallersOnly(EntryPoint = "rnn_last_error")]
    public static byte* LastErrorExport() => LastError.Get();

    [UnmanagedCallersOnly(EntryPoint = "rnn_free")]
    public static void Free(void* memory) => NativeMemory.Free(memory);

    [UnmanagedCallersOnly(EntryPoint = "rnn_kernel_path")]
    public static Status KernelPathExport(int* outPath, byte** outName)
    {
        if (outPath != null) *outPath = 0;
        if (outName != null) *outName = null;
        return ExportGuard.Run(() =>
        {
            KernelPath path = KernelPaths.Active;
            if (outPath != null) *outPath = (int)path;
            if (outName != null) *outName = (byte*)s_kernelNames[(int)path];
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_get_thread_count")]
    public static Status GetThreadCount(int* outCount)
    {
        if (outCount != null) *outCount = 0;
        return ExportGuard.Run(() =>
        {
            if (outCount == null) throw new ArgumentNullException("out_count");
            *outCount = Parallelism.ThreadCount;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_set_thread_count")]
    public static Status SetThreadCount(int count) => ExportGuard.Run(() =>
    {
        try
        {
            Parallelism.ThreadCount = count;
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException("count", count, e.Message.Split(" (Parameter")[0]);
        }
    });
}

using RnnNative.Datasets;
using RnnNative.Diagnostics;
using RnnNative.IO;
using RnnNative.Training;

namespace RnnNative.Native.Interop;

/// <summary>
/// The one place where exceptions stop: every export runs its body through <see cref="Run(Func{Status})"/>,
/// which turns any exception into an <c>rnn_status</c> and the thread's <c>rnn_last_error()</c> message.
/// </summary>
internal static class ExportGuard
{
    public static Status Run(Func<Status> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Fail(Map(e), Describe(e));
        }
    }

    public static Status Run(Action body) => Run(() =>
    {
        body();
        return Status.Ok;
    });

    /// <summary>Records <paramref name="message"/> as this thread's last error and returns <paramref name="status"/>.</summary>
    public static Status Fail(Status status, string message)
    {
        LastError.Set(message);
        return status;
    }

    private static Status Map(Exception e) => e switch
    {
        InvalidHandleException => Status.InvalidHandle,
        CheckpointFormatException or InvalidDataException or DatasetFormatException => Status.Format,
        OperationCanceledException => Status.Cancelled,
        TrainingDivergedException => Status.Diverged,
        ArgumentException => Status.InvalidArgument,
        IOException or UnauthorizedAccessException => Status.Io,
        OutOfMemoryException or InsufficientExecutionStackException => Status.OutOfMemory,
        NotSupportedException => Status.Unsupported,
        InvalidOperationException => Status.InvalidState,
        _ => Status.Internal,
    };

    private static string Describe(Exception e) => Map(e) == Status.Internal ? $"{e.GetType().Name}: {ErrorText.OneLine(e)}" : ErrorText.OneLine(e);
}

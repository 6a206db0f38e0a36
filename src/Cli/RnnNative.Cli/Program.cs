using RnnNative.Cli.CommandLine;
using RnnNative.Cli.Commands;
using RnnNative.IO;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train | sample | eval | info</c>. Every failure is one line on stderr and an exit code:
/// 1 for a failure (bad file, diverged training), 2 for a wrong command line, 130 after Ctrl-C;
/// never a stack trace.
/// </summary>
public static class Program
{
    private const string Usage = "usage:\n" + TrainCommand.Usage + "\n" + SampleCommand.Usage + "\n" + EvalCommand.Usage + "\n" + InfoCommand.Usage + "\n";

    public static int Main(string[] args)
    {
        using CancellationTokenSource cancel = new();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C asks for a clean stop (a resumable checkpoint); a second one kills.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
                Console.Error.WriteLine("\nstopping after this update (Ctrl-C again to kill)...");
            }
        };
        return Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected, cancel.Token);
    }

    internal static int Run(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellation)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.Write(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            Arguments options = new(args.Skip(1));
            return args[0] switch
            {
                "train" => TrainCommand.Run(options, output, interactive, cancellation),
                "sample" => SampleCommand.Run(options, output, cancellation),
                "eval" => EvalCommand.Run(options, output),
                "info" => InfoCommand.Run(options, output),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"rnn: {e.Message} (see rnn --help)");
            return 2;
        }
        catch (Exception e) when (e is CliException or CheckpointFormatException or IOException or UnauthorizedAccessException
            or ArgumentException or NotSupportedException or InvalidDataException)
        {
            error.WriteLine($"rnn: {Diagnostics.ErrorText.OneLine(e)}");
            return 1;
        }
    }
}

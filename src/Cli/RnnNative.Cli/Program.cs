using System.Reflection;
using RnnNative.Cli.CommandLine;
using RnnNative.Cli.Commands;
using RnnNative.Cli.Terminal;
using RnnNative.IO;

namespace RnnNative.Cli;

/// <summary>
/// <c>rnn train | sample | predict | eval | info | quantize</c>. Every failure is one line on stderr and an exit code:
/// 1 for a failure (bad file, diverged training), 2 for a wrong command line, 130 after Ctrl-C;
/// never a stack trace.
/// </summary>
public static class Program
{
    private static readonly CommandSyntax[] Commands =
    [
        new("train", TrainCommand.Usage),
        new("sample", SampleCommand.Usage),
        new("predict", PredictCommand.Usage),
        new("eval", EvalCommand.Usage),
        new("info", InfoCommand.Usage),
        new("quantize", QuantizeCommand.Usage),
    ];

    private static readonly string Usage = "usage:\n" + string.Concat(Commands.Select(c => c.Usage.TrimEnd() + "\n")) +
        "rnn COMMAND --help      one command's options and short aliases\nrnn --version\n";

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
        return Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected, cancel.Token, TerminalWidth, Console.In);
    }

    /// <param name="interactive">Output is a terminal: the progress line redraws in place.</param>
    /// <param name="width">The terminal's columns now (asked at each redraw, so a resized terminal is
    /// followed), which the progress line never reaches; null: <see cref="ProgressBar.DefaultWidth"/>.</param>
    /// <param name="input">What <c>rnn predict</c> reads without --data; null: nothing (an empty input).</param>
    internal static int Run(string[] args, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellation, Func<int>? width = null, TextReader? input = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" || args is ["help"])
        {
            output.Write(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "--version")
        {
            output.WriteLine($"rnn {Version()}");
            InfoCommand.WriteRuntime(output);
            return 0;
        }
        string name = args is ["help", string topic, ..] ? topic : args[0];
        CommandSyntax? syntax = Commands.FirstOrDefault(c => c.Name == name);
        try
        {
            if (syntax is null) throw new UsageException($"unknown command '{name}'");
            if (args[0] is "help" || args.Skip(1).Any(a => a is "-h" or "--help"))
            {
                output.Write(syntax.Help);
                return 0;
            }
            Arguments options = new(args.Skip(1), syntax);
            return name switch
            {
                "train" => TrainCommand.Run(options, output, new ProgressBar(output, interactive, width ?? (() => ProgressBar.DefaultWidth)), cancellation),
                "sample" => SampleCommand.Run(options, output, error, cancellation),
                "predict" => PredictCommand.Run(options, input ?? TextReader.Null, output),
                "eval" => EvalCommand.Run(options, output),
                "quantize" => QuantizeCommand.Run(options, output),
                _ => InfoCommand.Run(options, output),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"rnn: {e.Message} (see {(syntax is null ? "rnn" : "rnn " + syntax.Name)} --help)");
            return 2;
        }
        catch (ArgumentException e) when (e.ParamName is { } field && EngineFieldOptions.For(field, syntax) is { } option)
        {
            error.WriteLine($"rnn: --{option}: {Diagnostics.ErrorText.Reason(e)} (see rnn {syntax!.Name} --help)");
            return 2;
        }
        catch (Exception e) when (e is CliException or CheckpointFormatException or IOException or UnauthorizedAccessException
            or ArgumentException or NotSupportedException or InvalidDataException or Datasets.DatasetFormatException)
        {
            error.WriteLine($"rnn: {Diagnostics.ErrorText.OneLine(e)}");
            return 1;
        }
    }

    /// <summary>"0.3.0 (8855337)": the version the build stamped, with its commit when built from a clone.</summary>
    private static string Version()
    {
        string stamped = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        int plus = stamped.IndexOf('+');
        return plus < 0 ? stamped : $"{stamped[..plus]} ({stamped[(plus + 1)..Math.Min(stamped.Length, plus + 8)]})";
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : ProgressBar.DefaultWidth;
        }
        catch (IOException)
        {
            return ProgressBar.DefaultWidth;
        }
    }
}

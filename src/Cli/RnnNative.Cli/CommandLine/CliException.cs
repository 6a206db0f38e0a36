namespace RnnNative.Cli.CommandLine;

/// <summary>A failure to report as one line (exit code 1): the message says what to do.</summary>
internal sealed class CliException(string message) : Exception(message);

namespace RnnNative.Cli.CommandLine;

/// <summary>The command line is wrong: printed as one line with a hint, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Model;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn quantize</c>: an inference-only int8 file of a language model (<see cref="ModelFile.SaveInt8"/>), about a
/// quarter of the float32 file, which samples and evaluates as the model does with <c>--precision int8</c>.</summary>
internal static class QuantizeCommand
{
    public const string Usage = """
        rnn quantize --model FILE --output FILE
                   an inference-only copy with int8 weights (one scale per row), about a quarter of the
                   size: it samples, steps and evaluates (in int8, as --precision int8 does with FILE),
                   and cannot train, resume or export to safetensors
        """;

    public static int Run(Arguments args, TextWriter output)
    {
        string path = args.String("model") ?? throw new UsageException("rnn quantize needs --model FILE");
        string outputPath = args.String("output") ?? throw new UsageException("rnn quantize needs --output FILE");
        args.RejectUnused();
        if (Path.GetFullPath(outputPath) == Path.GetFullPath(path))
        {
            throw new UsageException($"--output '{outputPath}' is the --model file, which the int8 copy would replace; name another --output");
        }
        ModelKind kind = ModelFiles.KindOf(path);
        if (kind != ModelKind.LanguageModel)
        {
            throw new CliException($"'{path}' holds a {kind.ToString().ToLowerInvariant()}: int8 files hold language models (their single-token steps)");
        }
        LoadedModel loaded = ModelFiles.Load(path);
        ModelFile.SaveInt8(outputPath, loaded.Model, loaded.Vocabulary);
        long before = new FileInfo(path).Length, after = new FileInfo(outputPath).Length;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: int8 weights, {1:N0} bytes ({2:0.0}% of {3}'s {4:N0})", outputPath, after, 100.0 * after / before, path, before));
        return 0;
    }
}

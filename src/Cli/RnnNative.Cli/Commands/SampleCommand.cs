using System.Text;
using RnnNative.Cli.CommandLine;
using RnnNative.Kernels.Step;
using RnnNative.Kernels.Threading;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn sample</c>: text from a saved model, streamed as it is generated.</summary>
internal static class SampleCommand
{
    public const string Usage = """
        rnn sample --model FILE [--prime TEXT] [--length 500] [--temperature 1] [--top-k 0] [--top-p 1]
                   [--seed N (default: random)] [--stop TEXT]... [--streams N] [--precision f32|bf16|int8] [--threads N]
                   --precision: the weights each sampled token reads, f32 (default, exact), bf16 (half
                   the bytes, relative weight error <= 2^-8) or int8 (a quarter, per-row scales, integer
                   dot products; the default and only choice for a file of rnn quantize); --streams 2 or
                   more always step in f32
        """;

    public static int Run(Arguments args, TextWriter output, TextWriter log, CancellationToken cancellation)
    {
        string path = args.String("model") ?? throw new UsageException("rnn sample needs --model FILE");
        string prime = args.String("prime", "");
        int length = args.Int("length", 500, min: 0);
        SamplingOptions options = new(args.Float("temperature", 1f, min: 0f), args.Int("top-k", 0, min: 0), args.Float("top-p", 1f, min: 1e-6f, max: 1f));
        IReadOnlyList<string> stops = args.All("stop");
        int streams = args.Int("streams", 1, min: 1, max: 4096);
        WeightPrecision? precision = PrecisionOption.Read(args, null);
        if (args.Has("threads")) Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        // Read last: a drawn seed is announced only once the rest of the command line is valid.
        ulong seed = SeedOption.Read(args, log);
        args.RejectUnused();

        LoadedModel loaded = ModelFiles.Load(path);
        RequireKnownCharacters(prime, loaded, path);
        // Absent: the model's own (float32, or int8 for an int8 file).
        if (precision is { } stepPrecision) loaded.Model.StepPrecision = stepPrecision;
        TextGenerator generator = new(loaded.Model, loaded.Vocabulary, options, streams);
        output.Write(prime);
        if (streams == 1)
        {
            foreach (string piece in generator.Stream(prime, length, seed, stops))
            {
                if (cancellation.IsCancellationRequested) break;
                output.Write(piece);
                output.Flush();
            }
            output.WriteLine();
            return 0;
        }
        string[] texts = generator.Generate(Enumerable.Repeat(prime, streams).ToArray(), length, seed, stops);
        for (int s = 0; s < texts.Length; s++)
        {
            output.WriteLine($"--- stream {s} (seed {seed + (ulong)s})");
            output.WriteLine(prime + texts[s]);
        }
        return 0;
    }

    /// <summary>Checks --prime before anything is written, so a character the model cannot read is named
    /// by the option and its position rather than by a byte offset after the prime was printed.</summary>
    private static void RequireKnownCharacters(string prime, LoadedModel loaded, string modelPath)
    {
        try
        {
            loaded.Vocabulary.Encode(prime);
        }
        catch (CharacterNotInVocabularyException e)
        {
            int column = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(prime), 0, (int)e.ByteOffset).EnumerateRunes().Count() + 1;
            throw new CliException($"--prime: character {e.CharacterText} (character {column} of the prime) is not in the vocabulary of '{modelPath}'; prime with text of its characters");
        }
    }
}

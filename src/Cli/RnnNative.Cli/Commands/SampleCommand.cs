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
        rnn sample --model FILE [--prime TEXT | --prompts FILE] [--length 500] [--temperature 1] [--top-k 0] [--top-p 1]
                   [--seed N (default: random)] [--stop TEXT]... [--streams N] [--precision f32|bf16|int8] [--threads N]
                   --precision: the weights each sampled token reads, f32 (default, exact), bf16 (half
                   the bytes, relative weight error <= 2^-8) or int8 (a quarter, per-row scales, integer
                   dot products; the default and only choice for a file of rnn quantize)
                   --prompts: one prompt per line, each continued by its own stream (stream i draws with
                   seed + i), N streams stepped together (--streams, default 64): batched serving
                   --streams N without --prompts: N texts after --prime, with seeds seed, seed + 1, ...
        """;

    public static int Run(Arguments args, TextWriter output, TextWriter log, CancellationToken cancellation)
    {
        string path = args.String("model") ?? throw new UsageException("rnn sample needs --model FILE");
        string? promptsPath = args.String("prompts");
        if (promptsPath is not null && args.Has("prime")) throw new UsageException("give --prime TEXT or --prompts FILE, not both");
        string prime = args.String("prime", "");
        int length = args.Int("length", 500, min: 0);
        SamplingOptions options = new(args.Float("temperature", 1f, min: 0f), args.Int("top-k", 0, min: 0), args.Float("top-p", 1f, min: 1e-6f, max: 1f));
        IReadOnlyList<string> stops = args.All("stop");
        int streams = args.Int("streams", promptsPath is null ? 1 : TextGenerator.DefaultServingStreams, min: 1, max: 4096);
        WeightPrecision? precision = PrecisionOption.Read(args, null);
        if (args.Has("threads")) Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        // Read last: a drawn seed is announced only once the rest of the command line is valid.
        ulong seed = SeedOption.Read(args, log);
        args.RejectUnused();

        LoadedModel loaded = ModelFiles.Load(path);
        string[] prompts = promptsPath is null ? Enumerable.Repeat(prime, streams).ToArray() : ReadPrompts(promptsPath, loaded, path);
        if (promptsPath is null) RequireKnownCharacters(prime, loaded, path);
        // Absent: the model's own (float32, or int8 for an int8 file).
        if (precision is { } stepPrecision) loaded.Model.StepPrecision = stepPrecision;
        TextGenerator generator = new(loaded.Model, loaded.Vocabulary, options, Math.Min(streams, prompts.Length));
        if (promptsPath is null && streams == 1)
        {
            output.Write(prime);
            foreach (string piece in generator.Stream(prime, length, seed, stops))
            {
                if (cancellation.IsCancellationRequested) break;
                output.Write(piece);
                output.Flush();
            }
            output.WriteLine();
            return 0;
        }
        StreamRequest[] requests = [.. prompts.Select((prompt, i) => new StreamRequest(prompt)
        {
            MaxTokens = length,
            Temperature = options.Temperature,
            TopK = options.TopK,
            TopP = options.TopP,
            StopStrings = stops,
            Seed = seed + (ulong)i,
        })];
        StreamResult[] results = generator.Generate(requests);
        for (int i = 0; i < results.Length; i++)
        {
            string finish = results[i].Finish == StreamFinish.Stop ? "stop" : "length";
            output.WriteLine($"--- stream {i} (seed {requests[i].Seed}, {results[i].Tokens} tokens, {finish})");
            output.WriteLine(prompts[i] + results[i].Text);
        }
        return 0;
    }

    /// <summary>The prompts of --prompts FILE, one a line (a last line break ends the last prompt), each checked against
    /// the model's vocabulary before anything is generated.</summary>
    private static string[] ReadPrompts(string promptsPath, LoadedModel loaded, string modelPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(promptsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read '{promptsPath}': {e.Message}");
        }
        if (text.Length == 0) throw new CliException($"'{promptsPath}' is empty: give one prompt per line");
        string[] prompts = text.ReplaceLineEndings("\n").Split('\n');
        if (prompts[^1].Length == 0) prompts = prompts[..^1];
        for (int i = 0; i < prompts.Length; i++)
        {
            try
            {
                loaded.Vocabulary.Encode(prompts[i]);
            }
            catch (CharacterNotInVocabularyException e)
            {
                throw new CliException($"'{promptsPath}' line {i + 1}: character {e.CharacterText} (character {Column(prompts[i], e)} of the line) is not in the vocabulary of '{modelPath}'; give prompts of its characters");
            }
        }
        return prompts;
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
            throw new CliException($"--prime: character {e.CharacterText} (character {Column(prime, e)} of the prime) is not in the vocabulary of '{modelPath}'; prime with text of its characters");
        }
    }

    /// <summary>The 1-based character position in <paramref name="text"/> of the character <paramref name="e"/> names.</summary>
    private static int Column(string text, CharacterNotInVocabularyException e) =>
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text), 0, (int)e.ByteOffset).EnumerateRunes().Count() + 1;
}

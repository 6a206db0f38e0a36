using RnnNative.Diagnostics;
using RnnNative.Model;
using RnnNative.Text;

namespace RnnNative.Sampling;

/// <summary>
/// Generates text from a language model: the priming text is fed through the model, then each
/// step samples a token, feeds it back and decodes it (complete UTF-8 only). Many streams (requests)
/// run at once by continuous batching (<see cref="Generate(IReadOnlyList{StreamRequest})"/>): up to the generator's
/// streams step together as one batch, each with its own state row, options and random generator; a stream that
/// finishes leaves the batch and the next waiting request takes its row at once (zeroed, then primed with its prompt
/// while the others generate); when no request waits, the batch shrinks. So a stream gives the same text whether it
/// runs alone or beside others, up to rounding: a batch of one takes the single-token step (<see cref="LanguageModel.Step"/>)
/// and larger batches the batched step kernels, whose logits differ by summation order (about 1e-6 relative in
/// float32, the reduced-precision rounding of the step weights otherwise), which changes a draw only when it falls
/// that close to a boundary between tokens. Not thread-safe; one generator per thread (the model may be shared only
/// if nothing trains it meanwhile).
/// A class-factored model (<see cref="SoftmaxKind.Class"/>) sampled with a temperature and neither top-k nor top-p
/// draws through <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, ReadOnlySpan{float}, ReadOnlySpan{Randomness.SeededRandom}, Span{int})"/>,
/// never forming the V logits (temperature acting on the class and on the word factor, exact at 1); greedy decoding,
/// top-k and top-p rank all V words, so they take the model's full log-probabilities from <see cref="LanguageModel.Step"/>
/// as a full softmax's logits are taken. Streams of the two kinds run in separate batches, one after the other.
/// </summary>
public sealed class TextGenerator
{
    private readonly LanguageModel _model;
    private readonly Vocabulary _vocabulary;
    private readonly SamplingOptions _options;
    private readonly int _streams;

    /// <summary>The streams a server-style generator steps together when its caller names none (<c>rnn_model_sample_many</c>
    /// with 0, Python's <c>sample_many</c>, <c>rnn sample --prompts</c>): enough to read each weight panel once for many
    /// streams, few enough that a batch's state stays small.</summary>
    public const int DefaultServingStreams = 64;

    /// <summary>A generator of text from <paramref name="model"/> over <paramref name="vocabulary"/> for up to
    /// <paramref name="streams"/> texts at once, drawing with <paramref name="options"/> in <see cref="Stream"/> and
    /// <see cref="Generate(IReadOnlyList{string}, int, ulong, IReadOnlyList{string}?)"/> (requests carry their own).</summary>
    public TextGenerator(LanguageModel model, Vocabulary vocabulary, SamplingOptions options, int streams = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // A batch of streams steps as a window of one timestep (so the streams are the cause of any
        // buffer too large): its logits [B, V] and state [L, B, H] must fit.
        model.Config.ValidateWindow(1, streams, nameof(streams), nameof(streams));
        if (vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model {model.Config.VocabularySize}.", nameof(vocabulary));
        }
        _model = model;
        _vocabulary = vocabulary;
        _options = options;
        _streams = streams;
    }

    /// <summary>Generates from one priming text; yields text pieces as soon as they are complete characters.
    /// Stops after <paramref name="maxTokens"/> tokens or before a stop string (which is not yielded).</summary>
    public IEnumerable<string> Stream(string prime, int maxTokens, ulong seed, IReadOnlyList<string>? stopStrings = null)
    {
        ArgumentNullException.ThrowIfNull(prime);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        StreamRequest request = Request(prime, maxTokens, seed, stopStrings ?? []);
        return StreamIterator(Start(0, request));
    }

    /// <summary>Generates one text per priming text with the generator's options, as
    /// <see cref="Generate(IReadOnlyList{StreamRequest})"/> does for requests whose stream i uses seed <c>seed + i</c>.</summary>
    public string[] Generate(IReadOnlyList<string> primes, int maxTokens, ulong seed, IReadOnlyList<string>? stopStrings = null)
    {
        ArgumentNullException.ThrowIfNull(primes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        return [.. Serve([.. primes.Select((prime, i) => Start(i, Request(prime, maxTokens, seed + (ulong)i, stopStrings ?? [])))]).Select(r => r.Text)];
    }

    /// <summary>
    /// Generates one result per request, in the requests' order: any number of requests, served by continuous batching
    /// in batches of at most the generator's streams (see the class remarks). Every request is checked, and every
    /// prompt encoded, before anything is generated: an <see cref="ArgumentException"/> names the first bad one as
    /// <c>requests[i].Property</c> (its parameter name too).
    /// </summary>
    public StreamResult[] Generate(IReadOnlyList<StreamRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        StreamProgress[] streams = new StreamProgress[requests.Count];
        for (int i = 0; i < streams.Length; i++) streams[i] = StartNamed(i, requests[i]);
        return Serve(streams);
    }

    /// <summary>Runs <paramref name="streams"/> to their ends by continuous batching; their results in their order.</summary>
    private StreamResult[] Serve(StreamProgress[] streams)
    {
        StreamResult[] results = new StreamResult[streams.Length];
        foreach (StreamProgress empty in streams.Where(s => s.IsEmpty))
        {
            empty.End();
            results[empty.Index] = empty.Result();
        }
        foreach (bool withoutLogits in new[] { false, true })
        {
            Queue<StreamProgress> waiting = new(streams.Where(s => !s.IsEmpty && SamplesWithoutLogits(s.Request) == withoutLogits));
            if (waiting.Count == 0) continue;
            StreamBatch batch = new(_model, withoutLogits, Math.Min(_streams, waiting.Count));
            List<StreamProgress> finished = [];
            do
            {
                while (batch.HasRoom && waiting.TryDequeue(out StreamProgress? next)) batch.Add(next);
                batch.Step(finished);
                foreach (StreamProgress stream in finished) results[stream.Index] = stream.Result();
                finished.Clear();
            }
            while (batch.Count > 0 || waiting.Count > 0);
        }
        return results;
    }

    private StreamRequest Request(string prime, int maxTokens, ulong seed, IReadOnlyList<string> stopStrings) => new(prime)
    {
        MaxTokens = maxTokens,
        Temperature = _options.Temperature,
        TopK = _options.TopK,
        TopP = _options.TopP,
        StopStrings = stopStrings,
        Seed = seed,
    };

    /// <summary>True when <paramref name="request"/>'s draws go through SampleStep (see the class remarks).</summary>
    private bool SamplesWithoutLogits(StreamRequest request) => TokenSampler.SamplesWithoutLogits(_model, request.Options);

    /// <summary>Checks request <paramref name="index"/> and encodes its prompt; an empty prompt starts from a line break
    /// (or token 0 when the vocabulary has none), as at the start of a text.</summary>
    private StreamProgress Start(int index, StreamRequest request)
    {
        request.Validate();
        int[] prompt = request.Prompt.Length == 0 ? [] : _vocabulary.Encode(request.Prompt);
        return new StreamProgress(index, request, prompt.Length == 0 ? [StartToken()] : prompt, _vocabulary, _model.Kernels);
    }

    /// <summary><see cref="Start"/> for a caller's request, whose errors name it: "requests[3].TopP".</summary>
    private StreamProgress StartNamed(int index, StreamRequest? request)
    {
        string name = $"requests[{index}]";
        if (request is null) throw new ArgumentNullException(name, $"{name} is null.");
        try
        {
            return Start(index, request);
        }
        catch (CharacterNotInVocabularyException e)
        {
            throw new ArgumentException($"{name}.{nameof(StreamRequest.Prompt)}: {e.Message}", $"{name}.{nameof(StreamRequest.Prompt)}", e);
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw new ArgumentException($"{name}.{e.ParamName}: {ErrorText.Reason(e)}", $"{name}.{e.ParamName}", e);
        }
    }

    /// <summary>Steps <paramref name="stream"/> alone, yielding its text as it grows, held back while it could still be
    /// the start of a stop string.</summary>
    private IEnumerable<string> StreamIterator(StreamProgress stream)
    {
        if (stream.IsEmpty) yield break;
        IReadOnlyList<string> stops = stream.Request.StopStrings;
        int longestStop = stops.Count == 0 ? 0 : stops.Max(s => s.Length);
        StreamBatch batch = new(_model, SamplesWithoutLogits(stream.Request), 1);
        batch.Add(stream);
        List<StreamProgress> finished = [];
        int released = 0;
        while (stream.Finish is null)
        {
            batch.Step(finished);
            int release = stream.Finish is null ? stream.Text.Length - longestStop : stream.Text.Length;
            if (release > released)
            {
                yield return stream.Text.ToString(released, release - released);
                released = release;
            }
        }
    }

    private int StartToken()
    {
        try
        {
            int[] newline = _vocabulary.Encode("\n");
            return newline.Length == 1 ? newline[0] : 0;
        }
        catch (ArgumentException)
        {
            return 0;
        }
    }
}

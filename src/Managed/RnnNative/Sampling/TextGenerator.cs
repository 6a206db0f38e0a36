using System.Text;
using RnnNative.Model;
using RnnNative.Randomness;
using RnnNative.Text;

namespace RnnNative.Sampling;

/// <summary>
/// Generates text from a language model: the priming text is fed through the model, then each
/// step samples a token, feeds it back and decodes it (complete UTF-8 only). Several streams
/// run at once as one batch, each with its own state and random generator, so stream i gives the
/// same text whether it runs alone or beside others (alone, a stream's logits come from GEMVs and
/// differ from the batched ones by rounding, about 1e-6 relative, which changes a draw only when it
/// falls that close to a boundary between tokens). Not thread-safe; one generator per thread
/// (the model may be shared only if nothing trains it meanwhile).
/// A class-factored model (<see cref="SoftmaxKind.Class"/>) sampled with a temperature and neither top-k nor top-p
/// draws through <see cref="LanguageModel.SampleStep"/>, never forming the V logits (temperature acting on the class and
/// on the word factor, exact at 1); greedy decoding, top-k and top-p rank all V words, so they take the model's full
/// log-probabilities from <see cref="LanguageModel.Step"/> as a full softmax's logits are taken.
/// </summary>
public sealed class TextGenerator
{
    private readonly LanguageModel _model;
    private readonly Vocabulary _vocabulary;
    private readonly TokenSampler[] _samplers;
    private readonly bool _factored;   // draws through SampleStep

    /// <summary>A generator of text from <paramref name="model"/> over <paramref name="vocabulary"/>, drawing with <paramref name="options"/>, for up to <paramref name="streams"/> texts at once.</summary>
    public TextGenerator(LanguageModel model, Vocabulary vocabulary, SamplingOptions options, int streams = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        // A batch of streams steps as a window of one timestep (so the streams are the cause of any
        // buffer too large): its logits [B, V] and state [L, B, H] must fit.
        model.Config.ValidateWindow(1, streams, nameof(streams), nameof(streams));
        if (vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model {model.Config.VocabularySize}.", nameof(vocabulary));
        }
        _model = model;
        _vocabulary = vocabulary;
        _samplers = Enumerable.Range(0, streams).Select(_ => new TokenSampler(vocabulary.Count, options, model.Kernels)).ToArray();
        _factored = _samplers[0].SamplesWithoutLogits(model);
    }

    /// <summary>Generates from one priming text; yields text pieces as soon as they are complete characters.
    /// Stops after <paramref name="maxTokens"/> tokens or before a stop string (which is not yielded).</summary>
    public IEnumerable<string> Stream(string prime, int maxTokens, ulong seed, IReadOnlyList<string>? stopStrings = null)
    {
        ArgumentNullException.ThrowIfNull(prime);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        return StreamIterator(prime, maxTokens, seed, stopStrings ?? []);
    }

    /// <summary>Generates one text per priming text (at most the streams given at construction), as one batch.
    /// Stream i uses seed <c>seed + i</c>, so its text does not depend on the other streams.</summary>
    public string[] Generate(IReadOnlyList<string> primes, int maxTokens, ulong seed, IReadOnlyList<string>? stopStrings = null)
    {
        ArgumentNullException.ThrowIfNull(primes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        if (primes.Count < 1 || primes.Count > _samplers.Length)
        {
            throw new ArgumentException($"give between 1 and {_samplers.Length} priming texts (the generator's streams).", nameof(primes));
        }
        stopStrings ??= [];
        int streams = primes.Count, vocabularySize = _vocabulary.Count;
        RecurrentState state = new(_model.Config, streams);
        float[] logits = new float[streams * vocabularySize];
        int[] next = new int[streams];
        SeededRandom[] randoms = new SeededRandom[streams];
        TokenDecoder[] decoders = new TokenDecoder[streams];
        StringBuilder[] texts = new StringBuilder[streams];
        bool[] done = new bool[streams];
        for (int s = 0; s < streams; s++)
        {
            randoms[s] = new SeededRandom(seed + (ulong)s);
            decoders[s] = _vocabulary.CreateDecoder();
            texts[s] = new StringBuilder();
        }
        int[] current = Prime(primes, state, logits);
        for (int step = 0; step < maxTokens && done.Contains(false); step++)
        {
            Advance(current, state, logits, randoms, next);
            (current, next) = (next, current);
            for (int s = 0; s < streams; s++)
            {
                if (!done[s])
                {
                    string piece = decoders[s].Append(current[s]);
                    texts[s].Append(piece);
                    done[s] = TrimStop(texts[s], stopStrings, piece.Length);
                }
            }
        }
        for (int s = 0; s < streams; s++)
        {
            if (!done[s])
            {
                string rest = decoders[s].Flush();
                texts[s].Append(rest);
                TrimStop(texts[s], stopStrings, rest.Length);
            }
        }
        return texts.Select(t => t.ToString()).ToArray();
    }

    private IEnumerable<string> StreamIterator(string prime, int maxTokens, ulong seed, IReadOnlyList<string> stopStrings)
    {
        RecurrentState state = new(_model.Config, 1);
        float[] logits = new float[_vocabulary.Count];
        SeededRandom random = new(seed);
        TokenDecoder decoder = _vocabulary.CreateDecoder();
        int longestStop = stopStrings.Count == 0 ? 0 : stopStrings.Max(s => s.Length);
        StringBuilder pending = new();   // text held back while it could still be the start of a stop string
        int[] token = Prime([prime], state, logits), next = new int[1];
        SeededRandom[] randoms = [random];
        for (int step = 0; step < maxTokens; step++)
        {
            Advance(token, state, logits, randoms, next);
            (token, next) = (next, token);
            string piece = decoder.Append(token[0]);
            pending.Append(piece);
            if (TrimStop(pending, stopStrings, piece.Length))
            {
                if (pending.Length > 0) yield return pending.ToString();
                yield break;
            }
            if (pending.Length > longestStop)
            {
                int release = pending.Length - longestStop;
                yield return pending.ToString(0, release);
                pending.Remove(0, release);
            }
        }
        string rest = decoder.Flush();
        pending.Append(rest);
        TrimStop(pending, stopStrings, rest.Length);
        if (pending.Length > 0) yield return pending.ToString();
    }

    /// <summary>Feeds <paramref name="tokens"/> [B] and draws each stream's next token into <paramref name="next"/> [B].</summary>
    private void Advance(int[] tokens, RecurrentState state, float[] logits, SeededRandom[] randoms, int[] next)
    {
        if (_factored)
        {
            _model.SampleStep(tokens, state, _samplers[0].Options.Temperature, randoms, next);
            return;
        }
        _model.Step(tokens, state, logits);
        int vocabularySize = _vocabulary.Count;
        for (int s = 0; s < tokens.Length; s++)
        {
            next[s] = _samplers[s].Next(logits.AsSpan(s * vocabularySize, vocabularySize), randoms[s]);
        }
    }

    /// <summary>Feeds each priming text but its last token through its stream and returns those last tokens [B], which
    /// the first <see cref="Advance"/> reads. An empty prime starts from a line break (or token 0 when the vocabulary
    /// has none), as at the start of a text.</summary>
    private int[] Prime(IReadOnlyList<string> primes, RecurrentState state, float[] logits)
    {
        int streams = primes.Count;
        int[][] encoded = new int[streams][];
        int start = StartToken();
        for (int s = 0; s < streams; s++)
        {
            encoded[s] = primes[s].Length == 0 ? [start] : _vocabulary.Encode(primes[s]);
            if (encoded[s].Length == 0) encoded[s] = [start];
        }
        // Streams of different prime lengths are right-aligned; a shorter one repeats its first token
        // before its start, with its state reset to zero when its real prime begins.
        int longest = encoded.Max(e => e.Length);
        int[] tokens = new int[streams];
        int stateSize = _model.Config.StateSize;
        for (int t = 0; ; t++)
        {
            for (int s = 0; s < streams; s++)
            {
                int offset = t - (longest - encoded[s].Length);
                tokens[s] = encoded[s][Math.Max(0, offset)];
                if (offset == 0 && t > 0)
                {
                    ResetStream(state, s, stateSize);
                }
            }
            if (t == longest - 1) return tokens;
            _model.Step(tokens, state, logits);
        }
    }

    /// <summary>Zeroes one stream's rows of every layer of the state, <paramref name="stateSize"/> wide (H, or a Jordan network's V).</summary>
    private static void ResetStream(RecurrentState state, int stream, int stateSize)
    {
        int layers = state.Hidden.Length / (state.Batch * stateSize);
        for (int layer = 0; layer < layers; layer++)
        {
            int at = (layer * state.Batch + stream) * stateSize;
            state.Hidden.AsSpan(at, stateSize).Clear();
            if (state.Cell.Length > 0) state.Cell.AsSpan(at, stateSize).Clear();
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

    /// <summary>When a stop string occurs in the text, cuts the text where the earliest one starts and
    /// returns true. Only the part a new piece can have completed is searched: the last <paramref name="added"/>
    /// characters plus a stop string's length.</summary>
    private static bool TrimStop(StringBuilder text, IReadOnlyList<string> stopStrings, int added)
    {
        int cut = -1;
        foreach (string stop in stopStrings)
        {
            if (stop.Length == 0) continue;
            int from = Math.Max(0, text.Length - added - stop.Length + 1);
            int at = text.ToString(from, text.Length - from).IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || from + at < cut)) cut = from + at;
        }
        if (cut < 0) return false;
        text.Length = cut;
        return true;
    }
}

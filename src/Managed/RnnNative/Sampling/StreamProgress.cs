using System.Text;
using RnnNative.Kernels;
using RnnNative.Randomness;
using RnnNative.Text;

namespace RnnNative.Sampling;

/// <summary>
/// One stream of a <see cref="StreamBatch"/>: the tokens it feeds (its prompt, then each token it drew), its random
/// generator, its text so far and whether it has finished. The step that feeds the prompt's last token is the first
/// whose output the stream draws from; the steps before only prime its state.
/// </summary>
internal sealed class StreamProgress
{
    private readonly int[] _prompt;        // at least one token
    private readonly TokenDecoder _decoder;
    private readonly int _vocabularySize;
    private readonly KernelSet _kernels;
    private TokenSampler? _sampler;        // made on first use: a batch that draws through SampleStep needs none
    private readonly StringBuilder _text = new();
    private char[] _tail = [];            // the end of the text a stop string is looked for in
    private int _fed;                      // prompt tokens fed so far
    private int _drawn;                    // the token drawn last, fed next once the prompt is in

    /// <summary>A stream of <paramref name="request"/> that feeds <paramref name="prompt"/> (its encoded prompt, at least one token).</summary>
    public StreamProgress(int index, StreamRequest request, int[] prompt, Vocabulary vocabulary, KernelSet kernels)
    {
        Index = index;
        Request = request;
        _prompt = prompt;
        _decoder = vocabulary.CreateDecoder();
        Random = new SeededRandom(request.Seed);
        _vocabularySize = vocabulary.Count;
        _kernels = kernels;
    }

    /// <summary>Where the request stands in the caller's list.</summary>
    public int Index { get; }

    /// <summary>What the stream was asked for.</summary>
    public StreamRequest Request { get; }

    /// <summary>Draws this stream's tokens from logits (unless its batch draws through <see cref="Model.LanguageModel.SampleStep(ReadOnlySpan{int}, Model.RecurrentState, ReadOnlySpan{float}, ReadOnlySpan{SeededRandom}, Span{int})"/>).</summary>
    public TokenSampler Sampler => _sampler ??= new TokenSampler(_vocabularySize, Request.Options, _kernels);

    /// <summary>This stream's random generator.</summary>
    public SeededRandom Random { get; }

    /// <summary>The token this stream feeds at the next step.</summary>
    public int Input => _fed < _prompt.Length ? _prompt[_fed] : _drawn;

    /// <summary>True when the next step's output is drawn from: it feeds the prompt's last token or a drawn one.</summary>
    public bool Draws => _fed >= _prompt.Length - 1;

    /// <summary>Tokens drawn so far.</summary>
    public int Tokens { get; private set; }

    /// <summary>The text so far (without a stop string once one is found).</summary>
    public StringBuilder Text => _text;

    /// <summary>Why the stream ended; null while it runs.</summary>
    public StreamFinish? Finish { get; private set; }

    /// <summary>True when it asks for no token at all (it then never joins a batch).</summary>
    public bool IsEmpty => Request.MaxTokens == 0;

    /// <summary>After a step that did not draw: one more prompt token is in.</summary>
    public void Primed() => _fed++;

    /// <summary>After a step that drew <paramref name="token"/>: appends its text; the stream finishes when the text
    /// reaches a stop string or the token is the last one asked for (the decoder's held-back bytes are then flushed).</summary>
    public void Append(int token)
    {
        _fed = _prompt.Length;
        _drawn = token;
        Tokens++;
        int added = _decoder.AppendTo(token, _text);
        if (TrimStop(added))
        {
            Finish = StreamFinish.Stop;
        }
        else if (Tokens == Request.MaxTokens)
        {
            End();
        }
    }

    /// <summary>Ends the stream at its length: flushes the decoder, whose last characters may still complete a stop string.</summary>
    public void End()
    {
        int added = _decoder.FlushTo(_text);
        Finish = TrimStop(added) ? StreamFinish.Stop : StreamFinish.Length;
    }

    /// <summary>The result of a finished stream.</summary>
    public StreamResult Result() => new(_text.ToString(), Tokens, Finish ?? throw new InvalidOperationException("the stream has not finished."));

    /// <summary>When a stop string occurs in the text, cuts the text where the earliest one starts and
    /// returns true. Only the part a new piece can have completed is searched: the last <paramref name="added"/>
    /// characters plus a stop string's length, copied into a buffer kept for the next token (no allocation per token).</summary>
    private bool TrimStop(int added)
    {
        int cut = -1;
        IReadOnlyList<string> stops = Request.StopStrings;
        for (int i = 0; i < stops.Count; i++)   // an index, not foreach: the interface's enumerator is an allocation a token
        {
            string stop = stops[i];
            if (stop.Length == 0) continue;
            int from = Math.Max(0, _text.Length - added - stop.Length + 1), length = _text.Length - from;
            if (_tail.Length < length) _tail = new char[Math.Max(length, 2 * _tail.Length)];
            _text.CopyTo(from, _tail, 0, length);
            int at = _tail.AsSpan(0, length).IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || from + at < cut)) cut = from + at;
        }
        if (cut < 0) return false;
        _text.Length = cut;
        return true;
    }
}

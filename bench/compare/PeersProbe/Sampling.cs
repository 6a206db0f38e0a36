namespace PeersProbe;

/// <summary>One step of a char model for B streams, as a peer runs it: a token per stream in, logits out.</summary>
interface IStepModel : IDisposable
{
    /// <summary>Streams stepped together.</summary>
    int Batch { get; }

    /// <summary>Back to the zero state.</summary>
    void Reset();

    /// <summary>tokens [B] -> logits [B, V], valid until the next call.</summary>
    ReadOnlySpan<float> Step(ReadOnlySpan<long> tokens);
}

/// <summary>
/// The sampling loop around a peer's step, in C# as RnnNative's generator does it natively: per token
/// step, softmax at temperature 1 and an inverse-CDF draw, for every stream. Per-token latency is the
/// best of 3 runs of n tokens / n, after a 200-token warm-up; with B streams, tokens/s counts all streams.
/// </summary>
static class Sampling
{
    const int WarmUp = 200;
    const int Runs = 3;

    /// <summary>The fastest of `Runs` runs of `tokens` steps.</summary>
    public static Clock Best(IStepModel model, int vocab, int tokens)
    {
        Generate(model, vocab, WarmUp, seed: 100);
        var best = new Clock(double.MaxValue, 0);
        for (int run = 0; run < Runs; run++)
        {
            var clock = Clock.Time(() => Generate(model, vocab, tokens, seed: run));
            best = clock.Seconds < best.Seconds ? clock : best;
        }
        return best;
    }

    static void Generate(IStepModel model, int vocab, int count, int seed)
    {
        var random = new Random(seed);
        var tokens = new long[model.Batch];
        var probabilities = new float[vocab];
        model.Reset();
        for (int i = 0; i < count; i++)
        {
            var logits = model.Step(tokens);                                  // [B, V]
            for (int b = 0; b < tokens.Length; b++)
                tokens[b] = Draw(logits.Slice(b * vocab, vocab), probabilities, random);
        }
    }

    // p = softmax(logits) = exp(l - max) / sum exp(l - max); then the first i with cumsum(p)_i > u, u ~ U[0, 1).
    static int Draw(ReadOnlySpan<float> logits, Span<float> probabilities, Random random)
    {
        float max = float.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        float sum = 0;
        for (int v = 0; v < logits.Length; v++)
            sum += probabilities[v] = MathF.Exp(logits[v] - max);
        float u = random.NextSingle() * sum;
        for (int v = 0; v < logits.Length; v++)
            if ((u -= probabilities[v]) < 0)
                return v;
        return logits.Length - 1;
    }
}

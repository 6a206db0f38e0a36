using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Randomness;

namespace RnnNative.Sampling;

/// <summary>
/// Draws a token from one row of logits: <c>p = softmax(z / temperature)</c>, cut to the top K
/// and to the nucleus of mass P, renormalized, then one uniform draw. Holds scratch buffers, so one
/// instance per thread; drawing allocates nothing.
/// </summary>
public sealed class TokenSampler
{
    private readonly KernelSet _kernels;
    private readonly float[] _probabilities;
    private readonly int[] _order;
    private readonly Comparison<int> _byProbabilityDescending;

    /// <summary>A sampler over <paramref name="vocabularySize"/> logits with <paramref name="options"/> (validated).</summary>
    public TokenSampler(int vocabularySize, SamplingOptions options, KernelSet? kernels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _kernels = kernels ?? KernelSet.Active;
        _probabilities = new float[vocabularySize];
        _order = new int[vocabularySize];
        // Ties broken by token id, so the cut is the same on every path and platform.
        _byProbabilityDescending = (a, b) => _probabilities[b].CompareTo(_probabilities[a]) is var c && c != 0 ? c : a.CompareTo(b);
    }

    /// <summary>Temperature, top-k and top-p.</summary>
    public SamplingOptions Options { get; }

    /// <summary>True when <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, float, ReadOnlySpan{SeededRandom}, Span{int})"/> draws as these options ask without forming the V logits:
    /// a class-factored <paramref name="model"/>, a temperature above 0 (acting on each factor), neither top-k nor top-p
    /// (which rank all V tokens, as greedy does).</summary>
    public bool SamplesWithoutLogits(LanguageModel model) => SamplesWithoutLogits(model, Options);

    /// <summary><see cref="SamplesWithoutLogits(LanguageModel)"/> for a sampler of <paramref name="options"/>.</summary>
    internal static bool SamplesWithoutLogits(LanguageModel model, SamplingOptions options) =>
        model.Config.Softmax == SoftmaxKind.Class && !options.IsGreedy && options.TopK == 0 && options.TopP >= 1f;

    /// <summary>Feeds <paramref name="token"/> to the single stream <paramref name="state"/> of <paramref name="model"/> and
    /// draws the next token with <paramref name="random"/>: through <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, float, ReadOnlySpan{SeededRandom}, Span{int})"/> when
    /// <see cref="SamplesWithoutLogits(LanguageModel)"/>, else from <see cref="LanguageModel.Step"/>'s logits by <see cref="Next"/>.</summary>
    public int Step(LanguageModel model, int token, RecurrentState state, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Config.VocabularySize != _probabilities.Length)
        {
            throw new ArgumentException($"the sampler draws from {_probabilities.Length} tokens but the model has {model.Config.VocabularySize}.", "sampler");
        }
        ReadOnlySpan<int> tokens = [token];
        if (SamplesWithoutLogits(model))
        {
            Span<int> next = [0];
            model.SampleStep(tokens, state, Options.Temperature, [random], next);
            return next[0];
        }
        // The logits go into the probabilities' buffer, which Next copies them to in place.
        model.Step(tokens, state, _probabilities);
        return Next(_probabilities, random);
    }

    /// <summary>The next token for <paramref name="logits"/> [V], drawing from <paramref name="random"/>
    /// (no draw at all when greedy).</summary>
    public int Next(ReadOnlySpan<float> logits, SeededRandom random)
    {
        if (logits.Length != _probabilities.Length)
        {
            throw new ArgumentException($"expected {_probabilities.Length} logits, got {logits.Length}.", nameof(logits));
        }
        if (Options.IsGreedy)
        {
            return ArgMax(logits);
        }
        Span<float> p = _probabilities;
        logits.CopyTo(p);
        CategoricalDraw.DivideByTemperature(_kernels, Options.Temperature, p);
        _kernels.Softmax(p, p);

        int vocabularySize = p.Length;
        if (Options.TopK == 0 && Options.TopP >= 1f)
        {
            return CategoricalDraw.Draw(p, random.NextDouble());
        }
        for (int i = 0; i < vocabularySize; i++) _order[i] = i;
        Array.Sort(_order, _byProbabilityDescending);
        int kept = Options.TopK == 0 ? vocabularySize : Math.Min(Options.TopK, vocabularySize);
        double mass = 0;
        for (int i = 0; i < kept; i++)
        {
            mass += p[_order[i]];
            if (mass >= Options.TopP)
            {
                kept = i + 1;
                break;
            }
        }
        double target = random.NextDouble() * SumOf(p, kept), cumulative = 0;
        for (int i = 0; i < kept; i++)
        {
            cumulative += p[_order[i]];
            if (target < cumulative) return _order[i];
        }
        return _order[kept - 1];
    }

    private double SumOf(ReadOnlySpan<float> p, int kept)
    {
        double sum = 0;
        for (int i = 0; i < kept; i++) sum += p[_order[i]];
        return sum;
    }

    /// <summary>The first index of the largest logit.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits) => CategoricalDraw.ArgMax(logits);
}

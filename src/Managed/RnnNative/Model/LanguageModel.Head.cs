using RnnNative.Cells;
using RnnNative.Randomness;

namespace RnnNative.Model;

// The part of the language model's API that its output part decides: the class-factored softmax's word classes, and
// the sampling step that draws tokens without forming the V logits when the head allows it.
public sealed partial class LanguageModel
{
    private float[] _drawnLogits = [];   // a Jordan network's step logits for SampleStep's draw, [B, V]
    private float[] _temperatures = [];  // SampleStep's one temperature, once per stream [B]

    /// <summary>The word classes of a class-factored softmax (<see cref="SoftmaxKind.Class"/>); null for the full softmax.
    /// A new model starts with <see cref="WordClasses.Contiguous"/>, which a <see cref="Training.Trainer"/> replaces by the
    /// training corpus's frequency classes before its first update (<see cref="SetClasses"/>); files keep them. Null for a
    /// Jordan network too, whose output layer is a full softmax inside its layer.</summary>
    public WordClasses? Classes => _head?.Classes;

    /// <summary>Gives a class-factored model the word classes <paramref name="classes"/> (of V tokens and K classes),
    /// moving each word's output row with it. Meant for a model that has not trained yet: gradients and optimizer
    /// state are not moved. Shared with replicas.</summary>
    public void SetClasses(WordClasses classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (_head is not ClassSoftmaxHead head)
        {
            throw new InvalidOperationException("the model has a full softmax, which has no word classes.");
        }
        if (classes.VocabularySize != V || classes.Count != Config.ClassCount)
        {
            throw new ArgumentException($"the classes are {classes.Count} of {classes.VocabularySize} tokens; the model has {Config.ClassCount} of {V}.", nameof(classes));
        }
        head.SetClasses(classes);
        MarkWeightsChanged();
    }

    /// <summary>
    /// One step for B independent streams that draws each stream's next token into <paramref name="next"/> [B] instead of
    /// writing logits: reads <paramref name="tokens"/> [B], advances <paramref name="state"/>, draws stream i's token with
    /// <paramref name="randoms"/>[i] at <paramref name="temperature"/> (0: greedy). With the class-factored softmax it
    /// forms K + |class| logits per stream, never V: the class from softmax(u / T), then the word within it from
    /// softmax(v / T) (exactly the model's distribution at T = 1; other temperatures and greedy act on each factor, see
    /// <see cref="ClassSoftmaxHead"/>). With the full softmax (and a Jordan network) it forms the V logits and draws from softmax(logits / T).
    /// For top-k or top-p, or the whole distribution, use <see cref="Step"/>.
    /// </summary>
    public void SampleStep(ReadOnlySpan<int> tokens, RecurrentState state, float temperature, ReadOnlySpan<SeededRandom> randoms, Span<int> next)
    {
        ArgumentNullException.ThrowIfNull(state);
        CheckTemperature(temperature, nameof(temperature));
        if (_temperatures.Length != state.Batch) _temperatures = new float[state.Batch];
        _temperatures.AsSpan().Fill(temperature);
        SampleStep(tokens, state, _temperatures, randoms, next);
    }

    /// <summary>As <see cref="SampleStep(ReadOnlySpan{int}, RecurrentState, float, ReadOnlySpan{SeededRandom}, Span{int})"/>
    /// with stream i drawn at <paramref name="temperatures"/>[i] (batched serving: each stream its own temperature).</summary>
    public void SampleStep(ReadOnlySpan<int> tokens, RecurrentState state, ReadOnlySpan<float> temperatures, ReadOnlySpan<SeededRandom> randoms, Span<int> next)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (tokens.Length != state.Batch || temperatures.Length != state.Batch || randoms.Length != state.Batch || next.Length != state.Batch)
        {
            throw new ArgumentException($"expected {state.Batch} token ids, temperatures, generators and outputs (one per stream), got {tokens.Length}, {temperatures.Length}, {randoms.Length} and {next.Length}.", nameof(tokens));
        }
        foreach (float temperature in temperatures) CheckTemperature(temperature, nameof(temperatures));
        if (!HasStack)
        {
            // A Jordan network steps as a window of one timestep and owns its output layer: draw from its logits.
            int rows = Forward(tokens, default, 1, state, ForwardMode.Inference, nameof(tokens));
            if (_drawnLogits.Length < rows * V) _drawnLogits = new float[rows * V];
            Span<float> logits = _drawnLogits.AsSpan(0, rows * V);   // the draw overwrites them with probabilities
            _jordan.Logits(rows).CopyTo(logits);
            for (int row = 0; row < rows; row++)
            {
                next[row] = CategoricalDraw.FromLogits(Kernels, logits.Slice(row * V, V), temperatures[row], randoms[row]);
            }
            return;
        }
        ReadOnlySpan<float> hidden;
        if (state.Batch == 1)
        {
            _input.CheckTokenIds(tokens, nameof(tokens));
            _singleTokenStep ??= new SingleTokenStep(this);
            hidden = _singleTokenStep.RunLayers(_stepWeights.Get(this), tokens[0], state);
        }
        else
        {
            _input.CheckTokenIds(tokens, nameof(tokens));
            hidden = BatchedStep(state.Batch).RunLayers(_stepWeights.Get(this), tokens, state);
        }
        _head.Sample(hidden, state.Batch, temperatures, randoms, next);
    }

    private static void CheckTemperature(float temperature, string name)
    {
        if (!float.IsFinite(temperature) || temperature < 0f)
        {
            throw new ArgumentOutOfRangeException(name, temperature, "must be a finite number >= 0 (0: greedy)");
        }
    }
}

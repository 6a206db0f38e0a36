using RnnNative.Cells;
using RnnNative.Model;
using RnnNative.Randomness;
using RnnNative.Sampling;
using RnnNative.Text;

namespace RnnNative.Tests.Sampling;

/// <summary>Sampling a class-factored model without its V logits: the frequencies of <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, float, ReadOnlySpan{SeededRandom}, Span{int})"/>'s
/// draws against the model's own probabilities (chi-square), with a wrong distribution as the negative control.</summary>
public class ClassSamplingTests
{
    private const int V = 12, K = 3, Streams = 400, Rounds = 30;
    private static readonly LanguageModelConfig s_config = new(VocabularySize: V, EmbeddingSize: 4, CellType.Gru, HiddenSize: 6, Layers: 1) { Softmax = SoftmaxKind.Class, Classes = K };

    /// <summary>χ² at α = 0.001 with V - 1 = 11 degrees of freedom.</summary>
    private const double Critical = 31.26;

    private static LanguageModel CreateModel()
    {
        LanguageModel model = new(s_config);
        model.Initialize(new Random(9));
        model.SetClasses(WordClasses.ByFrequency([40, 1, 9, 3, 25, 2, 16, 1, 4, 6, 12, 2], K));
        // Class biases far apart, so the class factor is far from uniform (the negative control below relies on it).
        float[] decoder = model.Blocks[^1].Values;
        int classBias = K * s_config.HiddenSize;
        (decoder[classBias], decoder[classBias + 1], decoder[classBias + 2]) = (1.5f, 0f, -1f);
        model.MarkWeightsChanged();
        return model;
    }

    /// <summary>A state of <paramref name="batch"/> streams that each read the tokens 5, 0 (one stream's h, copied).</summary>
    private static RecurrentState Primed(LanguageModel model, int batch)
    {
        RecurrentState one = new(s_config.Recurrent, 1);
        float[] logits = new float[V];
        foreach (int token in new[] { 5, 0 }) model.Step([token], one, logits);
        RecurrentState state = new(s_config.Recurrent, batch);
        for (int b = 0; b < batch; b++) one.Hidden.CopyTo(state.Hidden.AsSpan(b * s_config.HiddenSize));
        return state;
    }

    /// <summary>Counts of <see cref="Rounds"/> x <see cref="Streams"/> draws of the token after 5, 0, 9.</summary>
    private static long[] Draw(LanguageModel model, float temperature)
    {
        long[] counts = new long[V];
        SeededRandom[] randoms = [.. Enumerable.Range(0, Streams).Select(s => new SeededRandom(1000 + (ulong)s))];
        int[] tokens = [.. Enumerable.Repeat(9, Streams)], next = new int[Streams];
        for (int round = 0; round < Rounds; round++)
        {
            model.SampleStep(tokens, Primed(model, Streams), temperature, randoms, next);
            foreach (int token in next) counts[token]++;
        }
        return counts;
    }

    /// <summary>P(w | 5, 0, 9) from the model's full log-probabilities (the exact distribution).</summary>
    private static double[] Probabilities(LanguageModel model)
    {
        RecurrentState state = Primed(model, 1);
        float[] logProbabilities = new float[V];
        model.Step([9], state, logProbabilities);
        return [.. logProbabilities.Select(z => Math.Exp(z))];
    }

    private static double ChiSquare(long[] counts, double[] p)
    {
        double n = counts.Sum();
        return counts.Select((count, w) => (count - n * p[w]) * (count - n * p[w]) / (n * p[w])).Sum();
    }

    [Fact]
    public void Draws_without_the_v_logits_follow_the_models_probabilities_and_a_wrong_class_factor_is_rejected()
    {
        LanguageModel model = CreateModel();
        double[] p = Probabilities(model);
        long[] counts = Draw(model, 1f);
        Assert.True(ChiSquare(counts, p) < Critical, $"χ² = {ChiSquare(counts, p):F1} against the model's P; counts {string.Join(", ", counts)}");

        // Negative control: the same words within each class, but the classes uniform (P(c) = 1/K).
        WordClasses classes = model.Classes!;
        double[] classMass = new double[K];
        for (int w = 0; w < V; w++) classMass[classes.ClassOf[w]] += p[w];
        double[] wrong = [.. Enumerable.Range(0, V).Select(w => p[w] / classMass[classes.ClassOf[w]] / K)];
        Assert.True(ChiSquare(counts, wrong) > Critical, $"χ² = {ChiSquare(counts, wrong):F1} against a uniform class factor should reject it");
    }

    [Fact]
    public void A_temperature_sharpens_each_factor_as_documented()
    {
        // At T, the class comes from softmax(log P(c) / T) and the word from softmax(log P(w | c) / T) within it.
        LanguageModel model = CreateModel();
        const float T = 0.6f;
        double[] p = Probabilities(model);
        WordClasses classes = model.Classes!;
        double[] classMass = new double[K];
        for (int w = 0; w < V; w++) classMass[classes.ClassOf[w]] += p[w];
        double[] classFactor = [.. classMass.Select(m => Math.Pow(m, 1 / T))], wordFactor = [.. p.Select((pw, w) => Math.Pow(pw / classMass[classes.ClassOf[w]], 1 / T))];
        double[] withinClass = new double[K];
        for (int w = 0; w < V; w++) withinClass[classes.ClassOf[w]] += wordFactor[w];
        double classTotal = classFactor.Sum();
        double[] expected = [.. Enumerable.Range(0, V).Select(w => classFactor[classes.ClassOf[w]] / classTotal * wordFactor[w] / withinClass[classes.ClassOf[w]])];

        long[] counts = Draw(model, T);
        Assert.True(ChiSquare(counts, expected) < Critical, $"χ² = {ChiSquare(counts, expected):F1}");
        Assert.True(ChiSquare(counts, p) > Critical, "T = 0.6 should not draw from P itself");
    }

    [Fact]
    public void One_stream_draws_as_a_batch_row_with_the_same_generator()
    {
        LanguageModel model = CreateModel();
        int[] alone = new int[1], batched = new int[Streams];
        int agree = 0;
        for (ulong seed = 0; seed < 200; seed++)
        {
            model.SampleStep([9], Primed(model, 1), 1f, [new SeededRandom(seed)], alone);
            model.SampleStep([9, 9], Primed(model, 2), 1f, [new SeededRandom(seed), new SeededRandom(seed + 1)], batched.AsSpan(0, 2));
            if (alone[0] == batched[0]) agree++;
        }
        // Single-stream steps differ from batched ones by rounding only: a draw changes only on a boundary.
        Assert.True(agree >= 198, $"{agree} of 200 draws agree");
    }

    [Fact]
    public void Text_generation_works_on_a_class_model_for_every_kind_of_sampling()
    {
        LanguageModel model = CreateModel();
        WordVocabulary vocabulary = WordVocabulary.FromTokens(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "\n"]);
        foreach (SamplingOptions options in new SamplingOptions[] { new(), new(Temperature: 0.7f), new(TopK: 3), new(TopP: 0.8f), new(Temperature: 0f) })
        {
            TextGenerator generator = new(model, vocabulary, options, streams: 2);
            string[] texts = generator.Generate(["a b", "c"], 20, seed: 4);
            Assert.Equal(texts, new TextGenerator(model, vocabulary, options, streams: 2).Generate(["a b", "c"], 20, seed: 4));
            Assert.Equal(texts[0], string.Concat(generator.Stream("a b", 20, seed: 4)));
            Assert.All(texts, text => Assert.NotEmpty(text));
        }

        // Greedy takes the most likely word of the full distribution, one step after another.
        RecurrentState state = new(s_config.Recurrent, 1);
        float[] logProbabilities = new float[V];
        int token = vocabulary.Encode("a")[0];
        List<int> expected = [];
        for (int i = 0; i < 10; i++)
        {
            model.Step([token], state, logProbabilities);
            token = TokenSampler.ArgMax(logProbabilities);
            expected.Add(token);
        }
        Assert.Equal(vocabulary.Decode(expected.ToArray()), new TextGenerator(model, vocabulary, new SamplingOptions(Temperature: 0f)).Generate(["a"], 10, seed: 1)[0]);
    }

    [Fact]
    public void Sample_steps_check_their_arguments()
    {
        LanguageModel model = CreateModel();
        RecurrentState state = new(s_config.Recurrent, 2);
        Assert.Throws<ArgumentException>(() => model.SampleStep([1, 2], state, 1f, [new SeededRandom(1)], new int[2]));
        Assert.Equal("temperature", Assert.Throws<ArgumentOutOfRangeException>(() => model.SampleStep([1, 2], state, -1f, [new SeededRandom(1), new SeededRandom(2)], new int[2])).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => model.SampleStep([1, V], state, 1f, [new SeededRandom(1), new SeededRandom(2)], new int[2])).ParamName);
    }
}

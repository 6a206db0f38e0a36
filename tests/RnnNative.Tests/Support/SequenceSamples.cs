using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Text;

namespace RnnNative.Tests.Support;

/// <summary>
/// Small deterministic whole-sequence data for the sequence task and model-file tests: a tagging set whose tag at
/// timestep t is token_t mod 3, or 2 after token 0 (one step of context to learn), and a dense regression set whose target
/// is the mean of the first feature over the sequence.
/// </summary>
internal static class SequenceSamples
{
    public const int Words = 6, Tags = 3;

    /// <summary>"w0".."w5" plus &lt;unk&gt; (V = 7).</summary>
    public static TokenVocabulary Vocabulary { get; } = TokenVocabulary.Build(Enumerable.Range(0, Words).Select(i => $"w{i}"), TokenUnit.Words);

    public static LabelSet TagNames { get; } = LabelSet.FromNames(["A", "B", "C"]);

    /// <summary><paramref name="count"/> tagged sequences of 2..7 tokens drawn from <paramref name="seed"/>.</summary>
    public static SequenceSet Tagged(int count, int seed)
    {
        Random random = new(seed);
        List<int> tokens = [], tags = [];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            lengths[i] = random.Next(2, 8);
            int previous = -1;
            for (int t = 0; t < lengths[i]; t++)
            {
                int token = random.Next(Words);
                tokens.Add(token);
                tags.Add(previous == 0 && t > 0 ? 2 : token % Tags);
                previous = token;
            }
        }
        return SequenceSet.FromTokens([.. tokens], lengths, TargetKind.StepClasses, [.. tags], []);
    }

    /// <summary><paramref name="count"/> sequences of 2..6 timesteps of 2 features in [-1, 1]; target the mean of feature 0.</summary>
    public static SequenceSet Numeric(int count, int seed)
    {
        Random random = new(seed);
        List<float> features = [];
        float[] targets = new float[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++)
        {
            lengths[i] = random.Next(2, 7);
            for (int t = 0; t < lengths[i]; t++)
            {
                float x = (float)(random.NextDouble() * 2 - 1);
                features.Add(x);
                features.Add((float)(random.NextDouble() * 2 - 1));
                targets[i] += x / lengths[i];
            }
        }
        return SequenceSet.FromFeatures([.. features], 2, lengths, TargetKind.SequenceValues, [], targets, 1);
    }

    /// <summary>A bidirectional LSTM tagger with an embedding, sized for <see cref="Tagged"/>.</summary>
    public static SequenceModelConfig Tagger { get; } = new(ModelKind.Tagger, CellType.Lstm, HiddenSize: 8, Layers: 1, Outputs: Tags)
    {
        VocabularySize = Vocabulary.Count,
        EmbeddingSize = 4,
        Bidirectional = true,
        Dropout = 0.1f,
    };

    /// <summary>A GRU regressor over dense input, one value per sequence, sized for <see cref="Numeric"/>.</summary>
    public static SequenceModelConfig Regressor { get; } = new(ModelKind.Regressor, CellType.Gru, HiddenSize: 8, Layers: 1, Outputs: 1)
    {
        Input = InputEncoding.Dense,
        FeatureSize = 2,
    };
}

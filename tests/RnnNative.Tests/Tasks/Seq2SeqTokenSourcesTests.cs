using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Tests.Tasks;

/// <summary>What the C ABI reaches the facade with: sources as ids, a decoding session over all of them, pairs of ids.</summary>
public class Seq2SeqTokenSourcesTests
{
    private static readonly (string Source, string Target)[] Pairs = [("ab", "ba"), ("abc", "cba"), ("c", "c"), ("ca", "ac"), ("bb", "bb")];

    private static Seq2SeqTaskModel Untrained(out Seq2SeqData data)
    {
        data = Seq2SeqData.FromPairs(Pairs, options: new TaskDataOptions { Unit = TokenUnit.Characters });
        return Seq2SeqTaskModel.Create(data, new TaskModelOptions { HiddenSize = 6, EmbeddingSize = 3, Seed = 5 });
    }

    [Fact]
    public void Sources_given_as_ids_translate_as_their_texts_do()
    {
        Seq2SeqTaskModel model = Untrained(out _);
        string[] texts = [.. Pairs.Select(p => p.Source), "abz"];
        int[][] ids = model.EncodeSources(texts);

        Assert.Equal(SpecialTokens.Unknown, ids[^1][^1]);
        foreach (BeamOptions? beam in new BeamOptions?[] { null, new() { Width = 2, MaxLength = 5 } })
        {
            Translation[] fromTexts = model.Translate(texts, beam, maxLength: 5, batchSize: 2);
            Translation[] fromIds = model.Translate(ids, beam, maxLength: 5, batchSize: 4);
            Assert.Equal(fromTexts.Select(t => t.Tokens), fromIds.Select(t => t.Tokens));
            Assert.Equal(fromTexts.Select(t => t.LogProbability), fromIds.Select(t => t.LogProbability), (a, b) => Math.Abs(a - b) < 1e-4);
        }
        ArgumentException empty = Assert.Throws<ArgumentException>(() => model.Translate(new[] { ids[0], Array.Empty<int>() }));
        Assert.Contains("source 1", empty.Message);
        Assert.Throws<ArgumentException>(() => model.EncodeSources(["ab", ""]));
    }

    [Fact]
    public void A_session_over_all_sources_steps_them_as_greedy_decoding_does()
    {
        Seq2SeqTaskModel model = Untrained(out _);
        int[][] ids = model.EncodeSources([.. Pairs.Select(p => p.Source)]);
        Translation[] greedy = model.Translate(ids, maxLength: 1);

        IStepDecoder decoder = model.StartDecoding(ids);
        Assert.Equal(Enumerable.Range(0, ids.Length), decoder.Sources.ToArray());
        float[] logProbabilities = new float[ids.Length * decoder.Vocabulary];   // [R, V]
        decoder.Step([.. Enumerable.Repeat(SpecialTokens.Start, ids.Length)], logProbabilities);
        for (int row = 0; row < ids.Length; row++)
        {
            ReadOnlySpan<float> next = logProbabilities.AsSpan(row * decoder.Vocabulary, decoder.Vocabulary);
            int best = ArgMax(next);
            // greedy's first token, or its end when it stopped at once; its log-probability when that is all it counted
            Assert.Equal(greedy[row].Tokens.Length > 0 ? greedy[row].Tokens[0] : SpecialTokens.End, best);
            if (!greedy[row].Finished || greedy[row].Tokens.Length == 0) Assert.Equal(greedy[row].LogProbability, next[best], 4);
        }
    }

    [Fact]
    public void Pairs_of_ids_read_as_the_numbers_of_their_vocabularies_and_are_checked_against_them()
    {
        Seq2SeqEncoding encoding = Seq2SeqEncoding.OfIds(9, 7);
        Seq2SeqData data = Seq2SeqData.FromTokens([[4, 8], [5]], [[6], [5, 4, 6]], encoding);

        Assert.Equal((9, 7, 2), (data.Encoding.Source.Count, data.Encoding.Target.Count, data.Set.Count));
        Assert.Equal(("4 8", "6", 1), (data.Pairs[0].Source, data.Pairs[0].Target, data.Pairs[0].Line));
        Assert.Equal("5 4 6", data.Pairs[1].Target);
        Assert.Throws<ArgumentException>(() => Seq2SeqData.FromTokens([[4, 9]], [[4]], encoding));              // 9 is no source id
        Assert.Throws<ArgumentException>(() => Seq2SeqData.FromTokens([[4]], [[7]], encoding));                 // 7 is no target id
        Assert.Throws<ArgumentOutOfRangeException>(() => Seq2SeqData.FromTokens([[4]], [[SpecialTokens.End]], encoding));
        ArgumentOutOfRangeException small = Assert.Throws<ArgumentOutOfRangeException>(() => Seq2SeqEncoding.OfIds(9, SpecialTokens.Count));
        Assert.Equal("targetVocabularySize", small.ParamName);
        // A model of such data decodes into the same numbers.
        Seq2SeqTaskModel model = Seq2SeqTaskModel.Create(data, new TaskModelOptions { HiddenSize = 4, EmbeddingSize = 2 });
        Translation translation = model.Translate([[4, 8]], maxLength: 3)[0];
        IEnumerable<string> words = translation.Tokens.Where(t => t >= SpecialTokens.Unknown).Select(t => t == SpecialTokens.Unknown ? "<unk>" : $"{t}");
        Assert.Equal(string.Join(" ", words), translation.Text);
    }

    /// <summary>The lowest id among the most likely, as greedy search takes it.</summary>
    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}

using RnnNative.Metrics;
using RnnNative.Randomness;

namespace RnnNative.Tests.Metrics;

public class TaggingCounterTests
{
    /// <summary>
    /// A small CoNLL sample, one sequence per entry, "gold predicted" per token. The chunks, counted by hand:
    /// 1. PER [1-2] both: correct. LOC gold [4-5], predicted [4]: wrong end.
    /// 2. gold ORG [1-2], predicted LOC [1-2]: wrong type. Predicted PER [4]: I- after O opens a chunk, at the sequence's end.
    /// 3. MISC [2] opened by I- after O in both: correct; MISC [3-4] (B- after I- of one type) at the sequence's end: correct.
    /// 4. gold PER [1-2]; predicted PER [1] and LOC [2] (I- of another type opens a chunk): both wrong.
    /// Gold 6 chunks (LOC 1, MISC 2, ORG 1, PER 2); predicted 8 (LOC 3, MISC 2, PER 3); correct 3 (MISC 2, PER 1).
    /// Tokens 16, tags equal on 5 + 1 + 4 + 1 = 11.
    /// </summary>
    private static readonly string[][] Sample =
    [
        ["B-PER B-PER", "I-PER I-PER", "O O", "B-LOC B-LOC", "I-LOC O", "O O"],
        ["B-ORG B-LOC", "I-ORG I-LOC", "O O", "O I-PER"],
        ["O O", "I-MISC I-MISC", "B-MISC B-MISC", "I-MISC I-MISC"],
        ["B-PER B-PER", "I-PER I-LOC"],
    ];

    [Fact]
    public void The_sample_counts_as_conlleval_counts_it()
    {
        TaggingMetrics metrics = Count(Sample);

        Assert.Equal(16, metrics.Tokens);
        Assert.Equal(11, metrics.CorrectTokens);
        Assert.Equal(11.0 / 16, metrics.TokenAccuracy, 1e-12);
        Assert.Equal(new LabelScore("overall", Gold: 6, Predicted: 8, Correct: 3), metrics.Overall);
        Assert.Equal(3.0 / 8, metrics.Overall.Precision, 1e-12);
        Assert.Equal(3.0 / 6, metrics.Overall.Recall, 1e-12);
        Assert.Equal(3.0 / 7, metrics.Overall.F1, 1e-12);   // 2 * 3/8 * 1/2 / (3/8 + 1/2)
        Assert.Equal(
            [new("LOC", 1, 3, 0), new("MISC", 2, 2, 2), new("ORG", 1, 0, 0), new("PER", 2, 3, 1)],
            metrics.Types);
        LabelScore person = metrics.Types[3];
        Assert.Equal(1.0 / 3, person.Precision, 1e-12);
        Assert.Equal(1.0 / 2, person.Recall, 1e-12);
        Assert.Equal(2.0 / 5, person.F1, 1e-12);             // 2 * 1/3 * 1/2 / (1/3 + 1/2)
        Assert.Equal((1.0, 1.0, 1.0), (metrics.Types[1].Precision, metrics.Types[1].Recall, metrics.Types[1].F1));
        Assert.Equal((0.0, 0.0, 0.0), (metrics.Types[2].Precision, metrics.Types[2].Recall, metrics.Types[2].F1)); // ORG never predicted: 0, not NaN
    }

    [Theory]
    // One chunk of every kind the sample mixes, alone: what makes it right or wrong.
    [InlineData("B-PER I-PER", "B-PER I-PER", 1, 1, 1)]   // exact match
    [InlineData("B-PER I-PER", "B-PER O", 1, 1, 0)]       // wrong end
    [InlineData("O B-PER", "B-PER I-PER", 1, 1, 0)]       // wrong start
    [InlineData("B-PER I-PER", "B-LOC I-LOC", 1, 1, 0)]   // wrong type
    [InlineData("I-PER I-PER", "B-PER I-PER", 1, 1, 1)]   // IOB1 and IOB2 spell the same chunk
    [InlineData("I-PER B-PER", "I-PER I-PER", 2, 1, 0)]   // IOB1's B- splits two adjacent chunks of one type
    [InlineData("B-PER I-LOC", "B-PER B-LOC", 2, 2, 2)]   // I- of another type opens a chunk
    public void Chunk_boundaries_and_types_must_all_match(string goldTags, string predictedTags, int gold, int predicted, int correct)
    {
        TaggingCounter counter = new();
        counter.Add(goldTags.Split(' '), predictedTags.Split(' '));
        LabelScore overall = counter.Result().Overall;

        Assert.Equal((gold, predicted, correct), ((int)overall.Gold, (int)overall.Predicted, (int)overall.Correct));
    }

    [Fact]
    public void Random_samples_count_as_conlleval_pl_counted_them()
    {
        // Recorded with conlleval.pl version 2004-01-26 (perl conlleval.pl < file) on RandomSample written
        // as "w gold predicted" lines, a blank line after each sequence; its per-type lines give correct, gold, found.
        TaggingMetrics bio = Count(RandomSample(plainBio: true));
        Assert.Equal((2533L, 1884L), (bio.Tokens, bio.CorrectTokens));   // "accuracy: 74.38%"
        Assert.Equal([new("LOC", 719, 714, 477), new("PER", 726, 742, 486)], bio.Types);

        TaggingMetrics all = Count(RandomSample(plainBio: false));
        Assert.Equal((2475L, 1657L), (all.Tokens, all.CorrectTokens));   // "accuracy: 66.95%"
        Assert.Equal([new("", 440, 428, 261), new("A-B", 339, 352, 235), new("LOC", 439, 454, 284), new("PER", 489, 501, 307)], all.Types);
        Assert.Equal(new LabelScore("overall", 1707, 1735, 1087), all.Overall);
        Assert.Equal(0.6316, Math.Round(all.Overall.F1, 4));   // "FB1:  63.16"
    }

    [Fact]
    public void A_chunk_ends_with_its_sequence()
    {
        // Two sequences: B-PER then I-PER opens a second chunk. Joined into one sequence, I-PER continues the first.
        LabelScore apart = Count([["B-PER B-PER"], ["I-PER I-PER"]]).Overall;
        LabelScore joined = Count([["B-PER B-PER", "I-PER I-PER"]]).Overall;

        Assert.Equal(new LabelScore("overall", 2, 2, 2), apart);
        Assert.Equal(new LabelScore("overall", 1, 1, 1), joined);
    }

    [Fact]
    public void Tag_ids_count_as_their_names()
    {
        string[] names = ["O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER"];
        TaggingCounter byId = new();
        foreach (string[] sequence in Sample)
        {
            int[] gold = [.. sequence.Select(token => Array.IndexOf(names, token.Split(' ')[0]))];
            int[] predicted = [.. sequence.Select(token => Array.IndexOf(names, token.Split(' ')[1]))];
            byId.Add(gold, predicted, names);
        }

        TaggingMetrics expected = Count(Sample), actual = byId.Result();
        Assert.Equal((expected.Tokens, expected.CorrectTokens, expected.Overall), (actual.Tokens, actual.CorrectTokens, actual.Overall));
        Assert.Equal(expected.Types, actual.Types);
        Assert.Throws<ArgumentOutOfRangeException>(() => byId.Add([0], [9], names));
        Assert.Throws<ArgumentException>(() => byId.Add([0, 1], [0], names));
    }

    [Fact]
    public void The_summary_and_the_report_show_the_counts_and_scores()
    {
        TaggingMetrics metrics = Count(Sample);

        Assert.Equal("token accuracy 0.6875  chunk precision 0.3750  recall 0.5000  F1 0.4286", metrics.ToString());
        string[] report = metrics.Report().Split('\n');
        Assert.Equal("16 tokens with 6 chunks; found 8 chunks; correct 3", report[0]);
        Assert.Equal("    PER  precision 0.3333  recall 0.5000  F1 0.4000  gold 2  predicted 3  correct 1", report[4]);
        Assert.Equal("overall  precision 0.3750  recall 0.5000  F1 0.4286  gold 6  predicted 8  correct 3", report[5]);
    }

    [Fact]
    public void Nothing_counted_scores_zero()
    {
        TaggingMetrics metrics = new TaggingCounter().Result();

        Assert.Equal((0.0, 0.0, 0.0), (metrics.TokenAccuracy, metrics.Overall.F1, metrics.Overall.Precision));
        Assert.Empty(metrics.Types);
    }

    /// <summary>
    /// 400 random sequences of 1..12 tags, about a third of the predicted tags replaced by random ones, over
    /// plain BIO tags or over every tag conlleval reads (IOE's E-, its one-token "[" and "]", "." inside
    /// a chunk, a tag without a type, a type with a hyphen).
    /// </summary>
    private static IEnumerable<(string[] Gold, string[] Predicted)> RandomSample(bool plainBio)
    {
        string[] tags = plainBio
            ? ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
            : ["O", "O", "B-PER", "I-PER", "E-PER", "B-LOC", "I-LOC", "E-LOC", "B-A-B", "I-A-B", "X", ".", "[", "]"];
        SeededRandom random = new(plainBio ? 15UL : 16UL);
        for (int s = 0; s < 400; s++)
        {
            string[] gold = new string[1 + random.NextInt(12)], predicted = new string[gold.Length];
            for (int t = 0; t < gold.Length; t++)
            {
                gold[t] = tags[random.NextInt(tags.Length)];
                predicted[t] = random.NextInt(3) == 0 ? tags[random.NextInt(tags.Length)] : gold[t];
            }
            yield return (gold, predicted);
        }
    }

    /// <summary>Counts sequences of "gold predicted" tokens.</summary>
    private static TaggingMetrics Count(string[][] sequences) =>
        Count(sequences.Select(sequence => (sequence.Select(token => token.Split(' ')[0]).ToArray(), sequence.Select(token => token.Split(' ')[1]).ToArray())));

    private static TaggingMetrics Count(IEnumerable<(string[] Gold, string[] Predicted)> sequences)
    {
        TaggingCounter counter = new();
        foreach ((string[] gold, string[] predicted) in sequences) counter.Add(gold, predicted);
        return counter.Result();
    }
}

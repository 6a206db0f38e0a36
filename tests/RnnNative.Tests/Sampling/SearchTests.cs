using RnnNative.Data;
using RnnNative.Sampling;

namespace RnnNative.Tests.Sampling;

/// <summary>Greedy and beam search on scripted decoders (<see cref="ScriptedDecoder"/>): against exhaustive enumeration,
/// against each other, batched against alone, and hand-built cases of length normalisation, maximum length and stopping.</summary>
public class SearchTests
{
    private const int Vocabulary = 6;   // PAD BOS EOS UNK and the symbols 4, 5
    private const int Four = SpecialTokens.Count, Five = SpecialTokens.Count + 1;

    /// <summary>A sequence as text, every field exact, so lists of them compare with readable failures.</summary>
    private static string Describe(DecodedSequence sequence) =>
        $"[{string.Join(' ', sequence.Tokens)}]{(sequence.Finished ? " EOS" : " ...")} log p {sequence.LogProbability:R} score {sequence.Score:R}";

    private static string[] Describe(IEnumerable<DecodedSequence> sequences) => sequences.Select(Describe).ToArray();

    private static HashedDecoder Hashed(int[] keys, ulong seed, int width, int maxLength, Func<int, double>? endBias = null, bool ignoreReorder = false) =>
        new(Vocabulary, keys, seed, maxRows: keys.Length * width, maxTokens: maxLength, endBias) { IgnoreReorder = ignoreReorder };

    private static TableDecoder Table(Dictionary<string, double[]> table, int width, int maxLength) =>
        new(Vocabulary, table, maxRows: width, maxTokens: maxLength);

    /// <summary>Probabilities over the 6 tokens with EOS, 4 and 5 given (PAD, BOS and UNK impossible).</summary>
    private static double[] P(double end, double four, double five) => [0, 0, end, 0, four, five];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void A_beam_of_width_one_is_greedy_decoding(double lengthPenalty)
    {
        for (ulong seed = 0; seed < 60; seed++)
        {
            int[] keys = [(int)seed, (int)seed + 100, (int)seed + 200];
            int maxLength = 1 + (int)(seed % 7);
            Func<int, double> endBias = key => key % 5 - 3.0;
            DecodedSequence[] greedy = GreedySearch.Decode(Hashed(keys, seed, 1, maxLength, endBias), maxLength);
            DecodedSequence[][] beam = BeamSearch.Decode(Hashed(keys, seed, 1, maxLength, endBias), new BeamOptions { Width = 1, MaxLength = maxLength, LengthPenalty = lengthPenalty });

            for (int s = 0; s < keys.Length; s++)
            {
                DecodedSequence only = Assert.Single(beam[s]);
                Assert.Equal(Describe(greedy[s] with { Score = 0 }), Describe(only with { Score = 0 }));
                int length = only.Tokens.Length + (only.Finished ? 1 : 0);
                Assert.Equal(only.LogProbability / Math.Pow(length, lengthPenalty), only.Score);
            }
        }
    }

    [Theory]
    [InlineData(0.0, 1UL)]
    [InlineData(0.0, 2UL)]
    [InlineData(1.0, 3UL)]
    [InlineData(1.0, 4UL)]
    [InlineData(0.7, 5UL)]
    public void A_beam_wider_than_every_hypothesis_returns_every_sequence_in_exhaustive_order(double lengthPenalty, ulong seed)
    {
        const int maxLength = 4, width = 512;   // 3 continuations a timestep: 121 finished + 81 unfinished sequences
        int[] keys = [7, 8];
        HashedDecoder decoder = Hashed(keys, seed, width, maxLength);

        DecodedSequence[][] beam = BeamSearch.Decode(decoder, new BeamOptions { Width = width, MaxLength = maxLength, LengthPenalty = lengthPenalty });

        for (int s = 0; s < keys.Length; s++)
        {
            List<DecodedSequence> all = Exhaustive.Enumerate(decoder, keys[s], maxLength, lengthPenalty);
            Assert.Equal(121 + 81, all.Count);
            Assert.Equal(Describe(all), Describe(beam[s]));
        }
        Assert.Equal(maxLength + 1, decoder.Steps);
    }

    [Fact]
    public void Negative_control_a_decoder_that_ignores_reorder_breaks_the_exhaustive_comparison()
    {
        const int maxLength = 4, width = 512;
        HashedDecoder decoder = Hashed([7], 1, width, maxLength, ignoreReorder: true);

        DecodedSequence[][] beam = BeamSearch.Decode(decoder, new BeamOptions { Width = width, MaxLength = maxLength, LengthPenalty = 0 });

        Assert.Equal(121 + 81, beam[0].Length);   // the search ran to the end: only the numbers are wrong
        Assert.NotEqual(Describe(Exhaustive.Enumerate(decoder, 7, maxLength, 0)), Describe(beam[0]));
    }

    [Fact]
    public void Length_normalisation_prefers_a_long_answer_that_raw_log_probability_ranks_below_a_short_one()
    {
        // "4 EOS": 0.6 · 0.9 = 0.54 (score α=1: ln 0.54 / 2 = -0.31); "5 5 5 EOS": 0.4 · 0.95³ = 0.34 (ln 0.34 / 4 = -0.27).
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0, 0.6, 0.4),
            ["4"] = P(0.9, 0.1, 0),
            ["5"] = P(0.05, 0, 0.95),
            ["5 5"] = P(0.05, 0, 0.95),
            ["5 5 5"] = P(0.95, 0, 0.05),
        };
        int[] shortAnswer = [Four], longAnswer = [Five, Five, Five];

        DecodedSequence raw = BeamSearch.Decode(Table(table, 4, 8), new BeamOptions { MaxLength = 8, LengthPenalty = 0 })[0][0];
        DecodedSequence normalised = BeamSearch.Decode(Table(table, 4, 8), new BeamOptions { MaxLength = 8, LengthPenalty = 1 })[0][0];

        double shortLogP = LogP(table, "", Four) + LogP(table, "4", SpecialTokens.End);
        double longLogP = LogP(table, "", Five) + LogP(table, "5", Five) + LogP(table, "5 5", Five) + LogP(table, "5 5 5", SpecialTokens.End);
        Assert.True(shortLogP > longLogP);
        Assert.Equal(Describe(new DecodedSequence(shortAnswer, shortLogP, shortLogP, true)), Describe(raw));
        Assert.Equal(Describe(new DecodedSequence(longAnswer, longLogP, longLogP / 4, true)), Describe(normalised));
    }

    [Fact]
    public void Length_normalisation_keeps_the_short_answer_when_the_long_one_is_much_less_likely()
    {
        // As above but "5 5 5 EOS" has 0.4 · 0.5³ = 0.05: per token (ln 0.05 / 4 = -0.75) still worse than "4 EOS" (-0.31).
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0, 0.6, 0.4),
            ["4"] = P(0.9, 0.1, 0),
            ["5"] = P(0.5, 0, 0.5),
            ["5 5"] = P(0.5, 0, 0.5),
            ["5 5 5"] = P(1, 0, 0),
        };

        DecodedSequence[] results = BeamSearch.Decode(Table(table, 4, 8), new BeamOptions { MaxLength = 8, LengthPenalty = 1 })[0];

        double shortLogP = LogP(table, "", Four) + LogP(table, "4", SpecialTokens.End);
        Assert.Equal(Describe(new DecodedSequence([Four], shortLogP, shortLogP / 2, true)), Describe(results[0]));
        Assert.Contains(results, r => r.Tokens.SequenceEqual([Five, Five, Five]) && r.Score < results[0].Score);
    }

    private static double LogP(Dictionary<string, double[]> table, string prefix, int token) => (float)Math.Log(table[prefix][token]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Reaching_the_maximum_length_returns_unfinished_sequences_scored_by_their_tokens(double lengthPenalty)
    {
        const int maxLength = 5, width = 3;
        Func<int, double> neverEnds = _ => -40;
        HashedDecoder greedyDecoder = Hashed([1, 2], 9, 1, maxLength, neverEnds), beamDecoder = Hashed([1, 2], 9, width, maxLength, neverEnds);

        DecodedSequence[] greedy = GreedySearch.Decode(greedyDecoder, maxLength);
        DecodedSequence[][] beam = BeamSearch.Decode(beamDecoder, new BeamOptions { Width = width, MaxLength = maxLength, LengthPenalty = lengthPenalty });

        Assert.All(greedy.Concat(beam.SelectMany(b => b)), sequence =>
        {
            Assert.False(sequence.Finished);
            Assert.Equal(maxLength, sequence.Tokens.Length);
        });
        Assert.All(beam.SelectMany(b => b), sequence => Assert.Equal(sequence.LogProbability / Math.Pow(maxLength, lengthPenalty), sequence.Score));
        Assert.All(greedy, sequence => Assert.Equal(sequence.LogProbability, sequence.Score));   // greedy: no length penalty
        Assert.All(beam, results => Assert.Equal(width, results.Length));
        Assert.Equal(maxLength + 1, greedyDecoder.Steps);   // the last step only to see that EOS does not come
        Assert.Equal(maxLength + 1, beamDecoder.Steps);
        // The tokens' log-probabilities, EOS's not added: replayed on the decoder's own function.
        DecodedSequence first = beam[0][0];
        double replayed = 0;
        for (int t = 0; t < maxLength; t++) replayed += beamDecoder.Next(1, first.Tokens[..t])[first.Tokens[t]];
        Assert.Equal(replayed, first.LogProbability);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Sources_decoded_together_get_what_each_gets_alone_through_the_same_rows(double lengthPenalty)
    {
        const int maxLength = 10, width = 3;
        int[] keys = [11, 12, 13, 14, 15, 16];
        Func<int, double> endBias = key => (key - 14) * 1.5;   // from ending at once to running to the maximum length
        BeamOptions options = new() { Width = width, MaxLength = maxLength, LengthPenalty = lengthPenalty };

        HashedDecoder beamTogether = Hashed(keys, 5, width, maxLength, endBias), greedyTogether = Hashed(keys, 5, 1, maxLength, endBias);
        DecodedSequence[][] beam = BeamSearch.Decode(beamTogether, options);
        DecodedSequence[] greedy = GreedySearch.Decode(greedyTogether, maxLength);

        int beamSteps = 0, beamRows = 0, greedySteps = 0, greedyRows = 0;
        for (int s = 0; s < keys.Length; s++)
        {
            HashedDecoder beamAlone = Hashed([keys[s]], 5, width, maxLength, endBias), greedyAlone = Hashed([keys[s]], 5, 1, maxLength, endBias);
            Assert.Equal(Describe(BeamSearch.Decode(beamAlone, options)[0]), Describe(beam[s]));
            Assert.Equal(Describe(GreedySearch.Decode(greedyAlone, maxLength)[0]), Describe(greedy[s]));
            (beamSteps, beamRows) = (Math.Max(beamSteps, beamAlone.Steps), beamRows + beamAlone.RowsStepped);
            (greedySteps, greedyRows) = (Math.Max(greedySteps, greedyAlone.Steps), greedyRows + greedyAlone.RowsStepped);
        }
        // One step per timestep for the whole batch, and no row a source alone would not step: a source that is done
        // leaves, no timestep runs twice.
        Assert.Equal(beamSteps, beamTogether.Steps);
        Assert.Equal(beamRows, beamTogether.RowsStepped);
        Assert.Equal(greedySteps, greedyTogether.Steps);
        Assert.Equal(greedyRows, greedyTogether.RowsStepped);
        Assert.Contains(beam, results => results[0].Finished && results[0].Tokens.Length < 3);   // the batch is mixed
        Assert.Contains(beam, results => !results[0].Finished);
    }

    [Fact]
    public void Greedy_takes_the_most_likely_token_until_eos_and_sums_their_log_probabilities()
    {
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0.2, 0.5, 0.3),
            ["4"] = P(0.4, 0, 0.6),
            ["4 5"] = P(0.7, 0.3, 0),
        };
        TableDecoder decoder = Table(table, 1, 8);

        DecodedSequence result = GreedySearch.Decode(decoder, 8)[0];

        double logP = LogP(table, "", Four) + LogP(table, "4", Five) + LogP(table, "4 5", SpecialTokens.End);
        Assert.Equal(Describe(new DecodedSequence([Four, Five], logP, logP, true)), Describe(result));
        Assert.Equal(3, decoder.Steps);
    }

    [Fact]
    public void Ties_go_to_the_lower_token_id_in_greedy_and_beam()
    {
        Dictionary<string, double[]> table = new() { [""] = P(0.2, 0.4, 0.4) };   // then "4" and "5" end for sure

        DecodedSequence greedy = GreedySearch.Decode(Table(table, 1, 4), 4)[0];
        DecodedSequence[] beam = BeamSearch.Decode(Table(table, 3, 4), new BeamOptions { Width = 3, MaxLength = 4, LengthPenalty = 0 })[0];

        Assert.Equal([Four], greedy.Tokens);
        Assert.Equal(["[4] EOS", "[5] EOS", "[] EOS"], beam.Select(r => Describe(r)[..Describe(r).IndexOf(" log", StringComparison.Ordinal)]));
    }

    [Fact]
    public void A_source_stops_once_k_finished_hypotheses_are_at_least_as_likely_as_every_live_one()
    {
        // Width 2. Timestep 1: EOS (0.5) finishes, "4" (0.3) and "5" (0.2) live. Timestep 2: "4 EOS" (0.18) finishes;
        // live "4 4" (0.12) and "5 4" (0.1) can only fall below 0.18, the second best finished: the source stops.
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0.5, 0.3, 0.2),
            ["4"] = P(0.6, 0.4, 0),
            ["5"] = P(0.5, 0.5, 0),
        };
        TableDecoder decoder = Table(table, 2, 8);

        DecodedSequence[] results = BeamSearch.Decode(decoder, new BeamOptions { Width = 2, MaxLength = 8, LengthPenalty = 0 })[0];

        Assert.Equal(2, decoder.Steps);
        Assert.Equal(Describe(Exhaustive.Enumerate(decoder, 0, 8, 0).Take(2)), Describe(results));
    }

    [Fact]
    public void An_eos_ranked_below_the_first_k_expansions_is_dropped_as_in_fairseq_and_hugging_face()
    {
        // Width 2, timestep 2 ranks "5 4" (0.30), "4 EOS" (0.25), "5 EOS" (0.20), "4 4" (0.15): "4 EOS" finishes, "5 EOS"
        // ranks third and is dropped although both live ones later end less likely ("5 4 5 EOS" 0.135, "4 4 5 EOS" 0.0675).
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0, 0.5, 0.5),
            ["4"] = P(0.5, 0.3, 0.2),
            ["5"] = P(0.4, 0.6, 0),
            ["5 4"] = P(0.1, 0, 0.9),
            ["4 4"] = P(0.1, 0, 0.9),
            ["5 4 5"] = P(0.5, 0.5, 0),
            ["4 4 5"] = P(0.5, 0.5, 0),
        };

        DecodedSequence[] results = BeamSearch.Decode(Table(table, 2, 8), new BeamOptions { Width = 2, MaxLength = 8, LengthPenalty = 0 })[0];

        Assert.Equal([[Four], [Five, Four, Five]], results.Select(r => r.Tokens));
        Assert.Equal([Five], Exhaustive.Enumerate(Table(table, 2, 8), 0, 8, 0)[1].Tokens);   // the dropped one was second best
    }

    [Fact]
    public void With_a_length_penalty_stopping_is_a_heuristic_that_can_miss_a_long_answer()
    {
        // Width 2: EOS (0.6) and "4 EOS" (0.15) finish by timestep 2, when the best live "4 4" (0.15) is no more likely, so
        // the source stops; "5 5 5 5 EOS" (0.1 · 0.99⁴, score ln 0.096 / 5 = -0.47) would beat "EOS" (ln 0.6 = -0.51).
        Dictionary<string, double[]> table = new()
        {
            [""] = P(0.6, 0.3, 0.1),
            ["4"] = P(0.5, 0.5, 0),
            ["5"] = P(0.01, 0, 0.99),
            ["5 5"] = P(0.01, 0, 0.99),
            ["5 5 5"] = P(0.01, 0, 0.99),
        };
        TableDecoder decoder = Table(table, 2, 8);

        DecodedSequence[] results = BeamSearch.Decode(decoder, new BeamOptions { Width = 2, MaxLength = 8, LengthPenalty = 1 })[0];

        Assert.Equal(2, decoder.Steps);
        Assert.Equal([[], [Four]], results.Select(r => r.Tokens));
        DecodedSequence best = Exhaustive.Enumerate(decoder, 0, 8, 1)[0];
        Assert.Equal([Five, Five, Five, Five], best.Tokens);
        Assert.True(best.Score > results[0].Score);
        Assert.Equal(Describe(best), Describe(BeamSearch.Decode(Table(table, 64, 8), new BeamOptions { Width = 64, MaxLength = 8 })[0][0]));
    }

    [Fact]
    public void Bad_options_name_the_option_before_any_step()
    {
        HashedDecoder decoder = Hashed([1], 1, 4, 8);

        Assert.Equal("Width", Assert.ThrowsAny<ArgumentException>(() => BeamSearch.Decode(decoder, new BeamOptions { Width = 0 })).ParamName);
        Assert.Equal("MaxLength", Assert.ThrowsAny<ArgumentException>(() => BeamSearch.Decode(decoder, new BeamOptions { MaxLength = 0 })).ParamName);
        Assert.Equal("LengthPenalty", Assert.ThrowsAny<ArgumentException>(() => BeamSearch.Decode(decoder, new BeamOptions { LengthPenalty = -1 })).ParamName);
        Assert.Equal("LengthPenalty", Assert.ThrowsAny<ArgumentException>(() => new BeamOptions { LengthPenalty = double.NaN }.Validate()).ParamName);
        Assert.Equal("maxLength", Assert.ThrowsAny<ArgumentException>(() => GreedySearch.Decode(decoder, 0)).ParamName);
        Assert.Equal(0, decoder.Steps);
    }

    [Fact]
    public void A_decoder_that_does_not_start_with_one_row_per_source_is_refused()
    {
        HashedDecoder decoder = Hashed([1, 2], 1, 4, 8);
        decoder.Reorder([0, 0]);

        Assert.Equal("decoder", Assert.Throws<ArgumentException>(() => GreedySearch.Decode(decoder, 8)).ParamName);
        Assert.Equal("decoder", Assert.Throws<ArgumentException>(() => BeamSearch.Decode(decoder, new BeamOptions())).ParamName);
    }
}

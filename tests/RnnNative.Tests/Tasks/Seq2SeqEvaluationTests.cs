using RnnNative.Datasets;
using RnnNative.Sampling;
using RnnNative.Tasks;

namespace RnnNative.Tests.Tasks;

public class Seq2SeqEvaluationTests
{
    [Fact]
    public void Exact_match_and_token_accuracy_count_the_end_token_as_a_position()
    {
        // Targets [5 6 7], [5], [6 6]: 3 + 1, 1 + 1 and 2 + 1 positions with the end token, 9 in all.
        PairSet pairs = PairSet.FromTokens([[4], [4], [4]], [[5, 6, 7], [5], [6, 6]]);
        DecodedSequence[] decoded =
        [
            Decoded([5, 6, 7], finished: true),    // 4 of 4 positions: exact
            Decoded([5, 5], finished: true),       // [5 5 </s>] against [5 </s>]: position 0 right, 1 wrong: 1 of 2
            Decoded([6, 6], finished: false),      // the target's tokens but no end (cut at the maximum length): 2 of 3, not exact
        ];

        Seq2SeqEvaluation evaluation = Seq2SeqEvaluation.Of(0.25, pairs, decoded);

        Assert.Equal(1 / 3.0, evaluation.ExactMatch, 12);
        Assert.Equal(7 / 9.0, evaluation.TokenAccuracy, 12);
        Assert.Equal(3, evaluation.Count);
        Assert.Equal(0.25, evaluation.Loss);
        Assert.Equal("loss 0.2500  exact match 33.33%  token accuracy 77.78%  (3 pairs)", evaluation.ToString());
    }

    [Fact]
    public void A_decoded_sequence_longer_than_its_target_scores_only_the_targets_positions()
    {
        // Target [5] (2 positions) decoded as [5 6 7 </s>]: position 0 right, position 1 (the end) wrong.
        PairSet pairs = PairSet.FromTokens([[4]], [[5]]);
        Seq2SeqEvaluation evaluation = Seq2SeqEvaluation.Of(0, pairs, [Decoded([5, 6, 7], finished: true)]);
        Assert.Equal(0, evaluation.ExactMatch);
        Assert.Equal(0.5, evaluation.TokenAccuracy, 12);
        // An empty decoded sequence that ended at once has only the end token, at position 0.
        Assert.Equal(0, Seq2SeqEvaluation.Of(0, pairs, [Decoded([], finished: true)]).TokenAccuracy);
        Assert.Throws<ArgumentException>(() => Seq2SeqEvaluation.Of(0, pairs, []));
    }

    private static DecodedSequence Decoded(int[] tokens, bool finished) => DecodedSequence.Scored(tokens, -1, finished, lengthPenalty: 0);
}

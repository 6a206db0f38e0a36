using RnnNative.Metrics;

namespace RnnNative.Tests.Metrics;

public class ClassificationMetricsTests
{
    private const int Cat = 0, Dog = 1, Bird = 2;

    /// <summary>
    /// 14 examples; [gold, predicted] counts, by hand:
    ///          cat dog bird | gold
    ///   cat     4   1   0   |  5
    ///   dog     2   3   1   |  6
    ///   bird    0   1   2   |  3
    ///   predicted 6 5   3
    /// </summary>
    private static readonly int[] Gold = [Cat, Dog, Bird, Cat, Dog, Cat, Dog, Bird, Cat, Dog, Cat, Dog, Bird, Dog];
    private static readonly int[] Predicted = [Cat, Cat, Bird, Dog, Dog, Cat, Bird, Dog, Cat, Cat, Cat, Dog, Bird, Dog];

    [Fact]
    public void A_three_class_matrix_counts_gold_against_predicted()
    {
        ConfusionMatrix matrix = Matrix(["cat", "dog", "bird"]);

        Assert.Equal(new long[,] { { 4, 1, 0 }, { 2, 3, 1 }, { 0, 1, 2 } }, matrix.ToArray());
        Assert.Equal(14, matrix.Total);
        Assert.Equal((5L, 6L, 3L), (matrix.GoldCount(Cat), matrix.GoldCount(Dog), matrix.GoldCount(Bird)));
        Assert.Equal((6L, 5L, 3L), (matrix.PredictedCount(Cat), matrix.PredictedCount(Dog), matrix.PredictedCount(Bird)));
    }

    [Fact]
    public void Accuracy_per_class_scores_and_macro_F1_match_the_hand_computed_values()
    {
        ClassificationMetrics metrics = Matrix(["cat", "dog", "bird"]).Result();

        Assert.Equal(9.0 / 14, metrics.Accuracy, 1e-12);   // diagonal 4 + 3 + 2
        Assert.Equal([new("cat", 5, 6, 4), new("dog", 6, 5, 3), new("bird", 3, 3, 2)], metrics.Classes);
        AssertScores(metrics.Classes[Cat], 4.0 / 6, 4.0 / 5, 8.0 / 11);
        AssertScores(metrics.Classes[Dog], 3.0 / 5, 3.0 / 6, 6.0 / 11);
        AssertScores(metrics.Classes[Bird], 2.0 / 3, 2.0 / 3, 2.0 / 3);
        Assert.Equal(64.0 / 99, metrics.MacroF1, 1e-12);   // (8/11 + 6/11 + 2/3) / 3
        Assert.Equal("accuracy 0.6429  macro F1 0.6465", metrics.ToString());
    }

    [Fact]
    public void A_class_in_neither_gold_nor_predictions_is_left_out_of_macro_F1_but_one_on_a_single_side_counts()
    {
        ClassificationMetrics withAbsentFish = Matrix(["cat", "dog", "bird", "fish"]).Result();

        Assert.Equal(new LabelScore("fish", 0, 0, 0), withAbsentFish.Classes[3]);
        Assert.False(withAbsentFish.Classes[3].Occurs);
        Assert.Equal(0.0, withAbsentFish.Classes[3].F1);
        Assert.Equal(64.0 / 99, withAbsentFish.MacroF1, 1e-12);   // as without fish, not (64/33 + 0) / 4

        // Class 2 predicted once, never gold: F1 0, and it counts. cat P 1 R 1/2 F1 2/3; dog F1 1.
        ConfusionMatrix oneSided = new(["cat", "dog", "fish"]);
        oneSided.Add([Cat, Cat, Dog], [Cat, 2, Dog]);
        Assert.Equal((2.0 / 3 + 1 + 0) / 3, oneSided.Result().MacroF1, 1e-12);
    }

    [Fact]
    public void Nothing_counted_scores_zero_and_bad_ids_are_refused()
    {
        ConfusionMatrix matrix = new(["a", "b"]);

        Assert.Equal((0.0, 0.0), (matrix.Result().Accuracy, matrix.Result().MacroF1));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(0, -1));
        Assert.Throws<ArgumentException>(() => matrix.Add([0, 1], [0]));
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix([]));
        Assert.Equal(0, matrix.Total);
    }

    [Fact]
    public void The_text_table_puts_gold_down_and_predicted_across()
    {
        ConfusionMatrix matrix = Matrix(["cat", "dog", "bird"]);
        for (int i = 0; i < 7; i++) matrix.Add(Dog, Dog);   // 10 in one cell: count columns at least 2 wide

        Assert.Equal(
            "gold \\ predicted  cat  dog  bird\n" +
            "             cat    4    1     0\n" +
            "             dog    2   10     1\n" +
            "            bird    0    1     2\n",
            matrix.ToTable());
    }

    [Fact]
    public void The_per_class_table_lists_every_class_with_its_scores()
    {
        string[] lines = LabelScore.Table(Matrix(["cat", "dog", "bird"]).Result().Classes).Split('\n');

        Assert.Equal(" cat  precision 0.6667  recall 0.8000  F1 0.7273  gold 5  predicted 6  correct 4", lines[0]);
        Assert.Equal("bird  precision 0.6667  recall 0.6667  F1 0.6667  gold 3  predicted 3  correct 2", lines[2]);
    }

    private static ConfusionMatrix Matrix(string[] classes)
    {
        ConfusionMatrix matrix = new(classes);
        matrix.Add(Gold, Predicted);
        return matrix;
    }

    private static void AssertScores(LabelScore score, double precision, double recall, double f1)
    {
        Assert.Equal(precision, score.Precision, 1e-12);
        Assert.Equal(recall, score.Recall, 1e-12);
        Assert.Equal(f1, score.F1, 1e-12);
    }
}

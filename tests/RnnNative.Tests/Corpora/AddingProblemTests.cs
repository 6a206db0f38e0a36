using RnnNative.Corpora;

namespace RnnNative.Tests.Corpora;

public class AddingProblemTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(7)]    // odd: the first half is t < 3, the second t >= 3
    [InlineData(2)]    // one timestep per half
    public void Each_sequence_has_one_marker_per_half_and_its_target_is_the_sum_of_the_marked_values(int timesteps)
    {
        AddingProblem problem = AddingProblem.Generate(3000, timesteps, seed: 5);

        Assert.Equal(3000 * timesteps * 2, problem.Inputs.Length);
        Assert.Equal(3000, problem.Targets.Length);
        int half = timesteps / 2;
        HashSet<int> firsts = [], seconds = [];
        for (int n = 0; n < problem.Sequences; n++)
        {
            List<int> marked = [];
            for (int t = 0; t < timesteps; t++)
            {
                float value = problem.Inputs[(n * timesteps + t) * 2], marker = problem.Inputs[(n * timesteps + t) * 2 + 1];
                Assert.InRange(value, 0f, 0.99999995f);
                Assert.True(marker is 0f or 1f, $"marker {marker}");
                if (marker == 1f)
                {
                    marked.Add(t);
                }
            }
            Assert.Equal(2, marked.Count);
            Assert.InRange(marked[0], 0, half - 1);
            Assert.InRange(marked[1], half, timesteps - 1);
            firsts.Add(marked[0]);
            seconds.Add(marked[1]);
            Assert.Equal(problem.Inputs[(n * timesteps + marked[0]) * 2] + problem.Inputs[(n * timesteps + marked[1]) * 2], problem.Targets[n]);
        }
        // The markers fall anywhere in their halves.
        Assert.Equal(half, firsts.Count);
        Assert.Equal(timesteps - half, seconds.Count);
    }

    [Fact]
    public void Predicting_the_mean_gives_an_mse_of_one_sixth()
    {
        AddingProblem problem = AddingProblem.Generate(20000, 10, seed: 11);

        double mse = problem.Targets.Average(y => (y - 1.0) * (y - 1.0));

        // Var(x1 + x2) = 1/6 for two U[0, 1]; the standard error of this mean is ~0.0014.
        Assert.InRange(mse, AddingProblem.MeanPredictorMse - 0.01, AddingProblem.MeanPredictorMse + 0.01);
        Assert.Equal(1.0, problem.Targets.Average(y => (double)y), 0.01);
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequences_and_another_seed_others()
    {
        AddingProblem a = AddingProblem.Generate(50, 20, seed: 3), b = AddingProblem.Generate(50, 20, seed: 3);
        AddingProblem c = AddingProblem.Generate(50, 20, seed: 4);

        Assert.Equal(a.Inputs, b.Inputs);
        Assert.Equal(a.Targets, b.Targets);
        Assert.NotEqual(a.Inputs, c.Inputs);
        Assert.NotEqual(a.Targets, c.Targets);
        Assert.Equal((50, 20), (a.Sequences, a.Timesteps));
    }

    [Fact]
    public void A_sequence_needs_a_timestep_in_each_half()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AddingProblem.Generate(10, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddingProblem.Generate(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => AddingProblem.Generate(int.MaxValue, 2));
    }
}

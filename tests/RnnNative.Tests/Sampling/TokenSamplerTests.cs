using RnnNative.Randomness;
using RnnNative.Sampling;

namespace RnnNative.Tests.Sampling;

public class TokenSamplerTests
{
    private static readonly float[] s_logits = [0.5f, 2.0f, -1.0f, 1.5f, 0.0f, 3.0f, -2.0f, 1.0f];

    private static int[] Draw(SamplingOptions options, ulong seed, int count)
    {
        TokenSampler sampler = new(s_logits.Length, options);
        SeededRandom random = new(seed);
        return Enumerable.Range(0, count).Select(_ => sampler.Next(s_logits, random)).ToArray();
    }

    [Fact]
    public void Greedy_takes_the_argmax_and_a_tiny_temperature_agrees()
    {
        Assert.All(Draw(new SamplingOptions(Temperature: 0f), 1, 50), t => Assert.Equal(5, t));
        Assert.All(Draw(new SamplingOptions(Temperature: 1e-3f), 1, 500), t => Assert.Equal(5, t));
    }

    [Fact]
    public void A_fixed_seed_reproduces_and_another_seed_differs()
    {
        Assert.Equal(Draw(new SamplingOptions(), 42, 200), Draw(new SamplingOptions(), 42, 200));
        Assert.NotEqual(Draw(new SamplingOptions(), 42, 200), Draw(new SamplingOptions(), 43, 200));
    }

    [Fact]
    public void Top_k_never_leaves_the_k_most_likely()
    {
        int[] draws = Draw(new SamplingOptions(Temperature: 2f, TopK: 3), 7, 5000);
        Assert.All(draws, t => Assert.Contains(t, new[] { 5, 1, 3 }));
        Assert.Equal(3, draws.Distinct().Count());
    }

    [Fact]
    public void Top_p_keeps_the_smallest_nucleus_reaching_p()
    {
        // softmax of s_logits: token 5 ≈ 0.54, 1 ≈ 0.20, 3 ≈ 0.12: the first two reach 0.7, the third 0.86.
        int[] draws = Draw(new SamplingOptions(TopP: 0.7f), 9, 5000);
        Assert.Equal(new[] { 1, 5 }, draws.Distinct().Order().ToArray());
        int[] wider = Draw(new SamplingOptions(TopP: 0.8f), 9, 5000);
        Assert.Equal(new[] { 1, 3, 5 }, wider.Distinct().Order().ToArray());
    }

    [Fact]
    public void Frequencies_follow_the_softmax()
    {
        const int count = 200_000;
        int[] histogram = new int[s_logits.Length];
        foreach (int t in Draw(new SamplingOptions(), 3, count)) histogram[t]++;
        double max = s_logits.Max(), sum = s_logits.Sum(z => Math.Exp(z - max));
        for (int i = 0; i < s_logits.Length; i++)
        {
            double p = Math.Exp(s_logits[i] - max) / sum, sigma = Math.Sqrt(p * (1 - p) / count);
            Assert.True(Math.Abs(histogram[i] / (double)count - p) < 5 * sigma + 1e-4, $"token {i}: {histogram[i] / (double)count} vs {p}");
        }
    }

    [Fact]
    public void Bad_options_name_the_field()
    {
        Assert.Equal("Temperature", Assert.ThrowsAny<ArgumentException>(() => new SamplingOptions(Temperature: -1f).Validate()).ParamName);
        Assert.Equal("TopP", Assert.ThrowsAny<ArgumentException>(() => new SamplingOptions(TopP: 0f).Validate()).ParamName);
        Assert.Equal("TopK", Assert.ThrowsAny<ArgumentException>(() => new SamplingOptions(TopK: -1).Validate()).ParamName);
    }
}

public class SeededRandomTests
{
    [Fact]
    public void State_round_trip_continues_the_same_sequence()
    {
        SeededRandom a = new(5);
        for (int i = 0; i < 10; i++) a.NextUInt64();
        SeededRandom b = new(99);
        b.SetState(a.GetState());
        Assert.Equal(Enumerable.Range(0, 20).Select(_ => a.NextUInt64()), Enumerable.Range(0, 20).Select(_ => b.NextUInt64()));
    }

    [Fact]
    public void Integers_are_uniform_and_in_range()
    {
        SeededRandom random = new(1);
        int[] histogram = new int[7];
        for (int i = 0; i < 70_000; i++) histogram[random.NextInt(7)]++;
        Assert.All(histogram, h => Assert.InRange(h, 9_500, 10_500));
    }

    [Fact]
    public void Doubles_are_in_the_unit_interval()
    {
        SeededRandom random = new(2);
        Assert.All(Enumerable.Range(0, 10_000).Select(_ => random.NextDouble()), d => Assert.InRange(d, 0.0, 0.9999999999));
    }
}

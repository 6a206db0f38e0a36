using RnnNative.Data;

namespace RnnNative.Tests.Data;

public class ValidationPassTests
{
    [Theory]
    [InlineData(100, 4, 7)]
    [InlineData(101, 4, 5)]
    [InlineData(6, 4, 3)]
    [InlineData(50, 1, 10)]
    [InlineData(2, 3, 4)]
    [InlineData(1, 2, 4)]
    [InlineData(0, 2, 4)]
    public void Every_token_after_the_first_is_predicted_exactly_once_from_its_predecessor(int length, int batchSize, int steps)
    {
        TokenSequence tokens = TokenSequence.FromIds([.. Enumerable.Range(0, length)], Math.Max(length, 1));
        ValidationPass pass = new(tokens, batchSize, steps);
        int[] inputs = new int[steps * batchSize];
        int[] targets = new int[steps * batchSize];
        List<int> predicted = [];
        long windows = 0;
        int lastSteps = 0;
        while (pass.Next(inputs, targets, out int windowSteps))
        {
            Assert.InRange(windowSteps, 1, steps);
            Assert.True(windowSteps == steps || windows == pass.WindowCount - 1, "only the last window may be shorter");
            for (int i = 0; i < windowSteps * batchSize; i++)
            {
                if (targets[i] != ValidationPass.IgnoreTarget)
                {
                    Assert.Equal(targets[i] - 1, inputs[i]);
                    predicted.Add(targets[i]);
                }
            }
            windows++;
            lastSteps = windowSteps;
        }
        Assert.Equal(pass.WindowCount, windows);
        Assert.Equal(Enumerable.Range(1, Math.Max(0, length - 1)), predicted.Order());
        Assert.Equal(Math.Max(0, length - 1), pass.PairCount);
        Assert.False(pass.Next(inputs, targets, out _));
        pass.Reset();
        Assert.Equal(length > 1, pass.Next(inputs, targets, out _));
    }

    [Fact]
    public void Streams_are_contiguous_and_the_last_window_is_shorter()
    {
        // 23 pairs over 2 streams: S = 12 pairs each (the second has 11), windows of 5: 5, 5, 2 steps.
        TokenSequence tokens = TokenSequence.FromIds([.. Enumerable.Range(0, 24)], 24);
        ValidationPass pass = new(tokens, 2, 5);
        int[] inputs = new int[10];
        int[] targets = new int[10];
        List<int> steps = [];
        List<int>[] streams = [[], []];
        while (pass.Next(inputs, targets, out int windowSteps))
        {
            steps.Add(windowSteps);
            for (int t = 0; t < windowSteps; t++)
            {
                for (int b = 0; b < 2; b++)
                {
                    streams[b].Add(targets[t * 2 + b]);
                }
            }
        }
        Assert.Equal([5, 5, 2], steps);
        Assert.Equal(Enumerable.Range(1, 12), streams[0]);
        Assert.Equal([.. Enumerable.Range(13, 11), ValidationPass.IgnoreTarget], streams[1]);
    }
}

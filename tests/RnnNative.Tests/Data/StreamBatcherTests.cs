using RnnNative.Data;

namespace RnnNative.Tests.Data;

public class StreamBatcherTests
{
    /// <summary>Token i has id i, so every id read says where it came from.</summary>
    private static TokenSequence Positions(int length) => TokenSequence.FromIds([.. Enumerable.Range(0, length)], length);

    [Theory]
    [InlineData(1000, 4, 7)]
    [InlineData(1003, 3, 10)]
    [InlineData(64, 1, 63)]
    [InlineData(17, 2, 7)]
    public void Streams_are_contiguous_slices_walked_in_tiling_windows_with_next_token_targets(int length, int batchSize, int steps)
    {
        StreamBatcher batcher = new(Positions(length), batchSize, steps);
        long streamLength = length / batchSize;
        Assert.Equal(streamLength, batcher.StreamLength);
        Assert.Equal((streamLength - 1) / steps, batcher.WindowsPerEpoch);
        int[] inputs = new int[steps * batchSize];
        int[] targets = new int[steps * batchSize];
        List<int>[] streams = [.. Enumerable.Range(0, batchSize).Select(_ => new List<int>())];
        int windows = 0;
        while (batcher.NextWindow(inputs, targets))
        {
            for (int t = 0; t < steps; t++)
            {
                for (int b = 0; b < batchSize; b++)
                {
                    Assert.Equal(inputs[t * batchSize + b] + 1, targets[t * batchSize + b]);
                    streams[b].Add(inputs[t * batchSize + b]);
                }
            }
            windows++;
        }
        Assert.Equal(batcher.WindowsPerEpoch, windows);
        for (int b = 0; b < batchSize; b++)
        {
            // Windows tile stream b: its inputs are exactly b*S, b*S+1, ... without gap or overlap.
            Assert.Equal(Enumerable.Range((int)(b * streamLength), windows * steps), streams[b]);
            Assert.True(streams[b][^1] + 1 < (b + 1) * streamLength, "a target left its stream");
        }
    }

    [Fact]
    public void End_of_epoch_returns_false_once_then_starts_the_next_epoch_from_the_beginning()
    {
        StreamBatcher batcher = new(Positions(100), 2, 10);
        int[] inputs = new int[20];
        int[] targets = new int[20];
        for (int w = 0; w < 4; w++)
        {
            Assert.True(batcher.NextWindow(inputs, targets));
        }
        Assert.Equal(new BatcherPosition(0, 4), batcher.Position);
        Assert.False(batcher.NextWindow(inputs, targets));
        Assert.Equal(new BatcherPosition(1, 0), batcher.Position);
        Assert.True(batcher.NextWindow(inputs, targets));
        Assert.Equal([0, 50, 1, 51], inputs[..4]);
    }

    [Fact]
    public void Restoring_a_saved_position_gives_the_same_next_windows()
    {
        TokenSequence tokens = Positions(500);
        StreamBatcher original = new(tokens, 3, 8);
        int[] inputs = new int[24];
        int[] targets = new int[24];
        for (int i = 0; i < 27; i++)
        {
            original.NextWindow(inputs, targets);
        }
        BatcherPosition saved = original.Position;
        Assert.Equal(1, saved.Epoch);
        StreamBatcher resumed = new(tokens, 3, 8) { Position = saved };
        int[] resumedInputs = new int[24];
        int[] resumedTargets = new int[24];
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(original.NextWindow(inputs, targets), resumed.NextWindow(resumedInputs, resumedTargets));
            Assert.Equal(inputs, resumedInputs);
            Assert.Equal(targets, resumedTargets);
            Assert.Equal(original.Position, resumed.Position);
        }
    }

    [Fact]
    public void Invalid_shapes_and_positions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new StreamBatcher(Positions(21), 2, 10));
        StreamBatcher batcher = new(Positions(22), 2, 10);
        Assert.Equal(1, batcher.WindowsPerEpoch);
        Assert.Throws<ArgumentException>(() => batcher.NextWindow(new int[19], new int[20]));
        Assert.Throws<ArgumentOutOfRangeException>(() => batcher.Position = new BatcherPosition(0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => batcher.Position = new BatcherPosition(-1, 0));
    }
}

using RnnNative.Cells;
using RnnNative.Kernels;

namespace RnnNative.Tests.Cells;

/// <summary>End to end: forward, BPTT and Adam together drive a small stack to memorize a short
/// sequence. Wrong gradients anywhere stall this well above the threshold.</summary>
public class OverfitTests
{
    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Elman)]
    [InlineData(CellType.Gru)]
    public void A_small_stack_memorizes_a_short_sequence(CellType cell)
    {
        const int steps = 8, batch = 2, input = 3, hidden = 12;
        KernelSet kernels = KernelSet.Active;
        RecurrentStack stack = new(new RecurrentConfig(cell, input, hidden, Layers: 2), kernels);
        stack.Initialize(new Random(1));
        float[] x = RecurrentStackTests.RandomArray(new Random(2), steps * batch * input);
        // Targets inside (-1, 1) so tanh outputs can reach them: a different smooth curve per unit.
        float[] target = new float[steps * batch * hidden];
        for (int i = 0; i < target.Length; i++)
        {
            target[i] = 0.7f * MathF.Sin(0.37f * i);
        }
        float[] m = new float[stack.Parameters.Length], v = new float[stack.Parameters.Length];
        float[] dOutput = new float[target.Length];

        double Step(int t)
        {
            stack.Forward(x, steps, batch, [], [], [], [], []);
            ReadOnlySpan<float> output = stack.Output;
            double loss = 0;
            for (int i = 0; i < target.Length; i++)
            {
                dOutput[i] = output[i] - target[i];
                loss += 0.5 * dOutput[i] * dOutput[i];
            }
            stack.ZeroGradients();
            stack.Backward(dOutput, [], [], [], [], []);
            kernels.AdamUpdate(stack.Parameters, stack.Gradients, m, v, 0.02f, 0.9f, 0.999f, 1e-8f, 1 - MathF.Pow(0.9f, t), 1 - MathF.Pow(0.999f, t), 0f, false);
            return loss;
        }

        double initial = Step(1), final = initial;
        for (int t = 2; t <= 600; t++)
        {
            final = Step(t);
        }
        Assert.True(initial > 10, $"initial loss {initial}");
        Assert.True(final < 1e-2, $"loss fell only from {initial} to {final}");
    }
}

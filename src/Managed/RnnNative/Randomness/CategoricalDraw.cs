using RnnNative.Kernels;

namespace RnnNative.Randomness;

/// <summary>One draw from a categorical distribution given by probabilities or by logits and a temperature.</summary>
public static class CategoricalDraw
{
    /// <summary>
    /// The index drawn from <c>softmax(z / temperature)</c> of <paramref name="logits"/> z, overwritten with those
    /// probabilities; temperature 0 takes the first largest logit without drawing.
    /// </summary>
    public static int FromLogits(KernelSet kernels, Span<float> logits, float temperature, SeededRandom random)
    {
        if (temperature == 0f) return ArgMax(logits);
        DivideByTemperature(kernels, temperature, logits);
        kernels.Softmax(logits, logits);
        return Draw(logits, random.NextDouble());
    }

    /// <summary><paramref name="logits"/> z / <paramref name="temperature"/> (&gt; 0) in place, as z · (1 / T). At T = 1 that is
    /// z · 1 = z to the bit, so the pass is skipped: at small models it was a twentieth of a sampled token.</summary>
    internal static void DivideByTemperature(KernelSet kernels, float temperature, Span<float> logits)
    {
        if (temperature != 1f) kernels.Scale(1f / temperature, logits);
    }

    /// <summary>The index whose cumulative probability first exceeds <paramref name="uniform"/> times the total of
    /// <paramref name="p"/> (summed in double), skipping zeros; the last non-zero one when rounding leaves the target uncovered.</summary>
    public static int Draw(ReadOnlySpan<float> p, double uniform)
    {
        double total = 0;
        foreach (float value in p) total += value;
        double target = uniform * total, cumulative = 0;
        int last = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] <= 0f) continue;
            cumulative += p[i];
            last = i;
            if (target < cumulative) return i;
        }
        return last;
    }

    /// <summary>The first index of the largest value.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }
        return best;
    }
}

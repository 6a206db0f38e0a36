using Xunit.Abstractions;

namespace RnnNative.Tests.PyTorch;

/// <summary>One tensor of ours against PyTorch's, element by element.</summary>
internal static class TorchComparison
{
    /// <summary>Every |ours - theirs| / max(1, |theirs|) within <paramref name="tolerance"/>; the worst is written to
    /// <paramref name="output"/>, so a run shows how close each tensor came.</summary>
    public static void AssertClose(ITestOutputHelper output, string name, string tensor, float[] values, float[] expected, double tolerance)
    {
        Assert.Equal(expected.Length, values.Length);
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double scaled = Math.Abs((double)values[i] - expected[i]) / Math.Max(1, Math.Abs((double)expected[i]));
            Assert.True(scaled <= tolerance, $"{name} {tensor}[{i}]: {values[i]:R} here, {expected[i]:R} in PyTorch.");
            worst = Math.Max(worst, scaled);
        }
        output.WriteLine($"{name} {tensor}: worst scaled difference {worst:E2}");
    }
}

using RnnNative.Model;

namespace RnnNative.Tests.Support;

/// <summary>Central differences of a double-precision reference loss against a model's gradients, element by element.</summary>
internal static class BlockGradientCheck
{
    /// <summary>For every element of <paramref name="blocks"/> (a model's <paramref name="modelBlocks"/> in double, read by
    /// <paramref name="loss"/>): (loss(+ε) - loss(-ε)) / 2ε within 1e-5 + 1e-4·|expected| of the model's gradient.</summary>
    public static void AssertMatches(IReadOnlyList<ParameterBlock> modelBlocks, double[][] blocks, Func<double> loss) =>
        AssertMatches(blocks, loss, b => modelBlocks[b].Name, (b, i) => modelBlocks[b].Gradients[i]);

    /// <summary>The same check for any layer: block b is named <paramref name="name"/>(b), and element i of it has
    /// the gradient <paramref name="gradient"/>(b, i).</summary>
    public static void AssertMatches(double[][] blocks, Func<double> loss, Func<int, string> name, Func<int, int, double> gradient)
    {
        const double epsilon = 1e-6;
        for (int b = 0; b < blocks.Length; b++)
        {
            for (int i = 0; i < blocks[b].Length; i++)
            {
                double saved = blocks[b][i];
                blocks[b][i] = saved + epsilon;
                double plus = loss();
                blocks[b][i] = saved - epsilon;
                double minus = loss();
                blocks[b][i] = saved;
                double expected = (plus - minus) / (2 * epsilon), actual = gradient(b, i);
                Assert.True(Math.Abs(expected - actual) <= 1e-5 + 1e-4 * Math.Abs(expected), $"{name(b)}[{i}]: expected {expected:G9}, got {actual:G9}");
            }
        }
    }
}

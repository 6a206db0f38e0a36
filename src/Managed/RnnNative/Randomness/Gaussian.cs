namespace RnnNative.Randomness;

/// <summary>Standard normal draws from a <see cref="Random"/>, the one formula every initialization uses
/// (a change would change the weights every seed gives).</summary>
internal static class Gaussian
{
    /// <summary>One draw of N(0, 1) by Box-Muller: two uniforms u1 in (0, 1], u2 in [0, 1) give
    /// sqrt(-2 ln u1) · cos(2π u2) (its sine twin is not used).</summary>
    public static double Next(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

using RnnNative.Kernels;
using RnnNative.Tests.Support;
using Xunit.Abstractions;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Enforces the error bounds documented in VectorMath against the double-precision functions,
/// per path, over a dense sweep of [-20, 20] (2M points) plus log-spaced magnitudes down to 1e-30
/// (where tanh's relative accuracy matters). Keep these constants equal to the comments there.
/// </summary>
public class VectorMathAccuracyTests(ITestOutputHelper output)
{
    private const double ExpMaxRelativeError = 1.19e-7;
    private const double SigmoidMaxAbsoluteError = 9.0e-8;
    private const double SigmoidMaxRelativeError = 1.9e-7;
    private const double TanhMaxAbsoluteError = 4.0e-7;
    private const double TanhMaxRelativeError = 4.0e-7;

    private static readonly float[] s_sweep = BuildSweep(-20f, 20f);

    private static float[] BuildSweep(float low, float high)
    {
        const int Linear = 2_000_000;
        List<float> points = new(Linear + 2000);
        for (int k = 0; k < Linear; k++)
        {
            points.Add((float)(low + (high - low) * k / (Linear - 1)));
        }
        for (int k = 0; k < 1000; k++)
        {
            float magnitude = (float)Math.Pow(10, -30 + 31.3 * k / 999);   // 1e-30 .. 20
            if (magnitude <= high)
            {
                points.Add(magnitude);
                points.Add(-magnitude);
            }
        }
        return [.. points];
    }

    private (double Absolute, double Relative) MaxErrors(float[] x, float[] y, Func<double, double> reference, string name, KernelPath path)
    {
        double maxAbsolute = 0, maxRelative = 0, worstAbsoluteAt = 0, worstRelativeAt = 0;
        for (int k = 0; k < x.Length; k++)
        {
            double expected = reference(x[k]);
            double error = Math.Abs(y[k] - expected);
            if (double.IsNaN(y[k]))
            {
                Assert.Fail($"{name}({x[k]}) is NaN");
            }
            if (error > maxAbsolute)
            {
                (maxAbsolute, worstAbsoluteAt) = (error, x[k]);
            }
            if (expected != 0 && error / Math.Abs(expected) > maxRelative)
            {
                (maxRelative, worstRelativeAt) = (error / Math.Abs(expected), x[k]);
            }
        }
        output.WriteLine($"{KernelPaths.Name(path)} {name}: max abs {maxAbsolute:E3} at {worstAbsoluteAt}, max rel {maxRelative:E3} at {worstRelativeAt}");
        return (maxAbsolute, maxRelative);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Sigmoid_error_is_within_documented_bound(KernelPath path)
    {
        float[] y = new float[s_sweep.Length];
        KernelSet.For(path).Sigmoid(s_sweep, y);
        (double absolute, double relative) = MaxErrors(s_sweep, y, x => 1 / (1 + Math.Exp(-x)), "sigmoid", path);
        Assert.InRange(absolute, 0, SigmoidMaxAbsoluteError);
        Assert.InRange(relative, 0, SigmoidMaxRelativeError);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Tanh_error_is_within_documented_bound(KernelPath path)
    {
        float[] y = new float[s_sweep.Length];
        KernelSet.For(path).Tanh(s_sweep, y);
        (double absolute, double relative) = MaxErrors(s_sweep, y, Math.Tanh, "tanh", path);
        Assert.InRange(absolute, 0, TanhMaxAbsoluteError);
        Assert.InRange(relative, 0, TanhMaxRelativeError);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Exp_relative_error_is_within_documented_bound(KernelPath path)
    {
        float[] x = KernelTestData.Uniform(2_000_000, 1, -87.3f, 88.3f);
        float[] y = new float[x.Length];
        KernelTestData.RunUnary<ExpOperator>(path, x, y);
        (_, double relative) = MaxErrors(x, y, Math.Exp, "exp", path);
        Assert.InRange(relative, 0, ExpMaxRelativeError);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Exp_saturates_without_overflow_or_nan(KernelPath path)
    {
        float[] x = [-1e4f, -200f, -100f, -88f, 88f, 88.3f, 89f, 100f, 1e4f, float.NaN];
        float[] y = new float[x.Length];
        KernelTestData.RunUnary<ExpOperator>(path, x, y);
        for (int k = 0; k < 4; k++)
        {
            Assert.InRange(y[k], 0f, 1e-37f);
        }
        Assert.InRange(y[4], 1.6e38f, 1.7e38f);
        for (int k = 5; k < 9; k++)
        {
            if (!(float.IsFinite(y[k]) && y[k] > 1e38f))
            {
                Assert.Fail($"exp({x[k]}) = {y[k]}");
            }
        }
        Assert.True(float.IsNaN(y[9]), "NaN must propagate");
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Activations_saturate_to_their_limits(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] x = [9f, 20f, 50f, 100f, 1e4f, float.MaxValue, -9f, -20f, -50f, -100f, -1e4f, -float.MaxValue];
        float[] sigmoid = new float[x.Length];
        float[] tanh = new float[x.Length];
        kernels.Sigmoid(x, sigmoid);
        kernels.Tanh(x, tanh);
        for (int k = 0; k < x.Length; k++)
        {
            float limit = x[k] > 0 ? 1f : -1f;
            Assert.InRange(tanh[k], limit - 1e-7f, limit + 1e-7f);
            if (Math.Abs(x[k]) >= 20)
            {
                Assert.InRange(sigmoid[k], x[k] > 0 ? 1f - 1e-7f : 0f, x[k] > 0 ? 1f : 1e-7f);
            }
        }
        Assert.Equal(1f, tanh[0]);
        Assert.Equal(-1f, tanh[6]);
        Assert.Equal(1f, sigmoid[2]);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Tanh_of_tiny_inputs_is_the_input(KernelPath path)
    {
        // Below 4e-4, tanh(x) = x - x³/3 rounds to x in float; the rational alone would be 1 ulp low.
        float[] x = [1e-30f, -1e-30f, 1e-10f, -3e-5f, 1e-4f, -3.9e-4f, 0f];
        float[] y = new float[x.Length];
        KernelSet.For(path).Tanh(x, y);
        Assert.Equal(x, y);
    }
}

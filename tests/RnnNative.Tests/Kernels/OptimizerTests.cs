using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Each optimizer, one step and several, against the torch.optim formula evaluated in double
/// (state kept in double too, so the tolerance covers float drift over the steps).
/// </summary>
public class OptimizerTests
{
    private const int Steps = 5;

    public static TheoryData<KernelPath, int> PathsAndLengths
    {
        get
        {
            TheoryData<KernelPath, int> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                foreach (int length in new[] { 0, 1, 7, 16, 17, 63, 64, 65, 257, 100_003 })
                {
                    data.Add(path, length);
                }
            }
            return data;
        }
    }

    private static float[] Gradient(int length, int step) => KernelTestData.Uniform(length, 100 * step + length, -1f, 1f);

    private static void AssertClose(double[] expected, float[] actual, int length, string what)
    {
        for (int k = 0; k < length; k++)
        {
            if (!(Math.Abs(actual[k] - expected[k]) <= 1e-6 * (1 + Math.Abs(expected[k]))))
            {
                Assert.Fail($"{what}[{k}]: {actual[k]} vs {expected[k]}");
            }
        }
        if (actual.Length > length)
        {
            KernelTestData.AssertCanaryIntact(actual, length);
        }
    }

    private static (float[] Weights, double[] Expected) Start(int length)
    {
        float[] weights = KernelTestData.OutputWithCanary(length);
        KernelTestData.Uniform(length, length, -2f, 2f).CopyTo(weights, 0);
        return (weights, weights.Take(length).Select(w => (double)w).ToArray());
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Sgd_matches_pytorch_formula(KernelPath path, int length)
    {
        foreach ((float momentum, bool nesterov, float decay) in new[] { (0f, false, 0f), (0.9f, false, 0.01f), (0.9f, true, 0.01f) })
        {
            (float[] w, double[] ew) = Start(length);
            float[] velocity = KernelTestData.OutputWithCanary(length);
            Array.Clear(velocity, 0, length);
            double[] ev = new double[length];
            for (int step = 1; step <= Steps; step++)
            {
                float[] g = Gradient(length, step);
                KernelSet.For(path).SgdUpdate(w.AsSpan(0, length), g, velocity.AsSpan(0, length), 0.1f, momentum, nesterov, decay);
                for (int k = 0; k < length; k++)
                {
                    double gd = g[k] + (double)decay * ew[k];
                    ev[k] = momentum * ev[k] + gd;
                    ew[k] -= 0.1 * (nesterov ? gd + momentum * ev[k] : ev[k]);
                }
                AssertClose(ew, w, length, $"sgd(m={momentum}, nesterov={nesterov}) step {step} w");
                AssertClose(ev, velocity, length, "velocity");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Adagrad_matches_pytorch_formula(KernelPath path, int length)
    {
        (float[] w, double[] ew) = Start(length);
        float[] sums = KernelTestData.OutputWithCanary(length);
        Array.Clear(sums, 0, length);
        double[] es = new double[length];
        for (int step = 1; step <= Steps; step++)
        {
            float[] g = Gradient(length, step);
            KernelSet.For(path).AdagradUpdate(w.AsSpan(0, length), g, sums.AsSpan(0, length), 0.05f, 1e-10f, 0.01f);
            for (int k = 0; k < length; k++)
            {
                double gd = g[k] + 0.01 * ew[k];
                es[k] += gd * gd;
                ew[k] -= 0.05 * gd / (Math.Sqrt(es[k]) + 1e-10);
            }
            AssertClose(ew, w, length, $"adagrad step {step} w");
            AssertClose(es, sums, length, "sumSquares");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Rmsprop_matches_pytorch_formula(KernelPath path, int length)
    {
        (float[] w, double[] ew) = Start(length);
        float[] meanSquare = KernelTestData.OutputWithCanary(length);
        Array.Clear(meanSquare, 0, length);
        double[] ems = new double[length];
        for (int step = 1; step <= Steps; step++)
        {
            float[] g = Gradient(length, step);
            KernelSet.For(path).RmspropUpdate(w.AsSpan(0, length), g, meanSquare.AsSpan(0, length), 0.01f, 0.99f, 1e-8f, 0.01f);
            for (int k = 0; k < length; k++)
            {
                double gd = g[k] + 0.01 * ew[k];
                ems[k] = 0.99 * ems[k] + (1 - 0.99) * gd * gd;
                ew[k] -= 0.01 * gd / (Math.Sqrt(ems[k]) + 1e-8);
            }
            AssertClose(ew, w, length, $"rmsprop step {step} w");
            AssertClose(ems, meanSquare, length, "meanSquare");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndLengths))]
    public void Adam_and_AdamW_match_pytorch_formula(KernelPath path, int length)
    {
        const double Lr = 1e-3, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8, Decay = 0.1;
        foreach (bool decoupled in new[] { false, true })
        {
            (float[] w, double[] ew) = Start(length);
            float[] m = KernelTestData.OutputWithCanary(length), v = KernelTestData.OutputWithCanary(length);
            Array.Clear(m, 0, length);
            Array.Clear(v, 0, length);
            double[] em = new double[length], ev = new double[length];
            for (int step = 1; step <= Steps; step++)
            {
                float[] g = Gradient(length, step);
                double bias1 = 1 - Math.Pow(Beta1, step), bias2 = 1 - Math.Pow(Beta2, step);
                KernelSet.For(path).AdamUpdate(w.AsSpan(0, length), g, m.AsSpan(0, length), v.AsSpan(0, length), (float)Lr, (float)Beta1, (float)Beta2, (float)Eps, (float)bias1, (float)bias2, (float)Decay, decoupled);
                for (int k = 0; k < length; k++)
                {
                    double gd = g[k];
                    if (decoupled)
                    {
                        ew[k] *= 1 - Lr * Decay;
                    }
                    else
                    {
                        gd += Decay * ew[k];
                    }
                    em[k] = Beta1 * em[k] + (1 - Beta1) * gd;
                    ev[k] = Beta2 * ev[k] + (1 - Beta2) * gd * gd;
                    ew[k] -= Lr / bias1 * em[k] / (Math.Sqrt(ev[k]) / Math.Sqrt(bias2) + Eps);
                }
                AssertClose(ew, w, length, $"adam(decoupled={decoupled}) step {step} w");
                AssertClose(em, m, length, "m");
                AssertClose(ev, v, length, "v");
            }
        }
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        KernelSet kernels = KernelSet.Active;
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => kernels.SgdUpdate(new float[4], new float[3], new float[4], 0.1f, 0f, false, 0f)).ParamName);
        Assert.Equal("velocity", Assert.Throws<ArgumentException>(() => kernels.SgdUpdate(new float[4], new float[4], new float[5], 0.1f, 0f, false, 0f)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => kernels.AdamUpdate(new float[4], new float[4], new float[4], new float[3], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f, 0f, true)).ParamName);
    }
}

using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;

namespace RnnNative.Tests.Training;

/// <summary>Each rule over two steps against the torch.optim formula computed by hand in double.</summary>
public class OptimizerTests
{
    private static readonly double[] s_start = [0.5, -1.25, 2.0];
    private static readonly double[][] s_gradients = [[0.1, -0.4, 1.5], [-0.3, 0.2, 0.7]];

    private static double[] Run(OptimizerConfig config, KernelSet kernels, float learningRate)
    {
        ParameterBlock block = new("w", s_start.Select(v => (float)v).ToArray(), new float[3]);
        Optimizer optimizer = new(config, [block], kernels);
        foreach (double[] g in s_gradients)
        {
            for (int i = 0; i < 3; i++) block.Gradients[i] = (float)g[i];
            optimizer.Update(learningRate);
        }
        Assert.Equal(2, optimizer.UpdateCount);
        return block.Values.Select(v => (double)v).ToArray();
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Sgd_with_momentum_and_weight_decay(KernelPath path)
    {
        double lr = 0.1, mu = 0.9, wd = 0.01;
        double[] w = (double[])s_start.Clone(), buf = new double[3];
        foreach (double[] g in s_gradients)
        {
            for (int i = 0; i < 3; i++)
            {
                double gi = g[i] + wd * w[i];
                buf[i] = mu * buf[i] + gi;
                w[i] -= lr * buf[i];
            }
        }
        AssertClose(w, Run(new OptimizerConfig(OptimizerKind.Sgd, Momentum: (float)mu, WeightDecay: (float)wd), KernelSet.For(path), (float)lr));
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Nesterov(KernelPath path)
    {
        double lr = 0.1, mu = 0.5;
        double[] w = (double[])s_start.Clone(), buf = new double[3];
        foreach (double[] g in s_gradients)
        {
            for (int i = 0; i < 3; i++)
            {
                buf[i] = mu * buf[i] + g[i];
                w[i] -= lr * (g[i] + mu * buf[i]);
            }
        }
        AssertClose(w, Run(new OptimizerConfig(OptimizerKind.Sgd, Momentum: (float)mu, Nesterov: true), KernelSet.For(path), (float)lr));
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Adagrad(KernelPath path)
    {
        double lr = 0.05, eps = 1e-10;
        double[] w = (double[])s_start.Clone(), sum = new double[3];
        foreach (double[] g in s_gradients)
        {
            for (int i = 0; i < 3; i++)
            {
                sum[i] += g[i] * g[i];
                w[i] -= lr * g[i] / (Math.Sqrt(sum[i]) + eps);
            }
        }
        AssertClose(w, Run(new OptimizerConfig(OptimizerKind.Adagrad), KernelSet.For(path), (float)lr));
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Rmsprop(KernelPath path)
    {
        double lr = 0.01, alpha = 0.99, eps = 1e-8;
        double[] w = (double[])s_start.Clone(), sq = new double[3];
        foreach (double[] g in s_gradients)
        {
            for (int i = 0; i < 3; i++)
            {
                sq[i] = alpha * sq[i] + (1 - alpha) * g[i] * g[i];
                w[i] -= lr * g[i] / (Math.Sqrt(sq[i]) + eps);
            }
        }
        AssertClose(w, Run(new OptimizerConfig(OptimizerKind.Rmsprop), KernelSet.For(path), (float)lr));
    }

    [Theory]
    [MemberData(nameof(Support.KernelPathData.Available), MemberType = typeof(Support.KernelPathData))]
    public void Adam_and_AdamW(KernelPath path)
    {
        foreach (bool decoupled in new[] { false, true })
        {
            double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
            double[] w = (double[])s_start.Clone(), m = new double[3], v = new double[3];
            int t = 0;
            foreach (double[] g in s_gradients)
            {
                t++;
                for (int i = 0; i < 3; i++)
                {
                    double gi = g[i];
                    if (decoupled) w[i] *= 1 - lr * wd; else gi += wd * w[i];
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    w[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps);
                }
            }
            AssertClose(w, Run(new OptimizerConfig(OptimizerKind.Adam, WeightDecay: (float)wd, DecoupledWeightDecay: decoupled), KernelSet.For(path), (float)lr));
        }
    }

    [Fact]
    public void Bad_hyperparameters_name_the_field()
    {
        Assert.Equal("Beta1", Assert.ThrowsAny<ArgumentException>(() => new OptimizerConfig(Beta1: 1f).Validate()).ParamName);
        Assert.Equal("LearningRate", Assert.ThrowsAny<ArgumentException>(() => new OptimizerConfig(LearningRate: float.NaN).Validate()).ParamName);
        Assert.Equal("Nesterov", Assert.ThrowsAny<ArgumentException>(() => new OptimizerConfig(OptimizerKind.Sgd, Nesterov: true).Validate()).ParamName);
    }
}

public class GradientClippingTests
{
    [Fact]
    public void Global_norm_spans_all_blocks_and_clips_like_pytorch()
    {
        KernelSet kernels = KernelSet.Active;
        ParameterBlock a = new("a", new float[2], [3f, 0f]), b = new("b", new float[1], [4f]);
        double norm = GradientClipping.ClipByGlobalNorm([a, b], 1f, kernels);
        Assert.Equal(5.0, norm, 6);
        float scale = (float)(1 / (5 + 1e-6));
        Assert.Equal(3f * scale, a.Gradients[0], 6);
        Assert.Equal(4f * scale, b.Gradients[0], 6);
        Assert.Equal(1.0, GradientClipping.GlobalNorm([a, b], kernels), 5);
    }

    [Fact]
    public void Norm_below_the_limit_leaves_gradients_alone()
    {
        ParameterBlock a = new("a", new float[2], [0.3f, 0.4f]);
        GradientClipping.ClipByGlobalNorm([a], 1f, KernelSet.Active);
        Assert.Equal([0.3f, 0.4f], a.Gradients);
    }

    [Fact]
    public void Clip_by_value_clamps_each_element()
    {
        ParameterBlock a = new("a", new float[4], [-3f, -0.5f, 0.5f, 7f]);
        GradientClipping.ClipByValue([a], 1f, KernelSet.Active);
        Assert.Equal([-1f, -0.5f, 0.5f, 1f], a.Gradients);
    }
}

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_decay_and_cosine()
    {
        LearningRateSchedule step = new(ScheduleKind.StepDecay, StepSize: 10, Gamma: 0.5f);
        Assert.Equal(1f, step.RateAt(9, 1f));
        Assert.Equal(0.5f, step.RateAt(10, 1f));
        Assert.Equal(0.25f, step.RateAt(25, 1f));
        LearningRateSchedule cosine = new(ScheduleKind.Cosine, TotalUpdates: 100, MinimumRate: 0.1f);
        Assert.Equal(1f, cosine.RateAt(0, 1f), 6);
        Assert.Equal(0.55f, cosine.RateAt(50, 1f), 6);
        Assert.Equal(0.1f, cosine.RateAt(100, 1f), 6);
        Assert.Equal(0.1f, cosine.RateAt(500, 1f), 6);
        Assert.Equal(0.3f, new LearningRateSchedule().RateAt(12345, 0.3f));
    }
}

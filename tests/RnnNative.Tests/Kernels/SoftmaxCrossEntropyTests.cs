using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>Softmax and softmax cross-entropy: loss and gradient against double references and
/// finite differences, huge logits, in place, and validation of targets and shapes.</summary>
public class SoftmaxCrossEntropyTests
{
    private static (double Loss, double[] Gradient) Reference(float[] logits, int rows, int classes, int[] targets, double gradScale)
    {
        double loss = 0;
        double[] gradient = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
            {
                max = Math.Max(max, logits[r * classes + j]);
            }
            double sum = 0;
            for (int j = 0; j < classes; j++)
            {
                sum += Math.Exp(logits[r * classes + j] - max);
            }
            loss += Math.Log(sum) + max - logits[r * classes + targets[r]];
            for (int j = 0; j < classes; j++)
            {
                gradient[r * classes + j] = gradScale * (Math.Exp(logits[r * classes + j] - max) / sum - (j == targets[r] ? 1 : 0));
            }
        }
        return (loss, gradient);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Loss_and_gradient_match_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        const int Rows = 3;
        foreach (int classes in Enumerable.Range(1, 257).Append(5000))
        {
            float[] logits = KernelTestData.Uniform(Rows * classes, classes, -8f, 8f);
            int[] targets = [0, classes - 1, classes / 2];
            (double expectedLoss, double[] expectedGradient) = Reference(logits, Rows, classes, targets, 0.25);

            float[] dLogits = KernelTestData.OutputWithCanary(Rows * classes);
            double loss = kernels.SoftmaxCrossEntropy(logits, Rows, classes, targets, dLogits.AsSpan(0, Rows * classes), 0.25f);
            if (!(Math.Abs(loss - expectedLoss) <= 1e-5 * (1 + expectedLoss)))
            {
                Assert.Fail($"classes {classes}: loss {loss} vs {expectedLoss}");
            }
            for (int k = 0; k < Rows * classes; k++)
            {
                // exp(z - max) carries the float rounding of z - max: half an ulp of |z - max| ≤ 16, ~1e-6 relative.
                if (!(Math.Abs(dLogits[k] - expectedGradient[k]) <= 1e-7 + 2e-6 * Math.Abs(expectedGradient[k])))
                {
                    Assert.Fail($"classes {classes}, k {k}: {dLogits[k]} vs {expectedGradient[k]}");
                }
            }
            for (int r = 0; r < Rows; r++)
            {
                double rowSum = dLogits.AsSpan(r * classes, classes).ToArray().Sum(v => (double)v);
                if (!(Math.Abs(rowSum) <= 1e-6))
                {
                    Assert.Fail($"classes {classes}: gradient row {r} sums to {rowSum}");
                }
            }
            KernelTestData.AssertCanaryIntact(dLogits, Rows * classes);

            Assert.Equal(loss, kernels.SoftmaxCrossEntropy(logits, Rows, classes, targets, [], 0.25f));
            float[] inPlace = (float[])logits.Clone();
            Assert.Equal(loss, kernels.SoftmaxCrossEntropy(inPlace, Rows, classes, targets, inPlace, 0.25f));
            Assert.Equal(dLogits.AsSpan(0, Rows * classes).ToArray(), inPlace);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Gradient_matches_finite_differences_of_loss(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        const int Classes = 19;
        float[] logits = KernelTestData.Uniform(Classes, 3, -2f, 2f);
        int[] target = [7];
        float[] gradient = new float[Classes];
        kernels.SoftmaxCrossEntropy(logits, 1, Classes, target, gradient, 1f);
        for (int j = 0; j < Classes; j++)
        {
            const float Step = 1e-2f;
            float[] plus = (float[])logits.Clone(), minus = (float[])logits.Clone();
            plus[j] += Step;
            minus[j] -= Step;
            double numeric = (kernels.SoftmaxCrossEntropy(plus, 1, Classes, target, [], 1f) - kernels.SoftmaxCrossEntropy(minus, 1, Classes, target, [], 1f)) / (2 * Step);
            if (!(Math.Abs(numeric - gradient[j]) <= 2e-4))
            {
                Assert.Fail($"class {j}: numeric {numeric}, kernel {gradient[j]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Huge_logits_give_finite_loss_and_gradient(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] logits = [1e4f, -1e4f, 0f, 1e4f, 5f, -1e4f, 3f, 2f, 1f, 0f, -1f, -2f, -3f, -4f, -5f, -6f, -7f];
        float[] gradient = new float[logits.Length];
        double loss = kernels.SoftmaxCrossEntropy(logits, 1, logits.Length, [1], gradient, 1f);
        Assert.Equal(2e4 + Math.Log(2), loss, 1e-3);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
        Assert.Equal(0.5f, gradient[0], 1e-6f);
        Assert.Equal(-1f, gradient[1], 1e-6f);
    }

    [Fact]
    public void Bad_targets_and_shapes_throw()
    {
        KernelSet kernels = KernelSet.Active;
        float[] logits = new float[6];
        float[] dLogits = [1, 2, 3, 4, 5, 6];
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.SoftmaxCrossEntropy(logits, 2, 3, [0, 3], dLogits, 1f)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.SoftmaxCrossEntropy(logits, 2, 3, [-2, 0], dLogits, 1f)).ParamName);
        Assert.Equal([1f, 2, 3, 4, 5, 6], dLogits);   // checked before anything is written
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => kernels.SoftmaxCrossEntropy(logits, 2, 3, [0], dLogits, 1f)).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => kernels.SoftmaxCrossEntropy(logits, 3, 3, [0, 0, 0], [], 1f)).ParamName);
        Assert.Equal("dLogits", Assert.Throws<ArgumentException>(() => kernels.SoftmaxCrossEntropy(logits, 2, 3, [0, 0], new float[5], 1f)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.SoftmaxCrossEntropy(logits, -1, 3, [], [], 1f)).ParamName);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Softmax_matches_reference_in_and_out_of_place(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] logits = KernelTestData.Inputs(length, seed: length, scale: 10f);
            float[] p = KernelTestData.OutputWithCanary(length);
            kernels.Softmax(logits, p.AsSpan(0, length));
            if (length > 0)
            {
                double max = logits.Max(v => (double)v);
                double sum = logits.Sum(v => Math.Exp(v - max));
                for (int k = 0; k < length; k++)
                {
                    double expected = Math.Exp(logits[k] - max) / sum;
                    // exp(z - max) carries the float rounding of z - max: half an ulp of |z - max|, relative.
                    if (!(Math.Abs(p[k] - expected) <= 1e-30 + (5e-7 + 6e-8 * (max - logits[k])) * expected))
                    {
                        Assert.Fail($"length {length}, k {k}: {p[k]} vs {expected}");
                    }
                }
            }
            KernelTestData.AssertCanaryIntact(p, length);
            float[] inPlace = (float[])logits.Clone();
            kernels.Softmax(inPlace, inPlace);
            Assert.Equal(p.AsSpan(0, length).ToArray(), inPlace);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Ignored_targets_add_no_loss_and_get_zero_gradient(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] logits = KernelTestData.Uniform(3 * 7, 7, -3f, 3f);
        float[] dAll = new float[21], dOne = new float[7];
        double withPadding = kernels.SoftmaxCrossEntropy(logits, 3, 7, [KernelSet.IgnoreTarget, 4, KernelSet.IgnoreTarget], dAll, 1f);
        double alone = kernels.SoftmaxCrossEntropy(logits.AsSpan(7, 7), 1, 7, [4], dOne, 1f);
        Assert.Equal(alone, withPadding);
        Assert.Equal(dOne, dAll.AsSpan(7, 7).ToArray());
        Assert.All(dAll.AsSpan(0, 7).ToArray().Concat(dAll.AsSpan(14, 7).ToArray()), g => Assert.Equal(0f, g));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Log_softmax_matches_the_double_reference_where_probabilities_underflow_too_in_place_too(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            // Scale 60: many p are below float's smallest normal, whose log a softmax-then-log could not give.
            float[] logits = KernelTestData.Inputs(length, seed: length, scale: 60f);
            float[] logP = KernelTestData.OutputWithCanary(length);
            kernels.LogSoftmax(logits, logP.AsSpan(0, length));
            if (length > 0)
            {
                double max = logits.Max(v => (double)v);
                double logSum = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
                for (int k = 0; k < length; k++)
                {
                    double expected = logits[k] - logSum;
                    // One float rounding of the shift and one of the difference: a few ulps of |z| + |shift|.
                    Assert.True(Math.Abs(logP[k] - expected) <= 2.5e-7 * (Math.Abs(logits[k]) + Math.Abs(logSum)) + 1e-6, $"length {length}, k {k}: {logP[k]} vs {expected}");
                }
            }
            KernelTestData.AssertCanaryIntact(logP, length);
            float[] inPlace = (float[])logits.Clone();
            kernels.LogSoftmax(inPlace, inPlace);
            Assert.Equal(logP.AsSpan(0, length).ToArray(), inPlace);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Softmax_backward_matches_the_double_Jacobian_on_every_length_in_place_too(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] p = KernelTestData.Inputs(length, seed: length, scale: 4f);
            kernels.Softmax(p, p);
            float[] dp = KernelTestData.Uniform(length, seed: length + 1, -2f, 2f);
            float[] dz = KernelTestData.OutputWithCanary(length);
            kernels.SoftmaxBackward(p, dp, dz.AsSpan(0, length));
            // dz_k = Σ_j (δ_kj p_j - p_k p_j) dp_j = p_k (dp_k - Σ_j p_j dp_j)
            double dot = 0;
            for (int j = 0; j < length; j++) dot += (double)p[j] * dp[j];
            for (int k = 0; k < length; k++)
            {
                double expected = p[k] * (dp[k] - dot);
                // The float dot product rounds at ~1e-7 of Σ |p_j dp_j| <= 2, scaled by p_k.
                Assert.True(Math.Abs(dz[k] - expected) <= 1e-6 * p[k] + 1e-30, $"length {length}, k {k}: {dz[k]} vs {expected}");
            }
            KernelTestData.AssertCanaryIntact(dz, length);
            kernels.SoftmaxBackward(p, dp, dp);
            Assert.Equal(dz.AsSpan(0, length).ToArray(), dp);
        }
    }
}

using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Activations and arithmetic, every path, every length 0..257 and 100_003: values against a double
/// reference (|got - want| ≤ abs + rel·|want|), canaries past the output untouched, in place equal
/// to out of place bit for bit, and vectorized paths close to the scalar path.
/// </summary>
public class ElementwiseKernelTests
{
    private delegate void UnaryKernel(KernelSet kernels, ReadOnlySpan<float> x, Span<float> y);

    private delegate void BinaryKernel(KernelSet kernels, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    private static void CheckUnary(KernelPath path, UnaryKernel kernel, Func<double, double> reference, double absolute, double relative)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] x = KernelTestData.Inputs(length, seed: length);
            float[] y = KernelTestData.OutputWithCanary(length);
            kernel(kernels, x, y.AsSpan(0, length));
            for (int k = 0; k < length; k++)
            {
                double expected = reference(x[k]);
                if (!(Math.Abs(y[k] - expected) <= absolute + relative * Math.Abs(expected)))
                {
                    Assert.Fail($"length {length}, x[{k}] = {x[k]}: got {y[k]}, want {expected}");
                }
            }
            KernelTestData.AssertCanaryIntact(y, length);

            float[] inPlace = (float[])x.Clone();
            kernel(kernels, inPlace, inPlace);
            Assert.Equal(y.AsSpan(0, length).ToArray(), inPlace);
        }
    }

    /// <summary>Tolerance <c>relative·|want| + perUnitB·|b|</c>: tanh backward's 1 - y² cancels near
    /// |y| = 1, so its float rounding of y² is an error relative to dy, not to the result.</summary>
    private static void CheckBinary(KernelPath path, BinaryKernel kernel, Func<float, float> makeA, Func<double, double, double> reference, double relative, double perUnitB = 0)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] a = KernelTestData.Inputs(length, seed: length).Select(makeA).ToArray();
            float[] b = KernelTestData.Inputs(length, seed: length + 1000);
            float[] y = KernelTestData.OutputWithCanary(length);
            kernel(kernels, a, b, y.AsSpan(0, length));
            for (int k = 0; k < length; k++)
            {
                double expected = reference(a[k], b[k]);
                if (!(Math.Abs(y[k] - expected) <= relative * Math.Abs(expected) + perUnitB * Math.Abs(b[k])))
                {
                    Assert.Fail($"length {length}, k {k}: got {y[k]}, want {expected}");
                }
            }
            KernelTestData.AssertCanaryIntact(y, length);

            float[] inPlaceA = (float[])a.Clone();
            kernel(kernels, inPlaceA, b, inPlaceA);
            Assert.Equal(y.AsSpan(0, length).ToArray(), inPlaceA);
            float[] inPlaceB = (float[])b.Clone();
            kernel(kernels, a, inPlaceB, inPlaceB);
            Assert.Equal(y.AsSpan(0, length).ToArray(), inPlaceB);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Sigmoid_matches_reference(KernelPath path)
        => CheckUnary(path, (k, x, y) => k.Sigmoid(x, y), x => 1 / (1 + Math.Exp(-x)), 9.0e-8, 1.9e-7);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Tanh_matches_reference(KernelPath path)
        => CheckUnary(path, (k, x, y) => k.Tanh(x, y), Math.Tanh, 4.0e-7, 4.0e-7);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Relu_matches_reference(KernelPath path)
        => CheckUnary(path, (k, x, y) => k.Relu(x, y), x => Math.Max(x, 0), 0, 0);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void TanhBackward_matches_reference(KernelPath path)
        => CheckBinary(path, (k, y, dy, dx) => k.TanhBackward(y, dy, dx), MathF.Tanh, (y, dy) => dy * (1 - y * y), 2.4e-7, 6e-8);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void ReluBackward_matches_reference(KernelPath path)
        => CheckBinary(path, (k, y, dy, dx) => k.ReluBackward(y, dy, dx), y => MathF.Max(y, 0), (y, dy) => y > 0 ? dy : 0, 0);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Add_matches_reference(KernelPath path)
        => CheckBinary(path, (k, a, b, y) => k.Add(a, b, y), a => a, (a, b) => (float)(a + b), 0);

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Axpy_Scale_Clamp_match_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] x = KernelTestData.Inputs(length, seed: length);
            float[] y0 = KernelTestData.Inputs(length, seed: length + 1);

            float[] y = KernelTestData.OutputWithCanary(length);
            y0.CopyTo(y, 0);
            kernels.Axpy(-0.37f, x, y.AsSpan(0, length));
            float[] scaled = KernelTestData.OutputWithCanary(length);
            x.CopyTo(scaled, 0);
            kernels.Scale(1.7f, scaled.AsSpan(0, length));
            float[] clamped = KernelTestData.OutputWithCanary(length);
            x.CopyTo(clamped, 0);
            kernels.Clamp(clamped.AsSpan(0, length), -2.5f, 3f);

            for (int k = 0; k < length; k++)
            {
                double axpy = -0.37 * x[k] + y0[k];
                if (!(Math.Abs(y[k] - axpy) <= 1e-7 * (Math.Abs(x[k]) + Math.Abs(y0[k]))))
                {
                    Assert.Fail($"axpy k {k}: {y[k]} vs {axpy}");
                }
                Assert.Equal(1.7f * x[k], scaled[k]);
                Assert.Equal(Math.Clamp(x[k], -2.5f, 3f), clamped[k]);
            }
            KernelTestData.AssertCanaryIntact(y, length);
            KernelTestData.AssertCanaryIntact(scaled, length);
            KernelTestData.AssertCanaryIntact(clamped, length);
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Vectorized), MemberType = typeof(KernelPathData))]
    public void Vectorized_activations_agree_with_scalar(KernelPath path)
    {
        KernelSet vector = KernelSet.For(path), scalar = KernelSet.For(KernelPath.Scalar);
        float[] x = KernelTestData.Inputs(100_003, seed: 5, scale: 12f);
        float[] expected = new float[x.Length], actual = new float[x.Length];
        scalar.Sigmoid(x, expected);
        vector.Sigmoid(x, actual);
        AssertClose(expected, actual, 1.2e-7);
        scalar.Tanh(x, expected);
        vector.Tanh(x, actual);
        AssertClose(expected, actual, 6e-7);
        scalar.Relu(x, expected);
        vector.Relu(x, actual);
        Assert.Equal(expected, actual);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            if (!(Math.Abs(expected[k] - actual[k]) <= tolerance))
            {
                Assert.Fail($"k {k}: scalar {expected[k]}, vector {actual[k]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Nan_propagates_through_activations(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        float[] x = Enumerable.Repeat(float.NaN, 37).ToArray();
        float[] y = new float[x.Length];
        kernels.Sigmoid(x, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
        kernels.Tanh(x, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Bad_lengths_and_partial_overlap_are_rejected()
    {
        KernelSet kernels = KernelSet.Active;
        float[] buffer = new float[64];
        ArgumentException shortOutput = Assert.Throws<ArgumentException>(() => kernels.Sigmoid(new float[10], new float[9]));
        Assert.Equal("y", shortOutput.ParamName);
        ArgumentException mismatched = Assert.Throws<ArgumentException>(() => kernels.Add(new float[10], new float[11], new float[11]));
        Assert.Equal("b", mismatched.ParamName);
        ArgumentException overlap = Assert.Throws<ArgumentException>(() => kernels.Tanh(buffer.AsSpan(0, 32), buffer.AsSpan(1, 32)));
        Assert.Equal("y", overlap.ParamName);
        ArgumentException axpy = Assert.Throws<ArgumentException>(() => kernels.Axpy(1f, new float[5], new float[4]));
        Assert.Equal("y", axpy.ParamName);
    }
}

using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// GRU pointwise forward/backward: every vectorized path against the scalar path, every path
/// against the documented equations evaluated in double, and the backward against central finite
/// differences of a loss through the forward kernel itself.
/// </summary>
public class GruPointwiseTests
{
    /// <summary>One call's inputs: a = input side [B, 3H], rec = hPrev·W_hhᵀ [B, 3H], b_hn [H], hPrev and dh [B, H].</summary>
    private sealed record Inputs(float[] InputSide, float[] Recurrent, float[] BiasN, float[] HiddenPrev, float[] DHidden, int Batch, int Hidden);

    /// <summary>What the forward and backward kernels leave in their outputs (each exactly its length).</summary>
    private sealed record Outputs(float[] Gates, float[] Recurrent, float[] Hidden, float[] DGates, float[] DRecurrent, float[] DHiddenPrev);

    private static Inputs MakeInputs(int batch, int hidden, int seed)
    {
        int state = batch * hidden;
        return new Inputs(
            KernelTestData.Uniform(3 * state, seed, -3f, 3f),
            KernelTestData.Uniform(3 * state, seed + 1, -2f, 2f),
            KernelTestData.Uniform(hidden, seed + 2, -1f, 1f),
            KernelTestData.Uniform(state, seed + 3, -1f, 1f),
            KernelTestData.Uniform(state, seed + 4, -1f, 1f),
            batch,
            hidden);
    }

    /// <summary>Forward then backward on <paramref name="kernels"/>, into buffers with canaries past their ends.</summary>
    private static Outputs Run(KernelSet kernels, Inputs inputs)
    {
        int state = inputs.Batch * inputs.Hidden;
        float[] gates = KernelTestData.OutputWithCanary(3 * state);
        float[] recurrent = KernelTestData.OutputWithCanary(3 * state);
        float[] hidden = KernelTestData.OutputWithCanary(state);
        float[] dGates = KernelTestData.OutputWithCanary(3 * state);
        float[] dRecurrent = KernelTestData.OutputWithCanary(3 * state);
        float[] dHiddenPrev = KernelTestData.OutputWithCanary(state);
        inputs.InputSide.CopyTo(gates, 0);
        inputs.Recurrent.CopyTo(recurrent, 0);
        kernels.GruForwardPointwise(gates.AsSpan(0, 3 * state), recurrent.AsSpan(0, 3 * state), inputs.BiasN, inputs.HiddenPrev, hidden.AsSpan(0, state), inputs.Batch, inputs.Hidden);
        kernels.GruBackwardPointwise(gates.AsSpan(0, 3 * state), recurrent.AsSpan(0, 3 * state), inputs.HiddenPrev, inputs.DHidden,
            dGates.AsSpan(0, 3 * state), dRecurrent.AsSpan(0, 3 * state), dHiddenPrev.AsSpan(0, state), inputs.Batch, inputs.Hidden);
        foreach ((float[] buffer, int length) in new[] { (gates, 3 * state), (recurrent, 3 * state), (hidden, state), (dGates, 3 * state), (dRecurrent, 3 * state), (dHiddenPrev, state) })
        {
            KernelTestData.AssertCanaryIntact(buffer, length);
        }
        return new Outputs(gates[..(3 * state)], recurrent[..(3 * state)], hidden[..state], dGates[..(3 * state)], dRecurrent[..(3 * state)], dHiddenPrev[..state]);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static void AssertNear(double expected, float actual, double tolerance, string what)
    {
        if (!(Math.Abs(actual - expected) <= tolerance))
        {
            Assert.Fail($"{what}: got {actual}, want {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Vectorized), MemberType = typeof(KernelPathData))]
    public void Every_path_matches_the_scalar_path(KernelPath path)
    {
        // Paths differ by rounding only: FMA against separate multiply and add, and the σ/tanh
        // approximations' lanes. Stated tolerance: 2e-6 · (1 + |scalar value|) on every output.
        KernelSet kernels = KernelSet.For(path), scalar = KernelSet.For(KernelPath.Scalar);
        foreach (int hidden in Enumerable.Range(0, 41).Append(257))
        {
            for (int batch = 1; batch <= 3; batch++)
            {
                Inputs inputs = MakeInputs(batch, hidden, 10 * hidden + batch);
                Outputs expected = Run(scalar, inputs), actual = Run(kernels, inputs);
                foreach ((string name, float[] want, float[] got) in new[]
                {
                    ("gates", expected.Gates, actual.Gates), ("recurrentGates", expected.Recurrent, actual.Recurrent),
                    ("hidden", expected.Hidden, actual.Hidden), ("dGates", expected.DGates, actual.DGates),
                    ("dRecurrentGates", expected.DRecurrent, actual.DRecurrent), ("dHiddenPrev", expected.DHiddenPrev, actual.DHiddenPrev),
                })
                {
                    for (int k = 0; k < want.Length; k++)
                    {
                        AssertNear(want[k], got[k], 2e-6 * (1 + Math.Abs(want[k])), $"H={hidden} B={batch} {name}[{k}]");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Forward_and_backward_match_the_equations_in_double(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        const int Batch = 3;
        foreach (int hidden in new[] { 1, 5, 16, 17, 33, 100, 257 })
        {
            Inputs inputs = MakeInputs(Batch, hidden, hidden);
            Outputs outputs = Run(kernels, inputs);
            for (int b = 0; b < Batch; b++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    int row = b * 3 * hidden, s = b * hidden + j;
                    int rj = row + j, zj = row + hidden + j, nj = row + 2 * hidden + j;
                    double r = Sigmoid((double)inputs.InputSide[rj] + inputs.Recurrent[rj]);
                    double z = Sigmoid((double)inputs.InputSide[zj] + inputs.Recurrent[zj]);
                    double hn = (double)inputs.Recurrent[nj] + inputs.BiasN[j];
                    double n = Math.Tanh(inputs.InputSide[nj] + r * hn);
                    double hPrev = inputs.HiddenPrev[s], h = (1 - z) * n + z * hPrev;
                    AssertNear(r, outputs.Gates[rj], 2e-7, "r");
                    AssertNear(z, outputs.Gates[zj], 2e-7, "z");
                    AssertNear(n, outputs.Gates[nj], 1e-6, "n");
                    AssertNear(hn, outputs.Recurrent[nj], 2e-7, "hn");
                    Assert.Equal(inputs.Recurrent[rj], outputs.Recurrent[rj]);
                    Assert.Equal(inputs.Recurrent[zj], outputs.Recurrent[zj]);
                    AssertNear(h, outputs.Hidden[s], 1.5e-6, "h");

                    double dh = inputs.DHidden[s];
                    double dn = dh * (1 - z) * (1 - n * n);
                    double dz = dh * (hPrev - n) * z * (1 - z);
                    double dr = dn * hn * r * (1 - r);
                    AssertNear(dr, outputs.DGates[rj], 5e-6, "da_r");
                    AssertNear(dz, outputs.DGates[zj], 5e-6, "da_z");
                    AssertNear(dn, outputs.DGates[nj], 5e-6, "da_n");
                    AssertNear(dr, outputs.DRecurrent[rj], 5e-6, "drec_r");
                    AssertNear(dz, outputs.DRecurrent[zj], 5e-6, "drec_z");
                    AssertNear(r * dn, outputs.DRecurrent[nj], 5e-6, "drec_n");
                    AssertNear(dh * z, outputs.DHiddenPrev[s], 5e-7, "dhPrev");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Backward_matches_finite_differences_of_the_forward_kernel(KernelPath path)
    {
        // loss = Σ dh ⊙ h (summed in double), h from the forward kernel; each input moved by ±Step.
        // H = 19 runs the vector step and the scalar remainder on every width. Stated tolerance 1e-4
        // absolute: the O(Step²) truncation plus float rounding of h over 2·Step (measured up to 3e-5).
        KernelSet kernels = KernelSet.For(path);
        const int Batch = 2, Hidden = 19;
        const float Step = 1e-2f;
        Inputs inputs = MakeInputs(Batch, Hidden, 7);
        Outputs analytic = Run(kernels, inputs);

        double Loss()
        {
            float[] gates = (float[])inputs.InputSide.Clone(), recurrent = (float[])inputs.Recurrent.Clone(), hidden = new float[Batch * Hidden];
            kernels.GruForwardPointwise(gates, recurrent, inputs.BiasN, inputs.HiddenPrev, hidden, Batch, Hidden);
            double loss = 0;
            for (int s = 0; s < hidden.Length; s++) loss += (double)inputs.DHidden[s] * hidden[s];
            return loss;
        }

        double Numeric(float[] values, int k)
        {
            float saved = values[k];
            float plus = saved + Step, minus = saved - Step;
            values[k] = plus;
            double up = Loss();
            values[k] = minus;
            double down = Loss();
            values[k] = saved;
            return (up - down) / ((double)plus - minus);
        }

        for (int k = 0; k < inputs.InputSide.Length; k++)
        {
            AssertNear(Numeric(inputs.InputSide, k), analytic.DGates[k], 1e-4, $"dGates[{k}]");
            AssertNear(Numeric(inputs.Recurrent, k), analytic.DRecurrent[k], 1e-4, $"dRecurrentGates[{k}]");
        }
        for (int s = 0; s < inputs.HiddenPrev.Length; s++)
        {
            AssertNear(Numeric(inputs.HiddenPrev, s), analytic.DHiddenPrev[s], 1e-4, $"dHiddenPrev[{s}]");
        }
        // b_hn enters as rec_n does, once per batch row: its gradient is the column sum of dRecurrentGates' n block.
        for (int j = 0; j < Hidden; j++)
        {
            double sum = 0;
            for (int b = 0; b < Batch; b++) sum += analytic.DRecurrent[b * 3 * Hidden + 2 * Hidden + j];
            AssertNear(Numeric(inputs.BiasN, j), (float)sum, 1e-4, $"db_hn[{j}]");
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Backward_in_place_on_dHidden_matches_a_separate_dHiddenPrev(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        const int Batch = 2, Hidden = 21;
        Inputs inputs = MakeInputs(Batch, Hidden, 3);
        Outputs separate = Run(kernels, inputs);
        float[] dHidden = (float[])inputs.DHidden.Clone();
        kernels.GruBackwardPointwise(separate.Gates, separate.Recurrent, inputs.HiddenPrev, dHidden, new float[3 * Batch * Hidden], new float[3 * Batch * Hidden], dHidden, Batch, Hidden);
        Assert.Equal(separate.DHiddenPrev, dHidden);
    }

    [Fact]
    public void Shapes_and_overlaps_are_validated()
    {
        KernelSet kernels = KernelSet.Active;
        float[] six = new float[6];
        Assert.Equal("gates", Assert.Throws<ArgumentException>(() => kernels.GruForwardPointwise(new float[5], six, new float[2], new float[2], new float[2], 1, 2)).ParamName);
        Assert.Equal("recurrentGates", Assert.Throws<ArgumentException>(() => kernels.GruForwardPointwise(six, new float[5], new float[2], new float[2], new float[2], 1, 2)).ParamName);
        Assert.Equal("recurrentBiasN", Assert.Throws<ArgumentException>(() => kernels.GruForwardPointwise(six, new float[6], new float[1], new float[2], new float[2], 1, 2)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => kernels.GruForwardPointwise(six, new float[6], new float[2], new float[2], new float[1], 1, 2)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.GruForwardPointwise(six, new float[6], new float[2], new float[2], new float[2], -1, 2)).ParamName);
        float[] states = new float[3];
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => kernels.GruForwardPointwise(six, new float[6], new float[2], states.AsSpan(0, 2), states.AsSpan(1, 2), 1, 2)).ParamName);

        Assert.Equal("dGates", Assert.Throws<ArgumentException>(() => kernels.GruBackwardPointwise(six, six, new float[2], new float[2], new float[5], new float[6], new float[2], 1, 2)).ParamName);
        Assert.Equal("dRecurrentGates", Assert.Throws<ArgumentException>(() => kernels.GruBackwardPointwise(six, six, new float[2], new float[2], new float[6], new float[5], new float[2], 1, 2)).ParamName);
        Assert.Equal("dHiddenPrev", Assert.Throws<ArgumentException>(() => kernels.GruBackwardPointwise(six, six, new float[2], new float[2], new float[6], new float[6], new float[1], 1, 2)).ParamName);
        Assert.Equal("dHiddenPrev", Assert.Throws<ArgumentException>(() => kernels.GruBackwardPointwise(six, six, new float[2], states.AsSpan(0, 2), new float[6], new float[6], states.AsSpan(1, 2), 1, 2)).ParamName);
    }
}

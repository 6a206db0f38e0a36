using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// LSTM pointwise forward/backward against the documented equations evaluated in double, plus a
/// finite-difference check of the backward equations on the double forward function.
/// </summary>
public class LstmPointwiseTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>Double forward for one column: (c, h) from pre-activations (i, f, g, o) and cPrev.</summary>
    private static (double C, double H) Forward(double gi, double gf, double gg, double go, double cPrev)
    {
        double c = Sigmoid(gf) * cPrev + Sigmoid(gi) * Math.Tanh(gg);
        return (c, Sigmoid(go) * Math.Tanh(c));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Forward_and_backward_match_double_reference(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        const int Batch = 3;
        foreach (int hidden in new[] { 0, 1, 5, 16, 17, 33, 100, 257 })
        {
            int state = Batch * hidden;
            float[] preActivations = KernelTestData.Uniform(4 * state, hidden, -4f, 4f);
            float[] cellPrev = KernelTestData.Uniform(state, hidden + 1, -2f, 2f);
            float[] dHidden = KernelTestData.Uniform(state, hidden + 2, -1f, 1f);
            float[] dCellIn = KernelTestData.Uniform(state, hidden + 3, -1f, 1f);

            float[] gates = KernelTestData.OutputWithCanary(4 * state);
            preActivations.CopyTo(gates, 0);
            float[] cell = KernelTestData.OutputWithCanary(state);
            float[] tanhCell = KernelTestData.OutputWithCanary(state);
            float[] hiddenOut = KernelTestData.OutputWithCanary(state);
            kernels.LstmForwardPointwise(gates.AsSpan(0, 4 * state), cellPrev, cell.AsSpan(0, state), tanhCell.AsSpan(0, state), hiddenOut.AsSpan(0, state), Batch, hidden);

            float[] dCell = KernelTestData.OutputWithCanary(state);
            dCellIn.CopyTo(dCell, 0);
            float[] dGates = KernelTestData.OutputWithCanary(4 * state);
            kernels.LstmBackwardPointwise(gates.AsSpan(0, 4 * state), cellPrev, tanhCell.AsSpan(0, state), dHidden, dCell.AsSpan(0, state), dGates.AsSpan(0, 4 * state), Batch, hidden);

            for (int b = 0; b < Batch; b++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    int row = b * 4 * hidden, s = b * hidden + j;
                    double i = Sigmoid(preActivations[row + j]), f = Sigmoid(preActivations[row + hidden + j]);
                    double g = Math.Tanh(preActivations[row + 2 * hidden + j]), o = Sigmoid(preActivations[row + 3 * hidden + j]);
                    double c = f * cellPrev[s] + i * g, tanhC = Math.Tanh(c);
                    AssertNear(i, gates[row + j], 2e-7);
                    AssertNear(f, gates[row + hidden + j], 2e-7);
                    AssertNear(g, gates[row + 2 * hidden + j], 5e-7);
                    AssertNear(o, gates[row + 3 * hidden + j], 2e-7);
                    AssertNear(c, cell[s], 1e-6);
                    AssertNear(tanhC, tanhCell[s], 1.5e-6);
                    AssertNear(o * tanhC, hiddenOut[s], 1.5e-6);

                    double dh = dHidden[s];
                    double dc = dCellIn[s] + dh * o * (1 - tanhC * tanhC);
                    AssertNear(dc * g * i * (1 - i), dGates[row + j], 5e-6);
                    AssertNear(dc * cellPrev[s] * f * (1 - f), dGates[row + hidden + j], 5e-6);
                    AssertNear(dc * i * (1 - g * g), dGates[row + 2 * hidden + j], 5e-6);
                    AssertNear(dh * tanhC * o * (1 - o), dGates[row + 3 * hidden + j], 5e-6);
                    AssertNear(dc * f, dCell[s], 5e-6);
                }
            }
            foreach ((float[] buffer, int length) in new[] { (gates, 4 * state), (cell, state), (tanhCell, state), (hiddenOut, state), (dCell, state), (dGates, 4 * state) })
            {
                KernelTestData.AssertCanaryIntact(buffer, length);
            }
        }
    }

    private static void AssertNear(double expected, float actual, double tolerance)
        => Assert.True(Math.Abs(actual - expected) <= tolerance, $"got {actual}, want {expected}");

    [Fact]
    public void Backward_equations_match_finite_differences_of_forward()
    {
        // The documented backward, in double, against central differences of the double forward:
        // loss = dh·h + dCell·c, so dLoss/dPre is what LstmBackwardPointwise must produce.
        double[] pre = [0.3, -0.7, 1.1, 0.2];
        double cPrev = -0.4, dh = 0.8, dCellIn = -0.5, step = 1e-6;
        double Loss(double[] p)
        {
            (double c, double h) = Forward(p[0], p[1], p[2], p[3], cPrev);
            return dh * h + dCellIn * c;
        }
        float[] gates = pre.Select(v => (float)v).ToArray();
        float[] cell = new float[1], tanhCell = new float[1], hidden = new float[1], dGates = new float[4];
        float[] dCell = [(float)dCellIn];
        KernelSet kernels = KernelSet.For(KernelPath.Scalar);
        kernels.LstmForwardPointwise(gates, [(float)cPrev], cell, tanhCell, hidden, 1, 1);
        kernels.LstmBackwardPointwise(gates, [(float)cPrev], tanhCell, [(float)dh], dCell, dGates, 1, 1);
        for (int k = 0; k < 4; k++)
        {
            double[] plus = (double[])pre.Clone(), minus = (double[])pre.Clone();
            plus[k] += step;
            minus[k] -= step;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * step);
            if (!(Math.Abs(numeric - dGates[k]) <= 1e-5))
            {
                Assert.Fail($"gate {k}: numeric {numeric}, kernel {dGates[k]}");
            }
        }
        double cPlus = Forward(pre[0], pre[1], pre[2], pre[3], cPrev + step).C * dCellIn + dh * Forward(pre[0], pre[1], pre[2], pre[3], cPrev + step).H;
        double cMinus = Forward(pre[0], pre[1], pre[2], pre[3], cPrev - step).C * dCellIn + dh * Forward(pre[0], pre[1], pre[2], pre[3], cPrev - step).H;
        if (!(Math.Abs((cPlus - cMinus) / (2 * step) - dCell[0]) <= 1e-5))
        {
            Assert.Fail($"dCellPrev: numeric {(cPlus - cMinus) / (2 * step)}, kernel {dCell[0]}");
        }
    }

    [Fact]
    public void Shapes_are_validated()
    {
        KernelSet kernels = KernelSet.Active;
        Assert.Equal("gates", Assert.Throws<ArgumentException>(() => kernels.LstmForwardPointwise(new float[7], new float[2], new float[2], new float[2], new float[2], 1, 2)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => kernels.LstmForwardPointwise(new float[8], new float[2], new float[2], new float[2], new float[1], 1, 2)).ParamName);
        Assert.Equal("dGates", Assert.Throws<ArgumentException>(() => kernels.LstmBackwardPointwise(new float[8], new float[2], new float[2], new float[2], new float[2], new float[7], 1, 2)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.LstmForwardPointwise(new float[8], new float[2], new float[2], new float[2], new float[2], -1, 2)).ParamName);
    }
}

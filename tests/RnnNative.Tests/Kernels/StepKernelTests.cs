using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Single-token step kernels over <see cref="StepMatrix"/> panels against the equations in double:
/// gates = init + A · x (A rounded to bfloat16 first for that precision), then the LSTM cell or the
/// one-gate activation. Odd sizes (units not a multiple of any width, K not a multiple of 4) and
/// the panels split in two calls, as threads split them.
/// </summary>
public class StepKernelTests
{
    private const int Units = 37, Inputs = 29;

    public static TheoryData<KernelPath, WeightPrecision> PathsAndPrecisions()
    {
        TheoryData<KernelPath, WeightPrecision> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            data.Add(path, WeightPrecision.Float32);
            data.Add(path, WeightPrecision.BFloat16);
        }
        return data;
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// A random A [G*U, K] packed for <paramref name="kernels"/>, A as the kernels see it (rounded for
    /// bfloat16) in double, a bias [G*U], the bias in panel order (init) and x [stored columns].
    /// </summary>
    private static (StepMatrix Matrix, double[] Seen, float[] Bias, float[] Init, float[] X) Setup(KernelSet kernels, int gates, WeightPrecision precision)
    {
        float[] source = KernelTestData.Uniform(gates * Units * Inputs, gates, -0.5f, 0.5f);
        double[] seen = source.Select(v => precision == WeightPrecision.BFloat16 ? (double)BFloat16.ToSingle(BFloat16.FromSingle(v)) : v).ToArray();
        StepMatrix matrix = Pack(kernels, source, gates, precision);
        float[] bias = KernelTestData.Uniform(gates * Units, 5 + gates, -1f, 1f);
        float[] init = new float[matrix.Panels * gates * matrix.Width];
        matrix.ToPanelOrder(bias, init);
        float[] x = new float[matrix.Columns];
        KernelTestData.Uniform(Inputs, 6 + gates, -2f, 2f).CopyTo(x, 0);
        return (matrix, seen, bias, init, x);
    }

    /// <summary>init + A · x for row r of A, in double.</summary>
    private static double PreActivation(double[] a, float[] x, double init, int row)
    {
        double sum = init;
        for (int k = 0; k < Inputs; k++) sum += a[row * Inputs + k] * x[k];
        return sum;
    }

    /// <summary>A filled in two column ranges, as a layer's [W_ih | W_hh].</summary>
    private static StepMatrix Pack(KernelSet kernels, float[] source, int gates, WeightPrecision precision)
    {
        StepMatrix matrix = new(kernels.Path, kernels.StepWidth, gates, Units, Inputs, precision);
        const int Split = 11;
        int rows = gates * Units;
        float[] left = new float[rows * Split], right = new float[rows * (Inputs - Split)];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(source, r * Inputs, left, r * Split, Split);
            Array.Copy(source, r * Inputs + Split, right, r * (Inputs - Split), Inputs - Split);
        }
        matrix.SetColumns(left, Split, 0, Split);
        matrix.SetColumns(right, Inputs - Split, Split, Inputs - Split);
        return matrix;
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Lstm_step_matches_the_cell_equations_in_double(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        (StepMatrix matrix, double[] a, float[] bias, float[] init, float[] x) = Setup(kernels, 4, precision);
        float[] cellBefore = KernelTestData.Uniform(Units, 7, -2f, 2f);
        float[] cell = new float[matrix.PaddedUnits], hidden = new float[matrix.PaddedUnits];
        cellBefore.CopyTo(cell, 0);

        int half = matrix.Panels / 2;
        kernels.LstmStep(matrix, init, x, cell, hidden, 0, half);
        kernels.LstmStep(matrix, init, x, cell, hidden, half, matrix.Panels - half);

        for (int u = 0; u < Units; u++)
        {
            double i = Sigmoid(PreActivation(a, x, bias[u], u));
            double f = Sigmoid(PreActivation(a, x, bias[Units + u], Units + u));
            double g = Math.Tanh(PreActivation(a, x, bias[2 * Units + u], 2 * Units + u));
            double o = Sigmoid(PreActivation(a, x, bias[3 * Units + u], 3 * Units + u));
            double c = f * cellBefore[u] + i * g;
            Assert.True(Math.Abs(cell[u] - c) <= 1e-5 * (1 + Math.Abs(c)), $"c[{u}]: {cell[u]} vs {c}");
            Assert.True(Math.Abs(hidden[u] - o * Math.Tanh(c)) <= 1e-5, $"h[{u}]: {hidden[u]} vs {o * Math.Tanh(c)}");
        }
        // Padding units stay exactly zero, so they never leak into the next layer.
        Assert.All(hidden[Units..], v => Assert.Equal(0f, v));
        Assert.All(cell[Units..], v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Dense_step_matches_the_equations_in_double_for_every_activation(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        (StepMatrix matrix, double[] a, float[] bias, float[] init, float[] x) = Setup(kernels, 1, precision);
        foreach (StepActivation activation in Enum.GetValues<StepActivation>())
        {
            float[] y = new float[matrix.PaddedUnits];
            kernels.DenseStep(matrix, init, x, y, activation, 0, 1);
            kernels.DenseStep(matrix, init, x, y, activation, 1, matrix.Panels - 1);
            for (int u = 0; u < Units; u++)
            {
                double s = PreActivation(a, x, bias[u], u);
                double expected = activation switch { StepActivation.Tanh => Math.Tanh(s), StepActivation.Relu => Math.Max(0, s), _ => s };
                Assert.True(Math.Abs(y[u] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{activation} y[{u}]: {y[u]} vs {expected}");
            }
        }
    }

    [Fact]
    public void BFloat16_rounds_to_nearest_even_and_keeps_special_values()
    {
        Assert.Equal(1f, BFloat16.ToSingle(BFloat16.FromSingle(1f)));
        // 1 + 2^-8 is half-way between 1 and 1 + 2^-7: ties go to the even mantissa (1).
        Assert.Equal(1f, BFloat16.ToSingle(BFloat16.FromSingle(1f + MathF.Pow(2, -8))));
        // 1 + 3 * 2^-8 is half-way between 1 + 2^-7 (odd) and 1 + 2^-6: goes up to the even one.
        Assert.Equal(1f + MathF.Pow(2, -6), BFloat16.ToSingle(BFloat16.FromSingle(1f + 3 * MathF.Pow(2, -8))));
        Assert.Equal(1f + MathF.Pow(2, -7), BFloat16.ToSingle(BFloat16.FromSingle(1f + MathF.Pow(2, -8) + MathF.Pow(2, -20))));
        Assert.Equal(-2.5f, BFloat16.ToSingle(BFloat16.FromSingle(-2.5f)));
        Assert.Equal(float.PositiveInfinity, BFloat16.ToSingle(BFloat16.FromSingle(float.PositiveInfinity)));
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(float.NaN))));
        Assert.All(KernelTestData.Uniform(1000, 3, -100f, 100f), v =>
            Assert.True(Math.Abs(BFloat16.ToSingle(BFloat16.FromSingle(v)) - v) <= Math.Abs(v) * Math.Pow(2, -8)));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void A_matrix_laid_out_for_another_path_or_cell_is_rejected(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        StepMatrix dense = new(kernels.Path, kernels.StepWidth, 1, Units, Inputs, WeightPrecision.Float32);
        float[] buffer = new float[4 * dense.Panels * dense.Width * dense.Columns];
        Assert.Throws<ArgumentException>(() => kernels.LstmStep(dense, buffer, buffer, new float[dense.PaddedUnits], new float[dense.PaddedUnits], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernels.DenseStep(dense, buffer, buffer, new float[dense.PaddedUnits], StepActivation.Tanh, 1, dense.Panels));
        Assert.Throws<ArgumentException>(() => kernels.DenseStep(dense, buffer, new float[Inputs - 1], new float[dense.PaddedUnits], StepActivation.Tanh, 0, 1));
    }
}

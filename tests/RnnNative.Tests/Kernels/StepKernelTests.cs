using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Single-token step kernels over <see cref="StepMatrix"/> panels against the equations in double:
/// gates = init + A · x (A rounded to bfloat16 first for that precision; for int8, A's rows and x put on
/// the int8 grid first, so quantising them again is exact and only the integer sums and the layout are
/// under test), then the LSTM or GRU cell or the one-gate activation. Odd sizes (units not a multiple of any width, K not a multiple of 4) and
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
            data.Add(path, WeightPrecision.Int8);
        }
        return data;
    }

    /// <summary>
    /// For int8: rows of [left | right] ([rows, leftColumns] and [rows, rightColumns]) replaced, in place,
    /// by s_r · round(v / s_r) with one s_r per row over both: values an int8 matrix holds exactly. Other
    /// precisions: unchanged.
    /// </summary>
    private static void SnapRows(WeightPrecision precision, float[] left, int leftColumns, float[]? right = null, int rightColumns = 0)
    {
        if (precision != WeightPrecision.Int8) return;
        for (int r = 0; r < left.Length / leftColumns; r++)
        {
            Span<float> a = left.AsSpan(r * leftColumns, leftColumns), b = right is null ? [] : right.AsSpan(r * rightColumns, rightColumns);
            float scale = Int8Quantization.Scale(Math.Max(Int8Quantization.MaxAbs(a), Int8Quantization.MaxAbs(b)));
            for (int k = 0; k < a.Length; k++) a[k] = scale * Int8Quantization.Quantize(a[k], scale);
            for (int k = 0; k < b.Length; k++) b[k] = scale * Int8Quantization.Quantize(b[k], scale);
        }
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// A random A [G*U, K] packed for <paramref name="kernels"/>, A as the kernels see it (rounded for
    /// bfloat16) in double, a bias [G*U], the bias in panel order (init) and x [stored columns].
    /// </summary>
    private static (StepMatrix Matrix, double[] Seen, float[] Bias, float[] Init, float[] X) Setup(KernelSet kernels, int gates, WeightPrecision precision)
    {
        float[] source = KernelTestData.Uniform(gates * Units * Inputs, gates, -0.5f, 0.5f);
        SnapRows(precision, source, Inputs);
        double[] seen = source.Select(v => precision == WeightPrecision.BFloat16 ? (double)BFloat16.ToSingle(BFloat16.FromSingle(v)) : v).ToArray();
        StepMatrix matrix = Pack(kernels, source, gates, precision);
        float[] bias = KernelTestData.Uniform(gates * Units, 5 + gates, -1f, 1f);
        float[] init = new float[matrix.Panels * gates * matrix.Width];
        matrix.ToPanelOrder(bias, init);
        float[] x = new float[matrix.Columns];
        float[] input = KernelTestData.Uniform(Inputs, 6 + gates, -2f, 2f);
        SnapRows(precision, input, Inputs);
        input.CopyTo(x, 0);
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
        matrix.MeasureColumns(left, Split, Split);
        matrix.MeasureColumns(right, Inputs - Split, Inputs - Split);
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

    private const int GruInputs = 11;

    /// <summary>A GRU layer as PyTorch holds it: W_ih [3U, I], W_hh [3U, U], b_ih and b_hh [3U], with an input [I] and hPrev [U].</summary>
    private sealed record GruLayer(float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, float[] Input, float[] HiddenPrev)
    {
        public static GruLayer Random() => new(
            KernelTestData.Uniform(3 * Units * GruInputs, 21, -0.5f, 0.5f),
            KernelTestData.Uniform(3 * Units * Units, 22, -0.3f, 0.3f),
            KernelTestData.Uniform(3 * Units, 23, -1f, 1f),
            KernelTestData.Uniform(3 * Units, 24, -1f, 1f),
            KernelTestData.Uniform(GruInputs, 25, -2f, 2f),
            KernelTestData.Uniform(Units, 26, -1f, 1f));

        /// <summary>a = W_ih · input + b_ih + [b_hr, b_hz, 0] [3U] in double, W_ih as the kernels see it.</summary>
        public double[] InputSide(Func<float, double> seen)
        {
            double[] a = new double[3 * Units];
            for (int row = 0; row < 3 * Units; row++)
            {
                a[row] = (double)BiasIh[row] + (row < 2 * Units ? BiasHh[row] : 0);
                for (int k = 0; k < GruInputs; k++) a[row] += seen(WeightIh[row * GruInputs + k]) * Input[k];
            }
            return a;
        }

        /// <summary>h from PyTorch's GRU equations in double, given the input side a [3U] and W_hh as the kernels see it.</summary>
        public double[] Hidden(double[] inputSide, Func<float, double> seen)
        {
            double[] h = new double[Units];
            for (int u = 0; u < Units; u++)
            {
                double Recurrent(int gate)
                {
                    double sum = 0;
                    for (int k = 0; k < Units; k++) sum += seen(WeightHh[(gate * Units + u) * Units + k]) * HiddenPrev[k];
                    return sum;
                }
                double r = Sigmoid(inputSide[u] + Recurrent(0));
                double z = Sigmoid(inputSide[Units + u] + Recurrent(1));
                double n = Math.Tanh(inputSide[2 * Units + u] + r * (Recurrent(2) + BiasHh[2 * Units + u]));
                h[u] = (1 - z) * n + z * HiddenPrev[u];
            }
            return h;
        }
    }

    private static Func<float, double> SeenAs(WeightPrecision precision) =>
        v => precision == WeightPrecision.BFloat16 ? BFloat16.ToSingle(BFloat16.FromSingle(v)) : v;

    /// <summary>
    /// The step over all panels in one call, and again split in two calls as threads split it: the
    /// halves give the same bits. Padding units stay exactly zero, so they never leak into the next layer.
    /// </summary>
    private static float[] GruStepWholeAndSplit(KernelSet kernels, StepMatrix matrix, float[] init, float[] x, float[] hiddenPrev)
    {
        float[] whole = new float[matrix.PaddedUnits], split = new float[matrix.PaddedUnits];
        kernels.GruStep(matrix, init, x, hiddenPrev, whole, 0, matrix.Panels);
        int half = matrix.Panels / 2;
        kernels.GruStep(matrix, init, x, hiddenPrev, split, 0, half);
        kernels.GruStep(matrix, init, x, hiddenPrev, split, half, matrix.Panels - half);
        Assert.Equal(whole, split);
        Assert.All(whole[Units..], v => Assert.Equal(0f, v));
        return whole;
    }

    /// <summary>Stated tolerance 2e-6 absolute: float sums over 49 columns plus the σ/tanh bounds (measured under 1e-6).</summary>
    private static void AssertHiddenNear(double[] expected, float[] actual)
    {
        for (int u = 0; u < Units; u++)
        {
            Assert.True(Math.Abs(actual[u] - expected[u]) <= 2e-6, $"h[{u}]: {actual[u]} vs {expected[u]}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Gru_step_over_input_and_hidden_matches_the_cell_equations_in_double(KernelPath path, WeightPrecision precision)
    {
        // A [3U, 12 + U] = [[W_ir, 0, W_hr], [W_iz, 0, W_hz], [W_in, 0, W_hn]]: the odd input (11) padded
        // with a zero column so h starts on a section boundary (StepMatrix.SectionMultiple); init = [b_ir + b_hr, b_iz + b_hz, b_in, b_hn];
        // x = [input; 0; h].
        KernelSet kernels = KernelSet.For(path);
        GruLayer layer = GruLayer.Random();
        SnapRows(precision, layer.WeightIh, GruInputs, layer.WeightHh, Units);
        SnapRows(precision, layer.Input, GruInputs, layer.HiddenPrev, Units);
        const int HiddenColumn = GruInputs + 1;
        Assert.Equal(0, HiddenColumn % StepMatrix.SectionMultiple);
        float[] initRows = new float[4 * Units];
        for (int row = 0; row < 3 * Units; row++)
        {
            initRows[row] = row < 2 * Units ? layer.BiasIh[row] + layer.BiasHh[row] : layer.BiasIh[row];
        }
        Array.Copy(layer.BiasHh, 2 * Units, initRows, 3 * Units, Units);
        StepMatrix matrix = new(kernels.Path, kernels.StepWidth, 3, Units, HiddenColumn + Units, precision);
        matrix.MeasureColumns(layer.WeightIh, GruInputs, GruInputs);
        matrix.MeasureColumns(layer.WeightHh, Units, Units);
        matrix.SetColumns(layer.WeightIh, GruInputs, 0, GruInputs);
        matrix.SetColumns(layer.WeightHh, Units, HiddenColumn, Units);
        float[] init = new float[matrix.Panels * 4 * matrix.Width];
        matrix.ToPanelOrder(initRows, 4, init);
        float[] x = new float[matrix.Columns], hiddenPrev = new float[matrix.PaddedUnits];
        layer.Input.CopyTo(x, 0);
        layer.HiddenPrev.CopyTo(x, HiddenColumn);
        layer.HiddenPrev.CopyTo(hiddenPrev, 0);

        float[] hidden = GruStepWholeAndSplit(kernels, matrix, init, x, hiddenPrev);

        Func<float, double> seen = SeenAs(precision);
        AssertHiddenNear(layer.Hidden(layer.InputSide(seen), seen), hidden);
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Gru_step_over_hidden_alone_with_a_token_row_matches_the_cell_equations_in_double(KernelPath path, WeightPrecision precision)
    {
        // An input section of 0 columns: A [3U, U] = W_hh over x = h; init = one float32 token-table row [a_r, a_z, a_n, b_hn].
        // x and hiddenPrev share one buffer, as a caller may pass them.
        KernelSet kernels = KernelSet.For(path);
        GruLayer layer = GruLayer.Random();
        SnapRows(precision, layer.WeightHh, Units);
        SnapRows(precision, layer.HiddenPrev, Units);
        float[] tokenRow = [.. layer.InputSide(v => v).Select(v => (float)v), .. layer.BiasHh.AsSpan(2 * Units, Units)];
        StepMatrix matrix = new(kernels.Path, kernels.StepWidth, 3, Units, Units, precision);
        matrix.MeasureColumns(layer.WeightHh, Units, Units);
        matrix.SetColumns(layer.WeightHh, Units, 0, Units);
        float[] init = new float[matrix.Panels * 4 * matrix.Width];
        matrix.ToPanelOrder(tokenRow, 4, init);
        float[] state = new float[Math.Max(matrix.Columns, matrix.PaddedUnits)];
        layer.HiddenPrev.CopyTo(state, 0);

        float[] hidden = GruStepWholeAndSplit(kernels, matrix, init, state, state);

        double[] inputSide = tokenRow[..(3 * Units)].Select(v => (double)v).ToArray();
        AssertHiddenNear(layer.Hidden(inputSide, SeenAs(precision)), hidden);
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Gru_step_rejects_other_gate_counts_odd_input_sections_short_inits_and_overlapping_outputs(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        StepMatrix dense = new(kernels.Path, kernels.StepWidth, 1, Units, Units, WeightPrecision.Float32);
        StepMatrix lstm = new(kernels.Path, kernels.StepWidth, 4, Units, Units, WeightPrecision.Float32);
        StepMatrix oddSection = new(kernels.Path, kernels.StepWidth, 3, Units, GruInputs + Units, WeightPrecision.Float32);
        StepMatrix gru = new(kernels.Path, kernels.StepWidth, 3, Units, Units, WeightPrecision.Float32);
        int padded = gru.PaddedUnits, state = Math.Max(oddSection.Columns, padded);
        float[] init = new float[gru.Panels * 4 * gru.Width], x = new float[state], hiddenPrev = new float[padded];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.GruStep(dense, init, x, hiddenPrev, new float[padded], 0, 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.GruStep(lstm, init, x, hiddenPrev, new float[padded], 0, 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.GruStep(oddSection, init, x, hiddenPrev, new float[padded], 0, 1)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.LstmStep(gru, init, x, new float[padded], new float[padded], 0, 1)).ParamName);
        ArgumentException shortInit = Assert.Throws<ArgumentException>(() => kernels.GruStep(gru, init.AsSpan(0, gru.Panels * 3 * gru.Width), x, hiddenPrev, new float[padded], 0, 1));
        Assert.Equal("init", shortInit.ParamName);
        // The shape is formatted only on failure (KernelArguments.FailureMessage), and then in full.
        Assert.StartsWith($"init has {gru.Panels * 3 * gru.Width} elements but [{gru.Panels}, 4, {gru.Width}] (panels, blocks, width) needs {gru.Panels * 4 * gru.Width}.", shortInit.Message);
        Assert.Equal("hiddenPrev", Assert.Throws<ArgumentException>(() => kernels.GruStep(gru, init, x, hiddenPrev.AsSpan(1), new float[padded], 0, 1)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => kernels.GruStep(gru, init, x, hiddenPrev, x, 0, 1)).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => kernels.GruStep(gru, init, new float[state], hiddenPrev, hiddenPrev, 0, 1)).ParamName);
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

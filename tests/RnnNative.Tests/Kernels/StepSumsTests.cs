using RnnNative.Kernels;
using RnnNative.Kernels.Simd;
using RnnNative.Kernels.Step;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// A single-token step split in two (<see cref="KernelSet.StepSums"/>, then <see cref="KernelSet.StepFromSums"/> on the
/// sums plus a token row, as <see cref="RnnNative.Model.SingleTokenStep"/> runs a token-table layer 0): the sums against
/// init + A · x in double, the finished step against the fused one (<see cref="StepKernelTests"/> holds that to the
/// equations) for the LSTM, the GRU (with and without an input section) and one gate, on every path and precision; and
/// panels read backward give the same bits as forward, fused or not.
/// </summary>
public class StepSumsTests
{
    private const int Units = 37, Inputs = 29;

    public static TheoryData<KernelPath, WeightPrecision> PathsAndPrecisions() => StepKernelTests.PathsAndPrecisions();

    /// <summary>A [G*U, <paramref name="inputs"/>] of random values packed for <paramref name="kernels"/> (int8: per-row
    /// scales from the values), a starting row in panel order ([panels, blocks, W]) and x [stored columns].</summary>
    private static (StepMatrix Matrix, float[] Source, float[] Init, float[] X) Setup(KernelSet kernels, int gates, int inputs, WeightPrecision precision)
    {
        float[] source = KernelTestData.Uniform(gates * Units * inputs, 40 + gates, -0.5f, 0.5f);
        StepMatrix matrix = new(kernels.Path, kernels.StepWidth, gates, Units, inputs, precision);
        matrix.MeasureColumns(source, inputs, inputs);
        matrix.SetColumns(source, inputs, 0, inputs);
        int blocks = gates == 1 ? 1 : 4;
        float[] init = new float[matrix.Panels * blocks * matrix.Width];
        matrix.ToPanelOrder(KernelTestData.Uniform(blocks * Units, 50 + gates, -1f, 1f), blocks, init);
        float[] x = new float[matrix.Columns];
        KernelTestData.Uniform(inputs, 60 + gates, -2f, 2f).CopyTo(x, 0);
        return (matrix, source, init, x);
    }

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="expected"/> up to float rounding (1e-5 relative), over [0, count).</summary>
    private static void AssertNear(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int count, string what)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i])), $"{what}[{i}]: {actual[i]} vs {expected[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Lstm_sums_are_init_plus_A_x_in_the_starting_sums_layout(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        (StepMatrix matrix, float[] source, float[] init, float[] x) = Setup(kernels, 4, Inputs, precision);
        float[] sums = new float[init.Length];
        kernels.StepSums(matrix, init, x, sums, 0, matrix.Panels);

        // [panels, 4, W] back to rows [4U] to compare with the rows' own sums.
        float[] initRows = new float[4 * Units], sumsRows = new float[4 * Units];
        FromPanelOrder(matrix, init, initRows);
        FromPanelOrder(matrix, sums, sumsRows);
        // Within what the precision's rounding of A (and, for int8, of x) can move a sum of 29 terms of |a x| <= 1.
        double tolerance = precision switch { WeightPrecision.Float32 => 1e-5, WeightPrecision.BFloat16 => 0.05, _ => 0.15 };
        double largest = 0;
        for (int row = 0; row < 4 * Units; row++)
        {
            double expected = initRows[row];
            for (int k = 0; k < Inputs; k++) expected += (double)source[row * Inputs + k] * x[k];
            Assert.True(Math.Abs(sumsRows[row] - expected) <= tolerance, $"row {row}: {sumsRows[row]} vs {expected}");
            largest = Math.Max(largest, Math.Abs(expected - initRows[row]));
        }
        Assert.True(largest > 0.5, "A · x is not negligible against the tolerance");   // the check above could not pass on init alone
    }

    /// <summary><paramref name="panelOrder"/> [panels, 4, W] as rows [4U] (the padding units dropped).</summary>
    private static void FromPanelOrder(StepMatrix matrix, float[] panelOrder, float[] rows)
    {
        int w = matrix.Width;
        for (int gate = 0; gate < 4; gate++)
        {
            for (int u = 0; u < Units; u++) rows[gate * Units + u] = panelOrder[(u / w * 4 + gate) * w + u % w];
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Lstm_from_sums_is_the_fused_step(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        (StepMatrix matrix, _, float[] row, float[] x) = Setup(kernels, 4, Inputs, precision);
        float[] cellBefore = new float[matrix.PaddedUnits];
        KernelTestData.Uniform(Units, 7, -2f, 2f).CopyTo(cellBefore, 0);
        float[] zeros = new float[row.Length], sums = new float[row.Length];
        float[] fusedCell = [.. cellBefore], fusedHidden = new float[matrix.PaddedUnits];
        float[] cell = [.. cellBefore], hidden = new float[matrix.PaddedUnits];

        kernels.LstmStep(matrix, row, x, fusedCell, fusedHidden, 0, matrix.Panels);
        SumsInTwoCalls(kernels, matrix, zeros, x, sums);
        kernels.StepFromSums(4, row, sums, [], cell, hidden, StepActivation.Identity, matrix.Panels);

        AssertNear(fusedCell, cell, matrix.PaddedUnits, "c");
        AssertNear(fusedHidden, hidden, matrix.PaddedUnits, "h");
        Assert.All(hidden[Units..], v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Gru_from_sums_is_the_fused_step_with_and_without_an_input_section(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        // Over h alone (a token-table layer 0, the case SingleTokenStep sums ahead), and over [input; h] with an input
        // section of one column group, so nx and nh are both sums and land in their own blocks.
        foreach (int inputSection in new[] { 0, StepMatrix.SectionMultiple * 2 })
        {
            (StepMatrix matrix, _, float[] row, float[] x) = Setup(kernels, 3, inputSection + Units, precision);
            float[] hiddenPrev = new float[matrix.PaddedUnits];
            x.AsSpan(inputSection, Units).CopyTo(hiddenPrev);
            float[] zeros = new float[row.Length], sums = new float[row.Length];
            float[] fused = new float[matrix.PaddedUnits], hidden = new float[matrix.PaddedUnits];

            kernels.GruStep(matrix, row, x, hiddenPrev, fused, 0, matrix.Panels);
            SumsInTwoCalls(kernels, matrix, zeros, x, sums);
            kernels.StepFromSums(3, row, sums, hiddenPrev, [], hidden, StepActivation.Identity, matrix.Panels);

            AssertNear(fused, hidden, matrix.PaddedUnits, $"h (input section {inputSection})");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void One_gate_from_sums_is_the_fused_step_for_every_activation(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        (StepMatrix matrix, _, float[] row, float[] x) = Setup(kernels, 1, Inputs, precision);
        float[] zeros = new float[row.Length], sums = new float[row.Length];
        SumsInTwoCalls(kernels, matrix, zeros, x, sums);
        foreach (StepActivation activation in Enum.GetValues<StepActivation>())
        {
            float[] fused = new float[matrix.PaddedUnits], y = new float[matrix.PaddedUnits];
            kernels.DenseStep(matrix, row, x, fused, activation, 0, matrix.Panels);
            kernels.StepFromSums(1, row, sums, [], [], y, activation, matrix.Panels);
            AssertNear(fused, y, matrix.PaddedUnits, $"{activation} y");
        }
    }

    /// <summary>The sums over all panels, as two threads would split them: the first half backward, the rest forward.</summary>
    private static void SumsInTwoCalls(KernelSet kernels, StepMatrix matrix, float[] init, float[] x, float[] sums)
    {
        int half = matrix.Panels / 2;
        kernels.StepSums(matrix, init, x, sums, 0, half, backward: true);
        kernels.StepSums(matrix, init, x, sums, half, matrix.Panels - half);
    }

    [Theory]
    [MemberData(nameof(PathsAndPrecisions))]
    public void Panels_read_backward_give_the_same_bits_as_forward(KernelPath path, WeightPrecision precision)
    {
        KernelSet kernels = KernelSet.For(path);
        foreach (int gates in new[] { 1, 3, 4 })
        {
            (StepMatrix matrix, _, float[] init, float[] x) = Setup(kernels, gates, StepMatrix.SectionMultiple + Units, precision);
            float[] previous = new float[matrix.PaddedUnits];
            x.AsSpan(StepMatrix.SectionMultiple, Units).CopyTo(previous);
            float[][] results = new float[2][];
            float[][] sums = [new float[init.Length], new float[init.Length]];
            for (int direction = 0; direction < 2; direction++)
            {
                bool backward = direction == 1;
                float[] hidden = new float[matrix.PaddedUnits], state = [.. previous];
                switch (gates)
                {
                    case 4: kernels.LstmStep(matrix, init, x, state, hidden, 0, matrix.Panels, backward); break;
                    case 3: kernels.GruStep(matrix, init, x, previous, hidden, 0, matrix.Panels, backward); break;
                    default: kernels.DenseStep(matrix, init, x, hidden, StepActivation.Tanh, 0, matrix.Panels, backward); break;
                }
                results[direction] = [.. hidden, .. state];
                kernels.StepSums(matrix, init, x, sums[direction], 0, matrix.Panels, backward);
            }
            Assert.Equal(results[0], results[1]);
            Assert.Equal(sums[0], sums[1]);
            Assert.Contains(sums[0], v => v != 0f);
        }
    }

    /// <summary>Records the panels a kernel hands its sink, in order: <c>visited[0]</c> counts them, the rest lists them.</summary>
    private readonly unsafe struct OrderSink(int* visited) : IStepSink<float>
    {
        public void Lstm(float i, float f, float g, float o, nint panel) => Record(panel);

        public void Gru(float r, float z, float nx, float nh, nint panel) => Record(panel);

        public void Dense(float s, nint panel) => Record(panel);

        private void Record(nint panel) => visited[1 + visited[0]++] = (int)panel;
    }

    /// <summary>
    /// The order itself, which the bit-for-bit tests cannot see (any order gives the same bits): every kernel family of the
    /// single-token step (float32, bfloat16, int8; LSTM, GRU, one gate; the scalar path, one unit a panel) visits panels
    /// [5, 25) ascending, and descending when asked backward, the reuse of L2 between tokens that SingleTokenStep counts on.
    /// </summary>
    [Fact]
    public unsafe void Kernels_visit_their_panels_in_the_order_asked()
    {
        KernelSet kernels = KernelSet.For(KernelPath.Scalar);
        const int First = 5, Count = 20;
        int[] ascending = [.. Enumerable.Range(First, Count)], descending = [.. ascending.Reverse()];
        foreach (WeightPrecision precision in Enum.GetValues<WeightPrecision>())
        {
            foreach (int gates in new[] { 1, 3, 4 })
            {
                (StepMatrix matrix, _, float[] init, float[] x) = Setup(kernels, gates, StepMatrix.SectionMultiple + Units, precision);
                foreach (bool backward in new[] { false, true })
                {
                    int[] visited = new int[1 + Count];
                    sbyte[] quantized = new sbyte[matrix.Columns];
                    fixed (int* v = visited)
                    fixed (float* pi = init, px = x)
                    fixed (sbyte* pq = quantized)
                    {
                        OrderSink sink = new(v);
                        switch (precision, gates)
                        {
                            case (WeightPrecision.Int8, 4): StepKernelsInt8<float, ScalarSimd>.Lstm(matrix, pi, pq, 1f, sink, First, Count, backward); break;
                            case (WeightPrecision.Int8, 3): StepKernelsInt8<float, ScalarSimd>.Gru(matrix, pi, pq, 1f, sink, First, Count, backward); break;
                            case (WeightPrecision.Int8, _): StepKernelsInt8<float, ScalarSimd>.Dense(matrix, pi, pq, 1f, sink, First, Count, backward); break;
                            case (WeightPrecision.BFloat16, 4): StepKernels<float, ScalarSimd, BFloat16Weights>.Lstm(matrix, pi, px, sink, First, Count, backward); break;
                            case (WeightPrecision.BFloat16, 3): StepKernels<float, ScalarSimd, BFloat16Weights>.Gru(matrix, pi, px, sink, First, Count, backward); break;
                            case (WeightPrecision.BFloat16, _): StepKernels<float, ScalarSimd, BFloat16Weights>.Dense(matrix, pi, px, sink, First, Count, backward); break;
                            case (_, 4): StepKernels<float, ScalarSimd, Float32Weights>.Lstm(matrix, pi, px, sink, First, Count, backward); break;
                            case (_, 3): StepKernels<float, ScalarSimd, Float32Weights>.Gru(matrix, pi, px, sink, First, Count, backward); break;
                            default: StepKernels<float, ScalarSimd, Float32Weights>.Dense(matrix, pi, px, sink, First, Count, backward); break;
                        }
                    }
                    Assert.Equal(Count, visited[0]);
                    Assert.Equal(backward ? descending : ascending, visited[1..]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Sums_and_steps_from_sums_reject_other_gate_counts_and_short_buffers(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path);
        StepMatrix two = new(kernels.Path, kernels.StepWidth, 2, Units, Units, WeightPrecision.Float32);
        StepMatrix lstm = new(kernels.Path, kernels.StepWidth, 4, Units, Units, WeightPrecision.Float32);
        int blocks = lstm.Panels * 4 * lstm.Width, padded = lstm.PaddedUnits;
        float[] init = new float[blocks], x = new float[lstm.Columns];
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => kernels.StepSums(two, init, x, new float[blocks], 0, 1)).ParamName);
        Assert.Equal("sums", Assert.Throws<ArgumentException>(() => kernels.StepSums(lstm, init, x, new float[blocks - 1], 0, 1)).ParamName);
        Assert.Equal("gates", Assert.Throws<ArgumentOutOfRangeException>(() => kernels.StepFromSums(2, init, init, [], new float[padded], new float[padded], StepActivation.Identity, lstm.Panels)).ParamName);
        Assert.Equal("sums", Assert.Throws<ArgumentException>(() => kernels.StepFromSums(4, init, init.AsSpan(1), [], new float[padded], new float[padded], StepActivation.Identity, lstm.Panels)).ParamName);
        Assert.Equal("cell", Assert.Throws<ArgumentException>(() => kernels.StepFromSums(4, init, init, [], [], new float[padded], StepActivation.Identity, lstm.Panels)).ParamName);
        Assert.Equal("hiddenPrev", Assert.Throws<ArgumentException>(() => kernels.StepFromSums(3, init, init, [], [], new float[padded], StepActivation.Identity, lstm.Panels)).ParamName);
    }
}

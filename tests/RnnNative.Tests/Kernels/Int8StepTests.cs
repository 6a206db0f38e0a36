using System.Runtime.Intrinsics;
using RnnNative.Kernels;
using RnnNative.Kernels.Simd;
using RnnNative.Kernels.Step;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// The int8 step's pieces: the integer dot product of every register width this machine runs against
/// the scalar reference (exact, including the extremes ±127 that would saturate a naive pmaddubsw),
/// the quantisation's round-trip bound, and whole steps on off-grid values against float32 within the
/// bound the quantisation allows.
/// </summary>
public unsafe class Int8StepTests
{
    public static TheoryData<KernelPath> VectorPaths => KernelPathData.Vectorized;

    /// <summary>Σ_k weights[4l + i] · x_i over <paramref name="quads"/> quads per lane, as <see cref="ISimd{TVec}.DotInt8Quads"/> chains them.</summary>
    private static int[] DotQuads<TVec, TSimd>(sbyte[] weights, int[] quads)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec sums = TSimd.Zero;
        for (int q = 0; q < quads.Length; q++)
        {
            sums = TSimd.DotInt8Quads(sums, in weights[q * 4 * TSimd.Count], quads[q]);
        }
        int[] lanes = new int[TSimd.Count];
        float[] asFloats = new float[TSimd.Count];
        TSimd.Store(sums, ref asFloats[0]);
        for (int l = 0; l < lanes.Length; l++) lanes[l] = BitConverter.SingleToInt32Bits(asFloats[l]);
        return lanes;
    }

    private static int[] DotQuadsOn(KernelPath path, sbyte[] weights, int[] quads) => path switch
    {
        KernelPath.Vector128 => DotQuads<Vector128<float>, Simd128>(weights, quads),
        KernelPath.Avx2 => DotQuads<Vector256<float>, Simd256>(weights, quads),
        KernelPath.Avx512 => DotQuads<Vector512<float>, Simd512>(weights, quads),
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    /// <summary>Lanes of the given width, each summed by the scalar path (<see cref="ScalarSimd.DotInt8Quads"/>) one lane at a time.</summary>
    private static int[] ScalarReference(int width, sbyte[] weights, int[] quads)
    {
        int[] lanes = new int[width];
        for (int l = 0; l < width; l++)
        {
            sbyte[] lane = new sbyte[4 * quads.Length];
            for (int q = 0; q < quads.Length; q++) Array.Copy(weights, (q * width + l) * 4, lane, 4 * q, 4);
            lanes[l] = DotQuads<float, ScalarSimd>(lane, quads)[0];
        }
        return lanes;
    }

    private static int Quad(sbyte x0, sbyte x1, sbyte x2, sbyte x3) => (byte)x0 | ((byte)x1 << 8) | ((byte)x2 << 16) | ((byte)x3 << 24);

    [Theory]
    [MemberData(nameof(VectorPaths))]
    public void Integer_dot_products_equal_the_scalar_sums_exactly(KernelPath path)
    {
        int width = KernelSet.For(path).StepWidth;
        Random random = new(17);
        foreach (int quadCount in new[] { 1, 2, 7, 300 })
        {
            sbyte[] weights = new sbyte[quadCount * 4 * width];
            int[] quads = new int[quadCount];
            for (int i = 0; i < weights.Length; i++) weights[i] = (sbyte)random.Next(-127, 128);
            for (int q = 0; q < quadCount; q++) quads[q] = Quad((sbyte)random.Next(-127, 128), (sbyte)random.Next(-127, 128), (sbyte)random.Next(-127, 128), (sbyte)random.Next(-127, 128));
            Assert.Equal(ScalarReference(width, weights, quads), DotQuadsOn(path, weights, quads));
        }

        // Extremes: 127 · 127 products of both signs, pairs that would pass 2^15 if x were offset to
        // unsigned (pmaddubsw saturates), and x = 0 (the sign trick zeroes w there).
        sbyte[] extreme = new sbyte[4 * width];
        for (int i = 0; i < extreme.Length; i++) extreme[i] = (sbyte)(i % 3 == 0 ? -127 : 127);
        foreach (int quad in new[] { Quad(127, 127, 127, 127), Quad(-127, -127, -127, -127), Quad(-127, 127, 0, -1), Quad(0, 0, 0, 0) })
        {
            int[] quads = Enumerable.Repeat(quad, 1000).ToArray();
            sbyte[] weights = Enumerable.Repeat(extreme, 1000).SelectMany(w => w).ToArray();
            Assert.Equal(ScalarReference(width, weights, quads), DotQuadsOn(path, weights, quads));
        }
        // The scalar reference itself: 1000 quads of 4 · 127 · 127 each.
        Assert.Equal(1000 * 4 * 127 * 127, ScalarReference(1, Enumerable.Repeat((sbyte)127, 4000).ToArray(), Enumerable.Repeat(Quad(127, 127, 127, 127), 1000).ToArray())[0]);
    }

    [Fact]
    public void Quantisation_round_trip_is_within_half_a_step_and_keeps_the_largest_value()
    {
        foreach (float range in new[] { 1e-3f, 0.5f, 3f, 1000f })
        {
            float[] values = KernelTestData.Uniform(513, 9, -range, range);
            sbyte[] quantized = new sbyte[values.Length];
            float scale = Int8Quantization.Quantize(values, quantized);
            float max = Int8Quantization.MaxAbs(values);
            Assert.Equal(max / 127f, scale);
            Assert.Contains(quantized, q => Math.Abs((int)q) == 127);
            Assert.DoesNotContain(quantized, q => q == -128);
            for (int k = 0; k < values.Length; k++)
            {
                Assert.True(Math.Abs(values[k] - scale * quantized[k]) <= scale / 2 * (1 + 1e-5), $"range {range}, v[{k}] = {values[k]}: {quantized[k]} · {scale}");
            }
        }
        sbyte[] zeros = new sbyte[4];
        Assert.Equal(0f, Int8Quantization.Quantize(new float[4], zeros));
        Assert.All(zeros, q => Assert.Equal(0, q));
    }

    private static float QuantizeOn(KernelPath path, float[] values, sbyte[] quantized)
    {
        fixed (float* v = values)
        fixed (sbyte* q = quantized)
        {
            return path switch
            {
                KernelPath.Scalar => Int8Quantization.Quantize<float, ScalarSimd>(v, values.Length, q),
                KernelPath.Vector128 => Int8Quantization.Quantize<Vector128<float>, Simd128>(v, values.Length, q),
                KernelPath.Avx2 => Int8Quantization.Quantize<Vector256<float>, Simd256>(v, values.Length, q),
                KernelPath.Avx512 => Int8Quantization.Quantize<Vector512<float>, Simd512>(v, values.Length, q),
                _ => throw new ArgumentOutOfRangeException(nameof(path)),
            };
        }
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Register_wide_input_quantisation_gives_the_scalar_scale_and_bytes(KernelPath path)
    {
        for (int length = 0; length <= 257; length++)
        {
            foreach (float range in new[] { 1e-3f, 2f, 1000f })
            {
                float[] values = KernelTestData.Uniform(length, 40 + length, -range, range);
                // Ties: with 127 the largest value the scale is 1, so 2.5 and -3.5 round to even (2, -4).
                if (length > 3)
                {
                    values[0] = 127f;
                    values[1] = 2.5f;
                    values[2] = -3.5f;
                    values[3] = 0f;
                }
                sbyte[] expected = new sbyte[length], actual = new sbyte[length];
                float scale = Int8Quantization.Quantize(values, expected);
                Assert.Equal(scale, QuantizeOn(path, values, actual));
                Assert.Equal(expected, actual);
            }
        }
        sbyte[] zeros = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5];
        Assert.Equal(0f, QuantizeOn(path, new float[zeros.Length], zeros));
        Assert.All(zeros, q => Assert.Equal(0, q));
    }

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Int8_dense_step_on_random_values_stays_within_the_quantisation_bound_of_float32(KernelPath path)
    {
        // y = A · x with A [U, K] uniform in ±0.5 and x in ±2: per term |a·x - ã·x̃| ≤ |x|·s_r/2 + |a|·s_x/2 + s_r·s_x/4.
        const int Units = 45, Inputs = 203;
        KernelSet kernels = KernelSet.For(path);
        float[] a = KernelTestData.Uniform(Units * Inputs, 31, -0.5f, 0.5f);
        StepMatrix float32 = new(kernels.Path, kernels.StepWidth, 1, Units, Inputs, WeightPrecision.Float32);
        StepMatrix int8 = new(kernels.Path, kernels.StepWidth, 1, Units, Inputs, WeightPrecision.Int8);
        foreach (StepMatrix m in new[] { float32, int8 })
        {
            m.MeasureColumns(a, Inputs, Inputs);
            m.SetColumns(a, Inputs, 0, Inputs);
        }
        float[] x = new float[float32.Columns], init = new float[float32.PaddedUnits];
        KernelTestData.Uniform(Inputs, 32, -2f, 2f).CopyTo(x, 0);
        float[] expected = new float[float32.PaddedUnits], actual = new float[int8.PaddedUnits];
        kernels.DenseStep(float32, init, x, expected, StepActivation.Identity, 0, float32.Panels);
        kernels.DenseStep(int8, init, x, actual, StepActivation.Identity, 0, int8.Panels);

        double xScale = Int8Quantization.MaxAbs(x) / 127.0;
        double largest = 0;
        for (int u = 0; u < Units; u++)
        {
            double rowScale = Int8Quantization.MaxAbs(a.AsSpan(u * Inputs, Inputs)) / 127.0, bound = 0;
            for (int k = 0; k < Inputs; k++) bound += Math.Abs(x[k]) * rowScale / 2 + Math.Abs(a[u * Inputs + k]) * xScale / 2 + rowScale * xScale / 4;
            double error = Math.Abs(actual[u] - expected[u]);
            Assert.True(error <= bound, $"y[{u}]: {actual[u]} vs {expected[u]}, bound {bound}");
            largest = Math.Max(largest, error);
        }
        // The quantisation is real (not float32 in disguise) and, with errors of both signs, far below the worst case.
        Assert.InRange(largest, 1e-4, 0.2);
    }

    /// <summary>
    /// The AVX-VNNI single-token kernels (<see cref="StepKernelsVnni{TVec, TSimd}"/>: x offset to unsigned bytes, the dense
    /// one summing four column quads apart) add the same integers as the sign-trick kernels
    /// (<see cref="StepKernelsInt8{TVec, TSimd}"/>), so their sums are the same bits: one gate (a decoder), a GRU with an input
    /// section (n split at h's first column) and an LSTM, over K = 204 stored columns (a remainder after the dense kernel's
    /// passes of 16). Skipped where the machine has no AVX-VNNI.
    /// </summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 72)]
    [InlineData(4, 0)]
    public void Vnni_step_sums_equal_the_sign_trick_sums_to_the_bit(int gates, int inputSection)
    {
        const int Units = 45, Inputs = 203;
        int columns = gates == 3 ? inputSection + Units : Inputs;
        StepMatrix m = new(KernelPath.Avx512, Vector512<float>.Count, gates, Units, columns, WeightPrecision.Int8);
        if (!StepKernelsVnni<Vector512<float>, Simd512>.Serves(m)) return;
        float[] a = KernelTestData.Uniform(gates * Units * columns, 41, -0.5f, 0.5f);
        m.MeasureColumns(a, columns, columns);
        m.SetColumns(a, columns, 0, columns);
        float[] x = new float[m.Columns], init = KernelTestData.Uniform(m.Panels * (gates == 1 ? 1 : 4) * m.Width, 42, -1f, 1f);
        KernelTestData.Uniform(columns, 43, -2f, 2f).CopyTo(x, 0);
        float[] signTrick = new float[init.Length], vnni = new float[init.Length];
        sbyte[] xq = new sbyte[m.Columns];
        float xScale = Int8Quantization.Quantize(x, xq);
        sbyte[] xu = (sbyte[])xq.Clone();
        Int8Quantization.OffsetToUnsigned(xu);
        fixed (float* pi = init, ps = signTrick, pv = vnni)
        fixed (sbyte* pq = xq, pu = xu)
        {
            SumsSink<Vector512<float>, Simd512> toSignTrick = new(ps), toVnni = new(pv);
            switch (gates)
            {
                case 1:
                    StepKernelsInt8<Vector512<float>, Simd512>.Dense(m, pi, pq, xScale, toSignTrick, 0, m.Panels, backward: false);
                    StepKernelsVnni<Vector512<float>, Simd512>.Dense(m, pi, pu, xScale, toVnni, 0, m.Panels, backward: true);
                    break;
                case 3:
                    StepKernelsInt8<Vector512<float>, Simd512>.Gru(m, pi, pq, xScale, toSignTrick, 0, m.Panels, backward: false);
                    StepKernelsVnni<Vector512<float>, Simd512>.Gru(m, pi, pu, xScale, toVnni, 0, m.Panels, backward: true);
                    break;
                default:
                    StepKernelsInt8<Vector512<float>, Simd512>.Lstm(m, pi, pq, xScale, toSignTrick, 0, m.Panels, backward: false);
                    StepKernelsVnni<Vector512<float>, Simd512>.Lstm(m, pi, pu, xScale, toVnni, 0, m.Panels, backward: true);
                    break;
            }
        }
        Assert.Equal(signTrick, vnni);
        Assert.Contains(vnni, v => v != 0f);
    }

    /// <summary>
    /// The offset form of the batched int8 step (<see cref="BatchedStepKernelsVnni{TVec, TSimd}"/>) rests on
    /// Σ q·x = Σ q·(x + 128) − 128·Σ q: the matrix's offset sums against sums by hand of a 2-gate matrix whose rows are one
    /// weight ±127 and zeros (so its row scales quantise them exactly), split at a section column, and x + 128 as bytes.
    /// </summary>
    [Fact]
    public void Offset_sums_are_128_times_each_rows_weights_and_x_moves_to_unsigned_bytes()
    {
        const int gates = 2, units = 3, inputs = 7, width = 4;
        // Row r (gate r / units, unit r % units) has 127 at column r % inputs and -127 at column (r + 2) % inputs.
        float[] source = new float[gates * units * inputs];
        for (int r = 0; r < gates * units; r++)
        {
            source[r * inputs + r % inputs] += 127f;
            source[r * inputs + (r + 2) % inputs] -= 127f;
        }
        StepMatrix matrix = new(KernelPath.Scalar, width, gates, units, inputs, WeightPrecision.Int8);
        matrix.MeasureColumns(source, inputs, inputs);
        matrix.SetColumns(source, inputs, 0, inputs);
        const int section = 4;
        int[] sums = matrix.OffsetSums(section);
        for (int gate = 0; gate <= gates; gate++)
        {
            for (int lane = 0; lane < width; lane++)
            {
                int expected = 0;
                if (lane < units)
                {
                    int r = (Math.Min(gate, gates - 1)) * units + lane;
                    for (int k = 0; k < inputs; k++)
                    {
                        if (gate == gates && k >= section) continue;   // block G: the last gate before the section
                        expected += 128 * (int)source[r * inputs + k];
                    }
                }
                Assert.Equal(expected, sums[gate * width + lane]);
            }
        }
        Assert.NotEqual(0, sums[gates * width]);   // the section block is not vacuous: row 3 has +127 at column 3 < 4, -127 at 5

        sbyte[] x = [-127, -1, 0, 1, 127, 5, -5, 64, -64, 2, 3];
        sbyte[] offset = (sbyte[])x.Clone();
        Int8Quantization.OffsetToUnsigned(offset);
        for (int k = 0; k < x.Length; k++) Assert.Equal(x[k] + 128, (byte)offset[k]);
    }
}

using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

internal sealed unsafe partial class SimdKernelSet<TVec, TSimd>
{
    internal override int StepWidth => TSimd.Count;

    private protected override void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount, bool backward)
    {
        fixed (float* pi = init, px = x, pc = cell, ph = hidden)
        {
            Step(a, pi, px, new CellSink<TVec, TSimd>(pc, ph, StepActivation.Identity), firstPanel, panelCount, backward);
        }
    }

    private protected override void GruStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount, bool backward)
    {
        fixed (float* pi = init, px = x, pp = hiddenPrev, ph = hidden)
        {
            Step(a, pi, px, new CellSink<TVec, TSimd>(pp, ph, StepActivation.Identity), firstPanel, panelCount, backward);
        }
    }

    private protected override void DenseStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount, bool backward)
    {
        fixed (float* pi = init, px = x, py = y)
        {
            Step(a, pi, px, new CellSink<TVec, TSimd>(null, py, activation), firstPanel, panelCount, backward);
        }
    }

    private protected override void StepSumsCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> sums, int firstPanel, int panelCount, bool backward)
    {
        fixed (float* pi = init, px = x, ps = sums)
        {
            Step(a, pi, px, new SumsSink<TVec, TSimd>(ps), firstPanel, panelCount, backward);
        }
    }

    private protected override void StepFromSumsCore(int gates, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, StepActivation activation, int panels)
    {
        fixed (float* pi = init, ps = sums, pp = hiddenPrev, pc = cell, ph = hidden)
        {
            // The sink's state: the GRU's h before the step, the LSTM's c.
            StepCells<TVec, TSimd>.FromSums(gates, pi, ps, new CellSink<TVec, TSimd>(gates == 3 ? pp : pc, ph, activation), panels);
        }
    }

    /// <summary>The kernel for <paramref name="a"/>'s cell (by its gate count: 4 LSTM, 3 GRU, 1 one gate) and weight format, into <paramref name="sink"/>.</summary>
    private static void Step<TSink>(StepMatrix a, float* init, float* x, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
    {
        if (a.Precision == WeightPrecision.Int8)
        {
            sbyte* xq = stackalloc sbyte[a.Columns];
            bool vnni = StepKernelsVnni<TVec, TSimd>.Serves(a);
            float xScale = QuantizeInput(a, x, xq, vnni);
            switch (a.Gates)
            {
                case 4 when vnni: StepKernelsVnni<TVec, TSimd>.Lstm(a, init, xq, xScale, sink, first, count, backward); break;
                case 3 when vnni: StepKernelsVnni<TVec, TSimd>.Gru(a, init, xq, xScale, sink, first, count, backward); break;
                case 4: StepKernelsInt8<TVec, TSimd>.Lstm(a, init, xq, xScale, sink, first, count, backward); break;
                case 3: StepKernelsInt8<TVec, TSimd>.Gru(a, init, xq, xScale, sink, first, count, backward); break;
                case 1 when vnni: StepKernelsVnni<TVec, TSimd>.Dense(a, init, xq, xScale, sink, first, count, backward); break;
                default: StepKernelsInt8<TVec, TSimd>.Dense(a, init, xq, xScale, sink, first, count, backward); break;
            }
        }
        else if (a.Precision == WeightPrecision.BFloat16)
        {
            Step<TSink, BFloat16Weights>(a, init, x, sink, first, count, backward);
        }
        else
        {
            Step<TSink, Float32Weights>(a, init, x, sink, first, count, backward);
        }
    }

    private static void Step<TSink, TFormat>(StepMatrix a, float* init, float* x, TSink sink, int first, int count, bool backward)
        where TSink : struct, IStepSink<TVec>
        where TFormat : struct, IWeightFormat
    {
        switch (a.Gates)
        {
            case 4: StepKernels<TVec, TSimd, TFormat>.Lstm(a, init, x, sink, first, count, backward); break;
            case 3: StepKernels<TVec, TSimd, TFormat>.Gru(a, init, x, sink, first, count, backward); break;
            default: StepKernels<TVec, TSimd, TFormat>.Dense(a, init, x, sink, first, count, backward); break;
        }
    }

    /// <summary>
    /// x [stored columns] quantised for an int8 step, one scale for the whole vector (so a GRU's input and h
    /// sections share it); <paramref name="offset"/>: as unsigned bytes x_q + 128 (<see cref="VnniQuads"/>). Each call
    /// (each thread's panel range) quantises it again: O(K) against the O(K · panels · G · W) of the weights, and no
    /// state to share between threads.
    /// </summary>
    private static float QuantizeInput(StepMatrix a, float* x, sbyte* quantized, bool offset)
    {
        float scale = Int8Quantization.Quantize<TVec, TSimd>(x, a.Columns, quantized);
        if (offset) Int8Quantization.OffsetToUnsigned(new Span<sbyte>(quantized, a.Columns));
        return scale;
    }
}

using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

internal sealed unsafe partial class SimdKernelSet<TVec, TSimd>
{
    internal override int StepWidth => TSimd.Count;

    private protected override void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount)
    {
        fixed (float* pi = init, px = x, pc = cell, ph = hidden)
        {
            if (a.Precision == WeightPrecision.Int8)
            {
                sbyte* xq = stackalloc sbyte[a.Columns];
                bool vnni = StepKernelsVnni<TVec, TSimd>.Serves(a);
                float xScale = QuantizeInput(a, px, xq, vnni);
                if (vnni) StepKernelsVnni<TVec, TSimd>.Lstm(a, pi, xq, xScale, pc, ph, firstPanel, panelCount);
                else StepKernelsInt8<TVec, TSimd>.Lstm(a, pi, xq, xScale, pc, ph, firstPanel, panelCount);
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                StepKernels<TVec, TSimd, BFloat16Weights>.Lstm(a, pi, px, pc, ph, firstPanel, panelCount);
            }
            else
            {
                StepKernels<TVec, TSimd, Float32Weights>.Lstm(a, pi, px, pc, ph, firstPanel, panelCount);
            }
        }
    }

    private protected override void GruStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int firstPanel, int panelCount)
    {
        fixed (float* pi = init, px = x, pp = hiddenPrev, ph = hidden)
        {
            if (a.Precision == WeightPrecision.Int8)
            {
                sbyte* xq = stackalloc sbyte[a.Columns];
                bool vnni = StepKernelsVnni<TVec, TSimd>.Serves(a);
                float xScale = QuantizeInput(a, px, xq, vnni);
                if (vnni) StepKernelsVnni<TVec, TSimd>.Gru(a, pi, xq, xScale, pp, ph, firstPanel, panelCount);
                else StepKernelsInt8<TVec, TSimd>.Gru(a, pi, xq, xScale, pp, ph, firstPanel, panelCount);
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                StepKernels<TVec, TSimd, BFloat16Weights>.Gru(a, pi, px, pp, ph, firstPanel, panelCount);
            }
            else
            {
                StepKernels<TVec, TSimd, Float32Weights>.Gru(a, pi, px, pp, ph, firstPanel, panelCount);
            }
        }
    }

    private protected override void DenseStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> y, StepActivation activation, int firstPanel, int panelCount)
    {
        fixed (float* pi = init, px = x, py = y)
        {
            if (a.Precision == WeightPrecision.Int8)
            {
                sbyte* xq = stackalloc sbyte[a.Columns];
                float xScale = QuantizeInput(a, px, xq, offset: false);
                StepKernelsInt8<TVec, TSimd>.Dense(a, pi, xq, xScale, py, activation, firstPanel, panelCount);
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                StepKernels<TVec, TSimd, BFloat16Weights>.Dense(a, pi, px, py, activation, firstPanel, panelCount);
            }
            else
            {
                StepKernels<TVec, TSimd, Float32Weights>.Dense(a, pi, px, py, activation, firstPanel, panelCount);
            }
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

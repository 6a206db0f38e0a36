using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

internal sealed unsafe partial class SimdKernelSet<TVec, TSimd>
{
    internal override int StepWidth => TSimd.Count;

    private protected override void LstmStepCore(StepMatrix a, ReadOnlySpan<float> init, ReadOnlySpan<float> x, Span<float> cell, Span<float> hidden, int firstPanel, int panelCount)
    {
        fixed (float* pi = init, px = x, pc = cell, ph = hidden)
        {
            if (a.Precision == WeightPrecision.BFloat16)
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
            if (a.Precision == WeightPrecision.BFloat16)
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
            if (a.Precision == WeightPrecision.BFloat16)
            {
                StepKernels<TVec, TSimd, BFloat16Weights>.Dense(a, pi, px, py, activation, firstPanel, panelCount);
            }
            else
            {
                StepKernels<TVec, TSimd, Float32Weights>.Dense(a, pi, px, py, activation, firstPanel, panelCount);
            }
        }
    }
}

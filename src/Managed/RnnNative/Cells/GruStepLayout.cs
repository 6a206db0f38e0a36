using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Cells;

/// <summary>
/// The GRU's single-token layout (<see cref="KernelSet.GruStep"/>): r gates only W_hn h + b_hn, so the
/// kernel sums n's input and recurrent parts apart, by column section of the 3 gates' rows:
/// <code>
/// over [x; 0; h]:  rows [W_ir | W_hr], [W_iz | W_hz], [W_in | W_hn]     init [b_ir + b_hr, b_iz + b_hz, b_in, b_hn]
/// over h alone:    rows W_hr, W_hz, W_hn (= W_hh)                       init = a token table row [a_r, a_z, a_n, b_hn]
/// </code>
/// h starts on a group of columns (the kernel's sections, <see cref="StepMatrix.SectionMultiple"/>): an
/// input of another size gets zero columns up to the next group. A layer streams 3 gates' weights, as many as the cell has.
/// </summary>
internal sealed class GruStepLayout : StepLayout
{
    public override int Gates => 3;

    public override int InitGates => 4;

    public override bool ReadsPreviousHidden => true;

    public override int HiddenColumn(int inputs) => (inputs + StepMatrix.SectionMultiple - 1) / StepMatrix.SectionMultiple * StepMatrix.SectionMultiple;

    public override void InitBias(KernelSet kernels, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> initBias) =>
        GruLayer.SplitBiases(kernels, biasIh, biasHh, initBias[..biasIh.Length], initBias[biasIh.Length..]);

    public override void Run(KernelSet kernels, StepMatrix matrix, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int first, int count, bool backward) =>
        kernels.GruStep(matrix, init, x, hiddenPrev, hidden, first, count, backward);

    public override void RunFromSums(KernelSet kernels, ReadOnlySpan<float> init, ReadOnlySpan<float> sums, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int panels) =>
        kernels.StepFromSums(3, init, sums, hiddenPrev, cell, hidden, StepActivation.Identity, panels);

    public override void RunStreams(KernelSet kernels, StepMatrix matrix, in StreamRows rows, int first, int count) =>
        kernels.GruSteps(matrix, rows, first, count);
}

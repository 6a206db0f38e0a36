using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Cells;

/// <summary>
/// The GRU's single-token layout (<see cref="KernelSet.GruStep"/>): r gates only W_hn h + b_hn, so n's
/// input and recurrent parts need rows of their own:
/// <code>
/// over [x; h]:   rows [W_ir | W_hr], [W_iz | W_hz], [W_in | 0], [0 | W_hn]      init [b_ir + b_hr, b_iz + b_hz, b_in, b_hn]
/// over h alone:  rows W_hr, W_hz, W_hn (= W_hh)                                init = a token table row [a_r, a_z, a_n, b_hn]
/// </code>
/// The zero blocks cost a third more weight bytes per upper-layer step than the 3 gates hold; a layer 0
/// fed from a token table has none.
/// </summary>
internal sealed class GruStepLayout : StepLayout
{
    public override int InitGates => 4;

    public override bool ReadsPreviousHidden => true;

    public override int MatrixGates(bool tokenInputs) => tokenInputs ? 3 : 4;

    public override void Fill(StepMatrix matrix, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, int inputs, int hidden, bool tokenInputs)
    {
        if (tokenInputs)
        {
            matrix.SetColumns(weightHh, hidden, 0, hidden);
            return;
        }
        // [4H, I] = [W_ir; W_iz; W_in; 0] and [4H, H] = [W_hr; W_hz; 0; W_hn]
        float[] inputRows = new float[4 * hidden * inputs], recurrentRows = new float[4 * hidden * hidden];
        weightIh.CopyTo(inputRows);
        weightHh[..(2 * hidden * hidden)].CopyTo(recurrentRows);
        weightHh[(2 * hidden * hidden)..].CopyTo(recurrentRows.AsSpan(3 * hidden * hidden));
        matrix.SetColumns(inputRows, inputs, 0, inputs);
        matrix.SetColumns(recurrentRows, hidden, inputs, hidden);
    }

    public override void InitBias(KernelSet kernels, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> initBias) =>
        GruLayer.SplitBiases(kernels, biasIh, biasHh, initBias[..biasIh.Length], initBias[biasIh.Length..]);

    public override void Run(KernelSet kernels, StepMatrix matrix, ReadOnlySpan<float> init, ReadOnlySpan<float> x, ReadOnlySpan<float> hiddenPrev, Span<float> cell, Span<float> hidden, int first, int count) =>
        kernels.GruStep(matrix, init, x, hiddenPrev, hidden, first, count);
}

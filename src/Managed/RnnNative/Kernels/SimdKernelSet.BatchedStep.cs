using RnnNative.Kernels.Step;

namespace RnnNative.Kernels;

internal sealed unsafe partial class SimdKernelSet<TVec, TSimd>
{
    [ThreadStatic] private static sbyte[]? t_quantizedX;   // int8 steps: each thread's x_q [B, XStride], grown on demand
    [ThreadStatic] private static float[]? t_xScales;      // [B]
    [ThreadStatic] private static float[]? t_sums;         // the float kernels' sums between column chunks [B, 4, W]

    private protected override void LstmStepsCore(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount)
    {
        fixed (float* pi = rows.Init, px = rows.X, pc = rows.Cell, ph = rows.Hidden)
        fixed (int* pr = rows.InitRows)
        {
            StepStreams streams = Streams(rows, pi, pr, px, null, pc, ph);
            if (a.Precision == WeightPrecision.Int8)
            {
                bool vnni = BatchedStepKernelsVnni<TVec, TSimd>.Serves(a);
                fixed (sbyte* pq = QuantizeInputs(a, rows, vnni, out float[] scales))
                fixed (float* ps = scales)
                fixed (float* sums = Sums(rows.Count))
                {
                    StepStreams quantized = streams with { QuantizedX = pq, XScales = ps, Sums = sums };
                    if (vnni) BatchedStepKernelsVnni<TVec, TSimd>.Lstm(a, quantized, firstPanel, panelCount);
                    else BatchedStepKernelsInt8<TVec, TSimd>.Lstm(a, quantized, firstPanel, panelCount);
                }
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, BFloat16Weights>.Lstm(a, streams with { Sums = sums }, firstPanel, panelCount);
                }
            }
            else
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, Float32Weights>.Lstm(a, streams with { Sums = sums }, firstPanel, panelCount);
                }
            }
        }
    }

    private protected override void GruStepsCore(StepMatrix a, in StreamRows rows, int firstPanel, int panelCount)
    {
        fixed (float* pi = rows.Init, px = rows.X, pp = rows.HiddenPrev, ph = rows.Hidden)
        fixed (int* pr = rows.InitRows)
        {
            StepStreams streams = Streams(rows, pi, pr, px, pp, null, ph);
            if (a.Precision == WeightPrecision.Int8)
            {
                bool vnni = BatchedStepKernelsVnni<TVec, TSimd>.ServesGru(a);
                fixed (sbyte* pq = QuantizeInputs(a, rows, vnni, out float[] scales))
                fixed (float* ps = scales)
                fixed (float* sums = Sums(rows.Count))
                {
                    StepStreams quantized = streams with { QuantizedX = pq, XScales = ps, Sums = sums };
                    if (vnni) BatchedStepKernelsVnni<TVec, TSimd>.Gru(a, quantized, firstPanel, panelCount);
                    else BatchedStepKernelsInt8<TVec, TSimd>.Gru(a, quantized, firstPanel, panelCount);
                }
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, BFloat16Weights>.Gru(a, streams with { Sums = sums }, firstPanel, panelCount);
                }
            }
            else
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, Float32Weights>.Gru(a, streams with { Sums = sums }, firstPanel, panelCount);
                }
            }
        }
    }

    private protected override void DenseStepsCore(StepMatrix a, in StreamRows rows, StepActivation activation, int firstPanel, int panelCount)
    {
        fixed (float* pi = rows.Init, px = rows.X, ph = rows.Hidden)
        fixed (int* pr = rows.InitRows)
        {
            StepStreams streams = Streams(rows, pi, pr, px, null, null, ph);
            if (a.Precision == WeightPrecision.Int8)
            {
                bool vnni = BatchedStepKernelsVnni<TVec, TSimd>.Serves(a);
                fixed (sbyte* pq = QuantizeInputs(a, rows, vnni, out float[] scales))
                fixed (float* ps = scales)
                fixed (float* sums = Sums(rows.Count))
                {
                    StepStreams quantized = streams with { QuantizedX = pq, XScales = ps, Sums = sums };
                    if (vnni) BatchedStepKernelsVnni<TVec, TSimd>.Dense(a, quantized, activation, firstPanel, panelCount);
                    else BatchedStepKernelsInt8<TVec, TSimd>.Dense(a, quantized, activation, firstPanel, panelCount);
                }
            }
            else if (a.Precision == WeightPrecision.BFloat16)
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, BFloat16Weights>.Dense(a, streams with { Sums = sums }, activation, firstPanel, panelCount);
                }
            }
            else
            {
                fixed (float* sums = Sums(rows.Count))
                {
                    BatchedStepKernels<TVec, TSimd, Float32Weights>.Dense(a, streams with { Sums = sums }, activation, firstPanel, panelCount);
                }
            }
        }
    }

    private static StepStreams Streams(in StreamRows rows, float* init, int* initRows, float* x, float* hiddenPrev, float* cell, float* hidden) => new()
    {
        Count = rows.Count,
        Init = init,
        InitRows = initRows,
        InitRowLength = rows.InitRowLength,
        X = x,
        XStride = rows.XStride,
        HiddenPrev = hiddenPrev,
        Cell = cell,
        Hidden = hidden,
        StateStride = rows.StateStride,
    };

    /// <summary>This thread's scratch for the sums of <paramref name="count"/> streams between column chunks (4 blocks, the most a cell keeps).</summary>
    private static float[] Sums(int count)
    {
        int length = StepStreams.SumsLength(count, 4, TSimd.Count);
        if (t_sums is null || t_sums.Length < length) t_sums = new float[length];
        return t_sums;
    }

    /// <summary>
    /// Each stream's x [stored columns] quantised with its own scale, as <see cref="QuantizeInput"/> does for one stream
    /// (so a stream's sums are the bits of its single-token step), into this thread's buffers [B, XStride] and [B];
    /// <paramref name="offset"/>: as unsigned bytes x_q + 128 (<see cref="BatchedStepKernelsVnni{TVec, TSimd}"/>). Each thread's call
    /// quantises all B rows again: O(B·K) against the O(B·K·panels·G·W) of its panels.
    /// </summary>
    private static sbyte[] QuantizeInputs(StepMatrix a, in StreamRows rows, bool offset, out float[] scales)
    {
        int count = rows.Count, stride = rows.XStride;
        if (t_quantizedX is null || t_quantizedX.Length < count * stride) t_quantizedX = new sbyte[count * stride];
        if (t_xScales is null || t_xScales.Length < count) t_xScales = new float[count];
        fixed (float* x = rows.X)
        fixed (sbyte* quantized = t_quantizedX)
        {
            for (int s = 0; s < count; s++)
            {
                sbyte* row = quantized + (nint)s * stride;
                t_xScales[s] = Int8Quantization.Quantize<TVec, TSimd>(x + (nint)s * stride, a.Columns, row);
                if (offset) Int8Quantization.OffsetToUnsigned(new Span<sbyte>(row, a.Columns));
            }
        }
        scales = t_xScales;
        return t_quantizedX;
    }
}

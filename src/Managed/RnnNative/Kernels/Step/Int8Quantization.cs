using System.Runtime.InteropServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Step;

/// <summary>
/// Symmetric int8 quantisation, for a weight row of a <see cref="StepMatrix"/> and for a step's input vector:
/// <code>
/// scale = max_k |v_k| / 127,   q_k = round(v_k / scale) ∈ [-127, 127],   v_k ≈ scale · q_k,  |v_k - scale · q_k| ≤ scale / 2
/// </code>
/// -128 is never used, so a sign flip stays in range (the sign trick of <see cref="Simd.ISimd{TVec}.DotInt8Quads"/>).
/// An all-zero vector has scale 0 and q = 0. A step quantises its input vector once per call, W lanes at a time
/// (<see cref="Quantize{TVec, TSimd}"/>), with the same IEEE operations per element as the scalar functions here, so the bytes are
/// the same on every path.
/// </summary>
internal static class Int8Quantization
{
    /// <summary>The largest |v| of <paramref name="values"/>.</summary>
    public static float MaxAbs(ReadOnlySpan<float> values)
    {
        float max = 0f;
        foreach (float v in values) max = MathF.Max(max, MathF.Abs(v));
        return max;
    }

    /// <summary>The scale for values whose largest magnitude is <paramref name="maxAbs"/>.</summary>
    public static float Scale(float maxAbs) => maxAbs / 127f;

    /// <summary>q = round(v / scale), ties to even, for a scale from <see cref="Scale"/> (0: q = 0).</summary>
    public static sbyte Quantize(float value, float scale) =>
        scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(value / scale), -127f, 127f);

    /// <summary>Quantises <paramref name="values"/> into <paramref name="quantized"/> (same length) with one scale, and returns it.</summary>
    public static float Quantize(ReadOnlySpan<float> values, Span<sbyte> quantized)
    {
        float scale = Scale(MaxAbs(values));
        for (int k = 0; k < values.Length; k++) quantized[k] = Quantize(values[k], scale);
        return scale;
    }

    /// <summary>
    /// <see cref="Quantize(ReadOnlySpan{float}, Span{sbyte})"/> of finite <paramref name="values"/> [<paramref name="length"/>] into
    /// <paramref name="quantized"/>, a register at a time: a step's input is quantised on every call, and element by element it
    /// cost a small model's step a third of its time. |v|, the max, v / scale, round to even and the clamp are exact or
    /// correctly rounded on every path, so the scale and the bytes equal the scalar function's.
    /// </summary>
    public static unsafe float Quantize<TVec, TSimd>(float* values, int length, sbyte* quantized)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        int w = TSimd.Count, k = 0;
        TVec largest = TSimd.Zero;
        for (; k + w <= length; k += w) largest = TSimd.Max(largest, TSimd.Abs(TSimd.Load(in values[k])));
        float maxAbs = TSimd.MaxAcross(largest);
        for (; k < length; k++) maxAbs = MathF.Max(maxAbs, MathF.Abs(values[k]));
        float scale = Scale(maxAbs);
        if (scale == 0f)
        {
            new Span<sbyte>(quantized, length).Clear();
            return 0f;
        }
        // q = clamp(round(v / scale), -127, 127), as floats, then narrowed to bytes (exact: integral and in range).
        TVec s = TSimd.Broadcast(scale), upper = TSimd.Broadcast(127f), lower = TSimd.Broadcast(-127f);
        for (k = 0; k + w <= length; k += w)
        {
            TVec q = TSimd.Round(TSimd.Divide(TSimd.Load(in values[k]), s));
            TSimd.StoreSBytes(TSimd.Min(TSimd.Max(q, lower), upper), quantized + k);
        }
        for (; k < length; k++) quantized[k] = Quantize(values[k], scale);
        return scale;
    }

    /// <summary>q + 128 as an unsigned byte, in place (the bits of q with the top one flipped): [-127, 127] to [1, 255], the
    /// unsigned operand of vpdpbusd (<see cref="BatchedStepKernelsVnni{TVec, TSimd}"/>).</summary>
    public static void OffsetToUnsigned(Span<sbyte> quantized)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(quantized);
        int k = 0;
        Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        for (; k < words.Length; k++) words[k] ^= 0x8080808080808080UL;
        for (k *= sizeof(ulong); k < bytes.Length; k++) bytes[k] ^= 0x80;
    }
}

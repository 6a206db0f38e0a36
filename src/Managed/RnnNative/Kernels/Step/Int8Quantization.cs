namespace RnnNative.Kernels.Step;

/// <summary>
/// Symmetric int8 quantisation, for a weight row of a <see cref="StepMatrix"/> and for a step's input vector:
/// <code>
/// scale = max_k |v_k| / 127,   q_k = round(v_k / scale) ∈ [-127, 127],   v_k ≈ scale · q_k,  |v_k - scale · q_k| ≤ scale / 2
/// </code>
/// -128 is never used, so a sign flip stays in range (the sign trick of <see cref="Simd.ISimd{TVec}.DotInt8Quads"/>).
/// An all-zero vector has scale 0 and q = 0.
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
}

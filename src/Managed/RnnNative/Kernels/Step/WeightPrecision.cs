namespace RnnNative.Kernels.Step;

/// <summary>How the weights of single-token steps (sampling) are stored. Numbers are stable (C ABI).</summary>
public enum WeightPrecision
{
    /// <summary>The model's own float32 values: steps give the same results as the batched path up to summation order.</summary>
    Float32 = 0,

    /// <summary>bfloat16 (float32 cut to an 8-bit mantissa, rounded to nearest even): half the bytes to
    /// stream per token, relative weight error at most 2^-8 (0.4%); products still sum in float32.</summary>
    BFloat16 = 1,
}

namespace RnnNative.Kernels.Step;

/// <summary>How the weights of single-token steps (sampling) are stored. Numbers are stable (C ABI).</summary>
public enum WeightPrecision
{
    /// <summary>The model's own float32 values: steps give the same results as the batched path up to summation order.</summary>
    Float32 = 0,

    /// <summary>bfloat16 (float32 cut to an 8-bit mantissa, rounded to nearest even): half the bytes to
    /// stream per token, relative weight error at most 2^-8 (0.4%); products still sum in float32.</summary>
    BFloat16 = 1,

    /// <summary>int8 per output row (symmetric: scale_r = max|A_r| / 127, q = round(A / scale_r)): a quarter of
    /// the bytes to stream per token, weight error at most scale_r / 2. The step's input vector is quantised
    /// the same way per call (one scale per vector) and the dot products run in integer SIMD
    /// (<see cref="Int8Quantization"/>, <see cref="StepKernelsInt8{TVec, TSimd}"/>). Layer 0's token table is made from the int8
    /// embedding and W_ih_l0, as an int8 model file stores them (Model/Int8Weights.cs); biases and the token table stay float32.</summary>
    Int8 = 2,
}

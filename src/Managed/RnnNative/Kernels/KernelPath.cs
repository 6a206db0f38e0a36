namespace RnnNative.Kernels;

/// <summary>The instruction-set paths the kernel layer is written for, narrowest first.</summary>
/// <remarks>Numbers are stable: they cross the C ABI as <c>rnn_kernel_path</c>.</remarks>
public enum KernelPath
{
    /// <summary>Plain scalar C#: the reference every other path is tested against.</summary>
    Scalar = 0,

    /// <summary>128-bit vectors: SSE on x64, AdvSimd (NEON) on ARM64.</summary>
    Vector128 = 1,

    /// <summary>256-bit vectors with FMA: AVX2 + FMA3 on x64.</summary>
    Avx2 = 2,

    /// <summary>512-bit vectors: AVX-512 F/BW/CD/DQ/VL on x64.</summary>
    Avx512 = 3,
}

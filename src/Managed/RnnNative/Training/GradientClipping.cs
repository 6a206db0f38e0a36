using RnnNative.Kernels;
using RnnNative.Model;

namespace RnnNative.Training;

/// <summary>Gradient clipping over all blocks together, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
public static class GradientClipping
{
    /// <summary>sqrt(Σ g²) over every block, accumulated in double.</summary>
    public static double GlobalNorm(IReadOnlyList<ParameterBlock> blocks, KernelSet kernels)
    {
        double sum = 0;
        foreach (ParameterBlock block in blocks)
        {
            sum += kernels.SumOfSquares(block.Gradients);
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Scales every gradient by <c>maxNorm / (norm + 1e-6)</c> when the global norm exceeds
    /// <paramref name="maxNorm"/> (PyTorch's rule); returns the norm before clipping, which may be
    /// NaN or infinite: callers use it to detect a diverged step.</summary>
    public static double ClipByGlobalNorm(IReadOnlyList<ParameterBlock> blocks, float maxNorm, KernelSet kernels)
    {
        if (!(maxNorm > 0f)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "must be > 0");
        double norm = GlobalNorm(blocks, kernels);
        if (norm > maxNorm)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (ParameterBlock block in blocks)
            {
                kernels.Scale(scale, block.Gradients);
            }
        }
        return norm;
    }

    /// <summary>Clamps every gradient into [-limit, limit].</summary>
    public static void ClipByValue(IReadOnlyList<ParameterBlock> blocks, float limit, KernelSet kernels)
    {
        if (!(limit > 0f)) throw new ArgumentOutOfRangeException(nameof(limit), limit, "must be > 0");
        foreach (ParameterBlock block in blocks)
        {
            kernels.Clamp(block.Gradients, -limit, limit);
        }
    }
}

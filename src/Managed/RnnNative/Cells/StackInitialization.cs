using RnnNative.Randomness;

namespace RnnNative.Cells;

/// <summary>
/// The starting weights of a stack, as its <see cref="RecurrentConfig.Initialization"/> says: PyTorch's
/// uniform default, or IRNN's identity (Le, Jaitly &amp; Hinton 2015, "A Simple Way to Initialize Recurrent
/// Networks of Rectified Linear Units").
/// </summary>
internal static class StackInitialization
{
    /// <summary>σ of IRNN's input weights: the paper's "Gaussian with mean zero and standard deviation 0.001".</summary>
    public const double IdentityInputDeviation = 0.001;

    /// <summary>Fills <paramref name="parameters"/> (laid out as <paramref name="tensors"/>) from <paramref name="random"/>.</summary>
    public static void Initialize(RecurrentConfig config, IReadOnlyList<ParameterTensor> tensors, Span<float> parameters, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (config.Initialization == RecurrentInitialization.Identity)
        {
            InitializeIdentity(config, tensors, parameters, random);
        }
        else
        {
            InitializeUniform(config, parameters, random);
        }
    }

    /// <summary>PyTorch's nn.RNN/nn.LSTM default: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)), drawn in
    /// parameter order (the same seed gives the same weights as every release before).</summary>
    private static void InitializeUniform(RecurrentConfig config, Span<float> parameters, Random random)
    {
        float bound = 1f / MathF.Sqrt(config.HiddenSize);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    /// <summary>
    /// IRNN, per layer k (Elman: one gate block, so every tensor is [H, ·]):
    ///   W_hh_lk = s · I     [H, H]   (s = <see cref="RecurrentConfig.IdentityScale"/>, 1 in the paper)
    ///   W_ih_lk ~ N(0, σ²)  [H, I_k] (σ = <see cref="IdentityInputDeviation"/>)
    ///   b_ih_lk = b_hh_lk = 0
    /// so with ReLU and small inputs, h_t ≈ s · h_{t-1}: the state is carried, not squashed.
    /// </summary>
    private static void InitializeIdentity(RecurrentConfig config, IReadOnlyList<ParameterTensor> tensors, Span<float> parameters, Random random)
    {
        int hidden = config.HiddenSize;
        parameters.Clear();
        foreach (ParameterTensor tensor in tensors)
        {
            Span<float> values = parameters.Slice(tensor.Offset, tensor.Length);
            if (tensor.Name.StartsWith("weight_ih_", StringComparison.Ordinal))
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = (float)(Gaussian.Next(random) * IdentityInputDeviation);
                }
            }
            else if (tensor.Name.StartsWith("weight_hh_", StringComparison.Ordinal))
            {
                for (int i = 0; i < hidden; i++)
                {
                    values[i * hidden + i] = config.IdentityScale;
                }
            }
        }
    }
}

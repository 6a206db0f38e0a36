namespace RnnNative.Runs;

/// <summary>The update rules. Numbers are stable (C ABI, checkpoints).</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD (with <see cref="OptimizerConfig.Momentum"/> &gt; 0: SGD with momentum).</summary>
    Sgd = 0,
    /// <summary>Adagrad: each parameter's rate divided by the root of its summed squared gradients.</summary>
    Adagrad = 1,
    /// <summary>RMSprop: the rate divided by a running root mean square of the gradients (<see cref="OptimizerConfig.Alpha"/>).</summary>
    Rmsprop = 2,
    /// <summary>Adam (with <see cref="OptimizerConfig.DecoupledWeightDecay"/>: AdamW).</summary>
    Adam = 3,
}

/// <summary>An optimizer and its hyperparameters; defaults are PyTorch's for each rule.</summary>
/// <param name="DecoupledWeightDecay">Adam only: AdamW's decay of the weights instead of L2 added to the gradient.</param>
public sealed record OptimizerConfig(
    OptimizerKind Kind = OptimizerKind.Adam,
    float LearningRate = 2e-3f,
    float Momentum = 0f,
    bool Nesterov = false,
    float Beta1 = 0.9f,
    float Beta2 = 0.999f,
    float Alpha = 0.99f,
    float? Epsilon = null,
    float WeightDecay = 0f,
    bool DecoupledWeightDecay = false)
{
    /// <summary>PyTorch's default epsilon for the rule: 1e-10 for Adagrad, 1e-8 otherwise.</summary>
    public float EffectiveEpsilon => Epsilon ?? (Kind == OptimizerKind.Adagrad ? 1e-10f : 1e-8f);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "unknown optimizer");
        RequireFinite(LearningRate, nameof(LearningRate), min: 0f);
        RequireFinite(Momentum, nameof(Momentum), min: 0f);
        RequireFinite(WeightDecay, nameof(WeightDecay), min: 0f);
        RequireProbability(Beta1, nameof(Beta1));
        RequireProbability(Beta2, nameof(Beta2));
        RequireProbability(Alpha, nameof(Alpha));
        if (!(EffectiveEpsilon > 0f) || !float.IsFinite(EffectiveEpsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "must be a positive number");
        if (Nesterov && Momentum <= 0f) throw new ArgumentException("Nesterov momentum needs Momentum > 0.", nameof(Nesterov));
    }

    private static void RequireFinite(float value, string name, float min)
    {
        if (!float.IsFinite(value) || value < min) throw new ArgumentOutOfRangeException(name, value, $"must be a finite number >= {min}");
    }

    private static void RequireProbability(float value, string name)
    {
        if (!(value >= 0f && value < 1f)) throw new ArgumentOutOfRangeException(name, value, "must be in [0, 1)");
    }
}

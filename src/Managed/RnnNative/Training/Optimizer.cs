using RnnNative.Kernels;

namespace RnnNative.Training;

/// <summary>
/// Applies one update rule to every parameter block, keeping its per-parameter state (velocity,
/// squared-gradient averages, Adam's moments) for checkpoints. The arithmetic is the fused kernels
/// of <see cref="KernelSet"/>, which follow <c>torch.optim</c>.
/// </summary>
public sealed class Optimizer
{
    private readonly IReadOnlyList<ParameterBlock> _blocks;
    private readonly KernelSet _kernels;

    public Optimizer(OptimizerConfig config, IReadOnlyList<ParameterBlock> blocks, KernelSet? kernels = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(blocks);
        config.Validate();
        Config = config;
        _blocks = blocks;
        _kernels = kernels ?? KernelSet.Active;
        int stateVectors = config.Kind switch { OptimizerKind.Adam => 2, _ => 1 };
        State = blocks.SelectMany(block => Enumerable.Range(0, stateVectors).Select(_ => new float[block.Length])).ToArray();
    }

    public OptimizerConfig Config { get; }

    /// <summary>Updates applied so far (Adam's t); restored from a checkpoint with the state.</summary>
    public long StepCount { get; set; }

    /// <summary>Per-parameter state, per block in order: SGD velocity; Adagrad Σg²; RMSprop mean g²; Adam m then v.</summary>
    public IReadOnlyList<float[]> State { get; }

    /// <summary>One update of every block from its current gradients at <paramref name="learningRate"/>
    /// (the schedule's rate for this step; <see cref="OptimizerConfig.LearningRate"/> is the base).</summary>
    public void Step(float learningRate)
    {
        if (!float.IsFinite(learningRate) || learningRate < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be a finite number >= 0");
        }
        StepCount++;
        OptimizerConfig c = Config;
        float epsilon = c.EffectiveEpsilon;
        // Adam's bias corrections in double: beta^t underflows gracefully and loses nothing at large t.
        float bias1 = (float)(1 - Math.Pow(c.Beta1, StepCount)), bias2 = (float)(1 - Math.Pow(c.Beta2, StepCount));
        for (int i = 0; i < _blocks.Count; i++)
        {
            ParameterBlock block = _blocks[i];
            switch (c.Kind)
            {
                case OptimizerKind.Sgd:
                    _kernels.SgdUpdate(block.Values, block.Gradients, State[i], learningRate, c.Momentum, c.Nesterov, c.WeightDecay);
                    break;
                case OptimizerKind.Adagrad:
                    _kernels.AdagradUpdate(block.Values, block.Gradients, State[i], learningRate, epsilon, c.WeightDecay);
                    break;
                case OptimizerKind.Rmsprop:
                    _kernels.RmspropUpdate(block.Values, block.Gradients, State[i], learningRate, c.Alpha, epsilon, c.WeightDecay);
                    break;
                default:
                    _kernels.AdamUpdate(block.Values, block.Gradients, State[2 * i], State[2 * i + 1], learningRate, c.Beta1, c.Beta2, epsilon, bias1, bias2, c.WeightDecay, c.DecoupledWeightDecay);
                    break;
            }
            block.Version?.Advance();
        }
    }
}

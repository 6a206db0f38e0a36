using RnnNative.Kernels;
using RnnNative.Kernels.Threading;
using RnnNative.Model;
using RnnNative.Runs;

namespace RnnNative.Training;

/// <summary>
/// Applies one update rule to every parameter block, keeping its per-parameter state (velocity,
/// squared-gradient averages, Adam's moments) for checkpoints. The arithmetic is the fused kernels
/// of <see cref="KernelSet"/>, which follow <c>torch.optim</c>.
/// </summary>
/// <remarks>
/// A step is a few memory-bound passes over every parameter (Adam: read four streams, write
/// three), so it runs on all the engine's threads: the blocks are cut into chunks of whole
/// cache lines, and the update of each element does not depend on the chunk it falls in.
/// </remarks>
public sealed class Optimizer : IParallelWork
{
    /// <summary>Floats per chunk: large enough that a chunk costs far more than handing it out,
    /// a multiple of every vector width so chunks split no register.</summary>
    private const int ChunkLength = 1 << 15;

    private readonly IReadOnlyList<ParameterBlock> _blocks;
    private readonly KernelSet _kernels;
    private readonly (int Block, int Start, int Length)[] _chunks;
    private float _learningRate;
    private float _bias1;
    private float _bias2;

    /// <summary>An optimizer of <paramref name="config"/> (validated) over <paramref name="blocks"/>, with zero state, computed with <paramref name="kernels"/> (default: this machine's best path).</summary>
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
        _chunks = blocks
            .SelectMany((block, i) => Enumerable.Range(0, (block.Length + ChunkLength - 1) / ChunkLength)
                .Select(c => (i, c * ChunkLength, Math.Min(ChunkLength, block.Length - c * ChunkLength))))
            .ToArray();
    }

    /// <summary>The update rule and its hyperparameters.</summary>
    public OptimizerConfig Config { get; }

    /// <summary>Updates applied so far (Adam's t); restored from a checkpoint with the state.</summary>
    public long UpdateCount { get; set; }

    /// <summary>Per-parameter state, per block in order: SGD velocity; Adagrad Σg²; RMSprop mean g²; Adam m then v.</summary>
    public IReadOnlyList<float[]> State { get; }

    /// <summary>One update of every block from its current gradients at <paramref name="learningRate"/>
    /// (the schedule's rate for this update; <see cref="OptimizerConfig.LearningRate"/> is the base).</summary>
    public void Update(float learningRate)
    {
        if (!float.IsFinite(learningRate) || learningRate < 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be a finite number >= 0");
        }
        UpdateCount++;
        OptimizerConfig c = Config;
        // Adam's bias corrections in double: beta^t underflows gracefully and loses nothing at large t.
        _bias1 = (float)(1 - Math.Pow(c.Beta1, UpdateCount));
        _bias2 = (float)(1 - Math.Pow(c.Beta2, UpdateCount));
        _learningRate = learningRate;
        Parallelism.Run(this, _chunks.Length);
        foreach (ParameterBlock block in _blocks)
        {
            block.Version?.Advance();
        }
    }

    /// <summary>Updates chunk <paramref name="index"/> of <see cref="_chunks"/>.</summary>
    void IParallelWork.Run(int index)
    {
        (int i, int start, int length) = _chunks[index];
        ParameterBlock block = _blocks[i];
        Span<float> values = block.Values.AsSpan(start, length);
        ReadOnlySpan<float> gradients = block.Gradients.AsSpan(start, length);
        OptimizerConfig c = Config;
        float epsilon = c.EffectiveEpsilon;
        switch (c.Kind)
        {
            case OptimizerKind.Sgd:
                _kernels.SgdUpdate(values, gradients, State[i].AsSpan(start, length), _learningRate, c.Momentum, c.Nesterov, c.WeightDecay);
                break;
            case OptimizerKind.Adagrad:
                _kernels.AdagradUpdate(values, gradients, State[i].AsSpan(start, length), _learningRate, epsilon, c.WeightDecay);
                break;
            case OptimizerKind.Rmsprop:
                _kernels.RmspropUpdate(values, gradients, State[i].AsSpan(start, length), _learningRate, c.Alpha, epsilon, c.WeightDecay);
                break;
            default:
                _kernels.AdamUpdate(values, gradients, State[2 * i].AsSpan(start, length), State[2 * i + 1].AsSpan(start, length), _learningRate, c.Beta1, c.Beta2, epsilon, _bias1, _bias2, c.WeightDecay, c.DecoupledWeightDecay);
                break;
        }
    }
}

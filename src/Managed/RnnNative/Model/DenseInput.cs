using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// Dense input (numeric sequences): <c>x_t</c> = the F features of timestep t as they are, [T*B, F], so layer 0's
/// W_ih_l0 [G*H, F] is the projection. No weights of its own, and nothing dropped: the features are
/// measurements, and dropping them would be input noise, another regularizer than the model's dropout,
/// which acts between the stack's layers and before the head.
/// </summary>
internal sealed class DenseInput(RecurrentStack? stack, KernelSet kernels) : InputPart(stack, kernels)
{
    public override IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) => [];

    public override IEnumerable<Memory<float>> TensorViews(bool gradients) => [];

    public override void Initialize(Random random)
    {
    }

    public override void Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode) =>
        Stack.Forward(batch.Features, batch.Timesteps, batch.Batch, [], [], [], [], [], mode, lengths);

    public override void Backward(SequenceBatch batch, ReadOnlySpan<float> dOutput) => Stack.Backward(dOutput, [], [], [], [], []);

    public override ReadOnlySpan<float> Rows(SequenceBatch batch, ForwardMode mode) => batch.Features;

    public override Span<float> RowGradients(int rows) => [];

    public override void BackwardRows(SequenceBatch batch)
    {
    }

    public override InputPart CreateReplica(RecurrentStack? replicaStack) => new DenseInput(replicaStack, Kernels);
}

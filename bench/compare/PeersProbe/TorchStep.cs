using static TorchSharp.torch;

namespace PeersProbe;

/// <summary>
/// The libtorch step: TorchCharRnn on one timestep [1, B] with its state, under no_grad, in eval
/// mode; the logits are copied out for the C# softmax and draw.
/// </summary>
sealed class TorchStep : IStepModel
{
    readonly TorchCharRnn model;
    readonly float[] logits;
    Tensor[]? state;

    public TorchStep(string cell, int vocab, int hidden, int layers, int batch)
    {
        manual_seed(1);
        model = new TorchCharRnn(cell, vocab, hidden, layers);
        model.eval();
        Batch = batch;
        logits = new float[batch * vocab];
    }

    public int Batch { get; }

    public void Reset() => SetState(null);

    public ReadOnlySpan<float> Step(ReadOnlySpan<long> tokens)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = tensor(tokens.ToArray(), [1, Batch]);                     // [1, B]
        var (output, next) = model.Forward(input, state);                    // [1, B, V]
        SetState(next.Select(s => s.MoveToOuterDisposeScope()).ToArray());
        output.data<float>().CopyTo(logits, 0);
        return logits;
    }

    void SetState(Tensor[]? next)
    {
        if (state is not null)
            foreach (var s in state) s.Dispose();
        state = next;
    }

    public void Dispose()
    {
        SetState(null);
        model.Dispose();
    }
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// An input part over token ids of a vocabulary of V: how the tokens of a window reach the recurrent stack's
/// first layer, and how the gradient leaving the stack reaches the input's own weights (and W_ih_l0, when the
/// part fed the stack projections it gathered itself). <see cref="Create"/> picks the part of an <see cref="InputEncoding"/>.
/// </summary>
internal abstract class TokenInput(RecurrentStack? stack, KernelSet kernels, int vocabularySize) : InputPart(stack, kernels)
{
    /// <summary>The part of <paramref name="input"/> (embedding or one-hot) over <paramref name="stack"/> (null: rows only): V =
    /// <paramref name="vocabularySize"/>; an embedding of <paramref name="embeddingSize"/> dropped with p = <paramref name="dropout"/> in training.</summary>
    public static TokenInput Create(InputEncoding input, int vocabularySize, int embeddingSize, float dropout, RecurrentStack? stack, KernelSet kernels) =>
        input == InputEncoding.OneHot ? new OneHotInput(stack, kernels, vocabularySize) : new EmbeddingInput(stack, kernels, vocabularySize, embeddingSize, dropout);

    /// <summary>V: the tokens the part reads.</summary>
    protected int V => vocabularySize;

    /// <summary>G*H: the width of a row of gates.</summary>
    protected int GateWidth => Stack.Config.GateCount * Stack.Config.HiddenSize;

    /// <summary>W_ih_l0 [G*H, I] inside the stack's parameters or gradients.</summary>
    protected Span<float> InputWeights(float[] stackVector) => stackVector.AsSpan(Stack.Tensors[0].Offset, Stack.Tensors[0].Length);

    /// <summary>True when layer 0 may read projections gathered from a table of V rows: the stack runs one direction
    /// and every sequence all T timesteps (<see cref="RecurrentStack.ForwardGathered"/> takes no lengths).</summary>
    protected bool CanGather(ReadOnlySpan<int> lengths) => lengths.IsEmpty && !Stack.Config.Bidirectional;

    /// <summary>The embedding [V, E] a step reads for a token when there is no token table (empty for one-hot input).</summary>
    public abstract ReadOnlySpan<float> Embedding { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="name"/> for an id outside the vocabulary.</summary>
    public void CheckTokenIds(ReadOnlySpan<int> ids, string name)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)V)
            {
                throw new ArgumentOutOfRangeException(name, ids[i], $"token id at position {i} is outside the vocabulary [0, {V}).");
            }
        }
    }

    /// <summary>Runs the stack over the window's <paramref name="tokens"/> [T, B] (checked by the caller), from and into
    /// <paramref name="state"/> (null: from zeros, the final state not kept); <paramref name="lengths"/> as <see cref="RecurrentStack.Forward"/> takes them.</summary>
    public abstract void Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, RecurrentState? state, ForwardMode mode, ReadOnlySpan<int> lengths = default);

    /// <summary>Backpropagates <paramref name="dOutput"/> [T*B, D*H] and <paramref name="dFinalHidden"/>/<paramref name="dFinalCell"/>
    /// [L*D, B, H] (empty: zero) through the stack of the last <see cref="Forward(ReadOnlySpan{int}, int, int, RecurrentState?, ForwardMode, ReadOnlySpan{int})"/> and into the part's weights.</summary>
    public abstract void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden = default, ReadOnlySpan<float> dFinalCell = default);

    public override void Forward(SequenceBatch batch, ReadOnlySpan<int> lengths, ForwardMode mode) =>
        Forward(batch.Tokens, batch.Timesteps, batch.Batch, state: null, mode, lengths);

    public override void Backward(SequenceBatch batch, ReadOnlySpan<float> dOutput) => Backward(batch.Tokens, dOutput);

    public override ReadOnlySpan<float> Rows(SequenceBatch batch, ForwardMode mode) => Rows(batch.Tokens, mode);

    /// <summary>The rows x [T*B, I] of <paramref name="tokens"/> (checked by the caller) a Jordan network reads, as <see cref="InputPart.Rows"/>.</summary>
    public abstract ReadOnlySpan<float> Rows(ReadOnlySpan<int> tokens, ForwardMode mode);

    public override void BackwardRows(SequenceBatch batch) => BackwardRows(batch.Tokens);

    /// <summary>Adds the gradient in <see cref="InputPart.RowGradients"/> (of the last <see cref="Rows(ReadOnlySpan{int}, ForwardMode)"/> of
    /// <paramref name="tokens"/>) to the part's own weights.</summary>
    public abstract void BackwardRows(ReadOnlySpan<int> tokens);

    /// <summary>Layer 0's input projection of every token, without biases: <paramref name="table"/> [V, G*H].</summary>
    public void ProjectTokens(Span<float> table) => ProjectTokens(table, Embedding, InputWeights(Stack.Parameters));

    /// <summary>As <see cref="ProjectTokens(Span{float})"/> with other weights of the same shapes: <paramref name="embedding"/> [V, E]
    /// (ignored with one-hot input) and <paramref name="inputWeights"/> W_ih_l0 [G*H, I] (the int8 step's quantised ones).</summary>
    public abstract void ProjectTokens(Span<float> table, ReadOnlySpan<float> embedding, ReadOnlySpan<float> inputWeights);

    public abstract override TokenInput CreateReplica(RecurrentStack? replicaStack);
}

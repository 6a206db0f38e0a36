using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Model;

/// <summary>
/// One-hot input, as char-rnn: <c>x_t = onehot(token_t)</c> [V], so layer 0's input projection of a token is
/// column <c>token_t</c> of W_ih_l0 [G*H, V] (<see cref="OneHotColumns"/>): gathered, from W_ih_l0ᵀ for
/// windows of more than V rows, else from the window's own columns (a table of T*B rows instead of V). A
/// bidirectional stack or sequences that end early (which <see cref="RecurrentStack.ForwardGathered"/> does not
/// take) read the one-hot rows [T*B, V] themselves. There is nothing to drop: dropout acts on the stack's
/// layers and its output only. No weights of its own.
/// </summary>
internal sealed class OneHotInput(RecurrentStack? stack, KernelSet kernels, int vocabularySize) : TokenInput(stack, kernels, vocabularySize)
{
    private float[] _tokenGates = [];   // [V, G*H] = W_ih_l0ᵀ, or [T*B, G*H] with row r = W_ih_l0ᵀ[token_r] for at most V rows
    private int[] _rowIds = [];         // 0, 1, 2, ...: table rows for windows whose table has a row per window row
    private float[] _oneHot = [];       // [T*B, V]: the rows themselves, when the window is not gathered
    private bool _gathered;             // the last forward gathered layer 0's input projections

    public override IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) => [];

    public override IEnumerable<Memory<float>> TensorViews(bool gradients) => [];

    public override ReadOnlySpan<float> Embedding => [];

    public override void Initialize(Random random)
    {
    }

    public override void Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, RecurrentState? state, ForwardMode mode, ReadOnlySpan<int> lengths = default)
    {
        int rows = tokens.Length;
        _gathered = CanGather(lengths);
        if (!_gathered)
        {
            Stack.Forward(OneHotRows(tokens), timesteps, batch, state?.Hidden, state?.Cell, [], state?.Hidden, state?.Cell, mode, lengths);
            return;
        }
        int tableRows = Math.Min(rows, V);
        if (_tokenGates.Length < tableRows * GateWidth) _tokenGates = new float[tableRows * GateWidth];
        Span<float> table = _tokenGates.AsSpan(0, tableRows * GateWidth);
        if (rows > V)
        {
            ProjectTokens(table);
            Stack.ForwardGathered(table, tokens, timesteps, batch, state?.Hidden, state?.Cell, [], state?.Hidden, state?.Cell, mode);
        }
        else
        {
            EnsureRowIds(rows);
            OneHotColumns.Gather(InputWeights(Stack.Parameters), GateWidth, V, tokens, table);
            Stack.ForwardGathered(table, _rowIds.AsSpan(0, rows), timesteps, batch, state?.Hidden, state?.Cell, [], state?.Hidden, state?.Cell, mode);
        }
    }

    /// <summary>x_r = onehot(token_r): dW_ih_l0[:, token_r] += dGates_r (the stack's own dW_ih when it read the rows), and no embedding.</summary>
    public override void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden = default, ReadOnlySpan<float> dFinalCell = default)
    {
        Stack.Backward(dOutput, dFinalHidden, dFinalCell, [], [], []);
        if (_gathered)
        {
            OneHotColumns.ScatterAdd(Stack.InputGateGradients, GateWidth, V, tokens, InputWeights(Stack.Gradients));
        }
    }

    /// <summary><paramref name="table"/> [V, G*H] = W_ih_l0ᵀ.</summary>
    public override void ProjectTokens(Span<float> table, ReadOnlySpan<float> embedding, ReadOnlySpan<float> inputWeights)
    {
        EnsureRowIds(V);
        OneHotColumns.Gather(inputWeights, GateWidth, V, _rowIds.AsSpan(0, V), table);
    }

    public override ReadOnlySpan<float> Rows(ReadOnlySpan<int> tokens, ForwardMode mode) => OneHotRows(tokens);

    public override Span<float> RowGradients(int rows) => [];

    public override void BackwardRows(ReadOnlySpan<int> tokens)
    {
    }

    /// <summary>x[r, v] = 1 if v = token_r else 0     [T*B, V]</summary>
    private ReadOnlySpan<float> OneHotRows(ReadOnlySpan<int> tokens)
    {
        int rows = tokens.Length;
        if (_oneHot.Length < rows * V) _oneHot = new float[rows * V];
        Span<float> oneHot = _oneHot.AsSpan(0, rows * V);
        oneHot.Clear();
        for (int row = 0; row < rows; row++) oneHot[row * V + tokens[row]] = 1f;
        return oneHot;
    }

    public override TokenInput CreateReplica(RecurrentStack? replicaStack) => new OneHotInput(replicaStack, Kernels, V);

    private void EnsureRowIds(int count)
    {
        if (_rowIds.Length < count)
        {
            _rowIds = new int[count];
            for (int i = 0; i < count; i++) _rowIds[i] = i;
        }
    }
}

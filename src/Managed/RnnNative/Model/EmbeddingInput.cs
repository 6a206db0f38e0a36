using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Randomness;

namespace RnnNative.Model;

/// <summary>
/// Token embeddings as a model's input, PyTorch's <c>nn.Embedding</c>: <c>x_t = embedding[token_t]</c> [T*B, E],
/// dropped in training (the model's dropout p, place 0). Layer 0 sees embeddings of V tokens:
/// when a window has more rows than V (nothing dropped, one direction, no sequence ending early), the V embeddings are projected once
/// (embedding · W_ih_l0ᵀ, the token table) and rows gathered, instead of a GEMM over all T*B rows: the dot
/// products are the same, only fewer of them.
/// </summary>
internal sealed class EmbeddingInput : TokenInput
{
    private readonly float[] _embedding;          // [V, E]
    private readonly float[] _embeddingGradient;  // [V, E]; empty in a replica
    private readonly Dropout _dropout;            // x_t in training (place 0)
    private float[] _embedded = [];               // [T*B, E]
    private float[] _dEmbedded = [];              // [T*B, E]
    private float[] _tokenGates = [];             // [V, G*H]: embedding · W_ih_l0ᵀ, when the window is gathered
    private float[] _dTokenGates = [];            // [V, G*H]: dGates of layer 0 summed per token
    private bool _gathered;                       // the last forward gathered layer 0's input projections per token
    private readonly TokenGateSumsWork _tokenGateSums;
    private readonly bool _replica;
    private readonly int _place;

    /// <param name="place">The dropout place of x_t: 0, except for a model's second embedding (an encoder-decoder's target side).</param>
    public EmbeddingInput(RecurrentStack? stack, KernelSet kernels, int vocabularySize, int embeddingSize, float dropout, int place = 0)
        : this(stack, kernels, vocabularySize, embeddingSize, dropout, place, new float[vocabularySize * embeddingSize], replica: false)
    {
    }

    private EmbeddingInput(RecurrentStack? stack, KernelSet kernels, int vocabularySize, int embeddingSize, float dropout, int place, float[] embedding, bool replica)
        : base(stack, kernels, vocabularySize)
    {
        E = embeddingSize;
        _embedding = embedding;
        _replica = replica;
        _embeddingGradient = replica ? [] : new float[embedding.Length];
        _dropout = new Dropout(kernels, dropout, place);
        _place = place;
        _tokenGateSums = new TokenGateSumsWork(kernels);
    }

    private int E { get; }

    public override IEnumerable<ParameterBlock> CreateBlocks(WeightVersion version) => [new ParameterBlock("embedding", _embedding, _embeddingGradient) { Version = version }];

    public override IEnumerable<Memory<float>> TensorViews(bool gradients) => [(gradients ? _embeddingGradient : _embedding).AsMemory()];

    public override ReadOnlySpan<float> Embedding => _embedding;

    /// <summary>embedding ~ N(0, 1), as PyTorch's nn.Embedding.</summary>
    public override void Initialize(Random random)
    {
        for (int i = 0; i < _embedding.Length; i++)
        {
            _embedding[i] = (float)Gaussian.Next(random);
        }
    }

    public override void Forward(ReadOnlySpan<int> tokens, int timesteps, int batch, RecurrentState? state, ForwardMode mode, ReadOnlySpan<int> lengths = default)
    {
        int rows = tokens.Length;
        // Dropped embeddings are no longer rows of a table of V: layer 0 then reads them row by row.
        bool drops = mode.IsTraining && _dropout.Probability > 0;
        _gathered = rows > V && !drops && CanGather(lengths);
        if (_gathered)
        {
            if (_tokenGates.Length < V * GateWidth)
            {
                _tokenGates = new float[V * GateWidth];
                _dTokenGates = _replica ? [] : new float[V * GateWidth];
            }
            Span<float> tokenGates = _tokenGates.AsSpan(0, V * GateWidth);
            ProjectTokens(tokenGates);
            Stack.ForwardGathered(tokenGates, tokens, timesteps, batch, state?.Hidden, state?.Cell, [], state?.Hidden, state?.Cell, mode);
            return;
        }
        Stack.Forward(Embed(tokens, mode), timesteps, batch, state?.Hidden, state?.Cell, [], state?.Hidden, state?.Cell, mode, lengths);
    }

    public override void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden = default, ReadOnlySpan<float> dFinalCell = default)
    {
        int rows = tokens.Length;
        if (!_gathered)
        {
            Stack.Backward(dOutput, dFinalHidden, dFinalCell, RowGradients(rows), [], []);
            ScatterRowGradients(tokens);
            return;
        }
        Stack.Backward(dOutput, dFinalHidden, dFinalCell, [], [], []);
        // Layer 0's input was x_r = embedding[token_r], so with S[v] = Σ_{r: token_r = v} dGates_r:
        //   dW_ih_l0 += Sᵀ · embedding      [G*H, E]
        //   dEmbedding += S · W_ih_l0       [V, E]
        // V rows of work where the per-row form takes T*B.
        int gateWidth = GateWidth;
        ReadOnlySpan<float> dGates = Stack.InputGateGradients;
        Span<float> dTokenGates = _dTokenGates.AsSpan(0, V * gateWidth);
        _tokenGateSums.Run(dGates[..(rows * gateWidth)], tokens[..rows], gateWidth, dTokenGates);
        Kernels.Gemm(true, false, gateWidth, E, V, 1f, dTokenGates, gateWidth, _embedding, E, 1f, InputWeights(Stack.Gradients), E);
        Kernels.Gemm(false, false, V, E, gateWidth, 1f, dTokenGates, gateWidth, InputWeights(Stack.Parameters), E, 1f, _embeddingGradient, E);
    }

    public override ReadOnlySpan<float> Rows(ReadOnlySpan<int> tokens, ForwardMode mode) => Embed(tokens, mode);

    public override Span<float> RowGradients(int rows) => _dEmbedded.AsSpan(0, rows * E);

    public override void BackwardRows(ReadOnlySpan<int> tokens) => ScatterRowGradients(tokens);

    /// <summary>x_r = embedding[token_r] [T*B, E], dropped in training: what layer 0 reads when nothing is gathered, and the
    /// rows a part without a stack reads (valid until the next call; <see cref="RowGradients"/> takes their gradient).</summary>
    public ReadOnlySpan<float> Embed(ReadOnlySpan<int> tokens, ForwardMode mode)
    {
        int rows = tokens.Length;
        if (_embedded.Length < rows * E)
        {
            _embedded = new float[rows * E];
            _dEmbedded = _replica ? [] : new float[rows * E];
        }
        Span<float> embedded = _embedded.AsSpan(0, rows * E);
        for (int row = 0; row < rows; row++)
        {
            _embedding.AsSpan(tokens[row] * E, E).CopyTo(embedded.Slice(row * E, E));
        }
        _dropout.Forward(embedded, rows, mode);
        return EmbeddedRows(rows);
    }

    /// <summary>The rows x [rows, E] the last <see cref="Embed"/> returned (dropped in training), still valid for a backward pass.</summary>
    public ReadOnlySpan<float> EmbeddedRows(int rows) => _dropout.Active ? _dropout.Output.AsSpan(0, rows * E) : _embedded.AsSpan(0, rows * E);

    /// <summary>dx in <see cref="RowGradients"/> back through the dropout, then into the embedding: a scatter-add into the
    /// rows of the tokens read, in row order.</summary>
    public void ScatterRowGradients(ReadOnlySpan<int> tokens)
    {
        int rows = tokens.Length;
        Span<float> dEmbedded = RowGradients(rows);
        _dropout.Backward(dEmbedded, rows);
        for (int row = 0; row < rows; row++)
        {
            Kernels.Axpy(1f, dEmbedded.Slice(row * E, E), _embeddingGradient.AsSpan(tokens[row] * E, E));
        }
    }

    /// <summary><paramref name="table"/> [V, G*H] = embedding · W_ih_l0ᵀ.</summary>
    public override void ProjectTokens(Span<float> table, ReadOnlySpan<float> embedding, ReadOnlySpan<float> inputWeights) =>
        Kernels.Gemm(false, true, V, GateWidth, E, 1f, embedding, E, inputWeights, E, 0f, table, GateWidth);

    public override TokenInput CreateReplica(RecurrentStack? replicaStack) => new EmbeddingInput(replicaStack, Kernels, V, E, _dropout.Probability, _place, _embedding, replica: true);
}

using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>
/// An encoder-decoder (Cho et al. 2014; Sutskever et al. 2014): an encoder stack reads the source, a decoder stack
/// with its own weights writes the target. The encoder's final hidden state c (its top layer's, both directions
/// concatenated) is the context the decoder sees at every timestep, in its input and in its output layer:
/// <code>
/// c         = encoder(x_1..x_len) final top-layer hidden (forward at len, backward at 1)      [B, C = D*He]
/// s_0       = encoder's final state, layer for layer (same cell sizes, one direction)
///           | tanh(c · W_bridgeᵀ + b_bridge) for every decoder layer, LSTM cell 0 (a bridge)   [Ld, B, Hd]
/// s_t       = decoder([e(y_{t-1}) ; c], s_{t-1})            e: the target embedding, y_0 = BOS      [B, Hd]
/// logits_t  = [s_t ; c ; e(y_{t-1})] · W_outᵀ + b_out                                              [B, Vt]
/// loss      = mean over the target timesteps (EOS included) of -log softmax(logits_t)[y_t]
/// </code>
/// Both vocabularies begin with the <see cref="Data.SpecialTokens"/>. Tensor names follow the PyTorch mirror's
/// state_dict: <c>encoder.embedding.weight</c>, <c>encoder.rnn.*</c>, <c>decoder.embedding.weight</c>, <c>decoder.rnn.*</c>,
/// <c>bridge.weight</c>, <c>bridge.bias</c> (only with a bridge), <c>output.weight</c>, <c>output.bias</c>.
/// </summary>
/// <param name="Cell">The cell of both stacks (Elman, LSTM or GRU).</param>
/// <param name="SourceVocabularySize">Vs: source tokens, special tokens included.</param>
/// <param name="TargetVocabularySize">Vt: target tokens, special tokens included.</param>
/// <param name="HiddenSize">He: the encoder's hidden size (and the decoder's unless <see cref="DecoderHiddenSize"/>).</param>
/// <param name="Layers">Le: the encoder's layers (and the decoder's unless <see cref="DecoderLayers"/>).</param>
public sealed record Seq2SeqConfig(CellType Cell, int SourceVocabularySize, int TargetVocabularySize, int HiddenSize, int Layers)
{
    /// <summary>Es: features of a source token's embedding (0: <see cref="LanguageModelConfig.DefaultEmbeddingSize"/>).</summary>
    public int EmbeddingSize { get; init; }

    /// <summary>Et: features of a target token's embedding (0: the same as <see cref="EmbeddingSize"/>).</summary>
    public int TargetEmbeddingSize { get; init; }

    /// <summary>A bidirectional encoder (the decoder is always forward).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Hd: the decoder's hidden size (0: <see cref="HiddenSize"/>).</summary>
    public int DecoderHiddenSize { get; init; }

    /// <summary>Ld: the decoder's layers (0: <see cref="Layers"/>).</summary>
    public int DecoderLayers { get; init; }

    /// <summary>The Elman cell's nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>p of non-recurrent dropout in training (embeddings, between layers, before the output layer).</summary>
    public float Dropout { get; init; }

    /// <summary>How both stacks' weights start.</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The scale of IRNN's identity W_hh.</summary>
    public float IdentityScale { get; init; } = 1f;
}

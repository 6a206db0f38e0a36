using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Sizes;

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

    /// <summary>The fewest tokens a vocabulary holds: the <see cref="SpecialTokens"/> and one symbol.</summary>
    public const int MinVocabularySize = SpecialTokens.Count + 1;

    /// <summary>The most tokens a vocabulary holds (as a language model's).</summary>
    public const int MaxVocabularySize = 1 << 22;

    /// <summary>D: the encoder's directions, 2 when <see cref="Bidirectional"/>.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>C = D*He: features of the context c, the encoder's final top-layer hidden state(s).</summary>
    public int ContextSize => Directions * HiddenSize;

    // The sizes with their defaults filled in (WithDefaults stores them).
    private int Es => EmbeddingSize > 0 ? EmbeddingSize : LanguageModelConfig.DefaultEmbeddingSize(HiddenSize);
    private int Et => TargetEmbeddingSize > 0 ? TargetEmbeddingSize : Es;
    private int Hd => DecoderHiddenSize > 0 ? DecoderHiddenSize : HiddenSize;
    private int Ld => DecoderLayers > 0 ? DecoderLayers : Layers;

    /// <summary>True when the decoder's initial state comes through the bridge: the encoder is bidirectional or its
    /// hidden size or layer count differs from the decoder's; else the decoder starts from the encoder's final state.</summary>
    public bool HasBridge => Bidirectional || Hd != HiddenSize || Ld != Layers;

    /// <summary>Features the output layer reads: [s_t ; c ; e(y_{t-1})], Hd + C + Et.</summary>
    public int OutputInputSize => Hd + ContextSize + Et;

    /// <summary>The encoder stack: Es inputs, He hidden, Le layers, <see cref="Bidirectional"/>; its dropout places follow the
    /// source embedding's (0): 1..Le-1.</summary>
    public RecurrentConfig Encoder => new(Cell, Es, HiddenSize, Layers, Activation)
    {
        Bidirectional = Bidirectional,
        Dropout = Dropout,
        Initialization = Initialization,
        IdentityScale = IdentityScale,
    };

    /// <summary>The decoder stack: Et + C inputs ([e(y_{t-1}) ; c]), Hd hidden, Ld layers, forward only; its dropout places
    /// follow the target embedding's (Le): Le+1..Le+Ld-1.</summary>
    public RecurrentConfig Decoder => new(Cell, Et + ContextSize, Hd, Ld, Activation)
    {
        Dropout = Dropout,
        Initialization = Initialization,
        IdentityScale = IdentityScale,
        FirstGapPlace = Layers + 1,
    };

    /// <summary>This config with every size left at 0 filled in: Es = <see cref="LanguageModelConfig.DefaultEmbeddingSize"/>(He),
    /// Et = Es, Hd = He, Ld = Le. A model stores its config this way.</summary>
    public Seq2SeqConfig WithDefaults() => this with
    {
        EmbeddingSize = Es,
        TargetEmbeddingSize = Et,
        DecoderHiddenSize = Hd,
        DecoderLayers = Ld,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range (0 sizes stand for their defaults).</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell))
        {
            throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown cell type");
        }
        CellKind.Of(Cell).RequireStackCell(nameof(Cell), "an encoder-decoder");
        ArgumentOutOfRangeException.ThrowIfLessThan(SourceVocabularySize, MinVocabularySize, nameof(SourceVocabularySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SourceVocabularySize, MaxVocabularySize, nameof(SourceVocabularySize));
        ArgumentOutOfRangeException.ThrowIfLessThan(TargetVocabularySize, MinVocabularySize, nameof(TargetVocabularySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TargetVocabularySize, MaxVocabularySize, nameof(TargetVocabularySize));
        ArgumentOutOfRangeException.ThrowIfNegative(EmbeddingSize, nameof(EmbeddingSize));
        ArgumentOutOfRangeException.ThrowIfNegative(TargetEmbeddingSize, nameof(TargetEmbeddingSize));
        ArgumentOutOfRangeException.ThrowIfNegative(DecoderHiddenSize, nameof(DecoderHiddenSize));
        ArgumentOutOfRangeException.ThrowIfNegative(DecoderLayers, nameof(DecoderLayers));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 1, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        Encoder.Validate();
        try
        {
            Decoder.Validate();
        }
        catch (ArgumentException e) when (e.ParamName is nameof(RecurrentConfig.HiddenSize) or nameof(RecurrentConfig.Layers) or nameof(RecurrentConfig.InputSize))
        {
            // The decoder's own sizes carry the decoder's field names.
            string field = e.ParamName switch
            {
                nameof(RecurrentConfig.HiddenSize) => nameof(DecoderHiddenSize),
                nameof(RecurrentConfig.Layers) => nameof(DecoderLayers),
                _ => nameof(TargetEmbeddingSize),
            };
            throw new ArgumentException(e.Message, field, e);
        }
        BufferLength.Of(nameof(EmbeddingSize), $"the source embedding [Vs={SourceVocabularySize}, Es={Es}]", SourceVocabularySize, Es);
        BufferLength.Of(nameof(TargetEmbeddingSize), $"the target embedding [Vt={TargetVocabularySize}, Et={Et}]", TargetVocabularySize, Et);
        BufferLength.Of(nameof(DecoderHiddenSize), $"the bridge [Ld*Hd={Ld * (long)Hd}, C+1={ContextSize + 1}]", Ld, Hd, ContextSize + 1L);
        BufferLength.Of(nameof(TargetVocabularySize), $"the output layer [Vt={TargetVocabularySize}, Hd+C+Et+1={OutputInputSize + 1L}]", TargetVocabularySize, OutputInputSize + 1L);
    }

    /// <summary>The state_dict names and shapes, in file order: <c>encoder.embedding.weight</c> [Vs, Es], <c>encoder.rnn.*</c>
    /// (<see cref="RecurrentConfig.TensorShapes"/>, <c>_reverse</c> when bidirectional), <c>decoder.embedding.weight</c> [Vt, Et],
    /// <c>decoder.rnn.*</c> (input Et + C), <c>bridge.weight</c> [Ld*Hd, C] and <c>bridge.bias</c> [Ld*Hd] (only with
    /// <see cref="HasBridge"/>), <c>output.weight</c> [Vt, Hd + C + Et], <c>output.bias</c> [Vt].</summary>
    public IEnumerable<(string Name, int[] Shape)> TensorShapes()
    {
        yield return ("encoder.embedding.weight", [SourceVocabularySize, Es]);
        foreach ((string name, int[] shape) in Encoder.TensorShapes())
        {
            yield return ("encoder.rnn." + name, shape);
        }
        yield return ("decoder.embedding.weight", [TargetVocabularySize, Et]);
        foreach ((string name, int[] shape) in Decoder.TensorShapes())
        {
            yield return ("decoder.rnn." + name, shape);
        }
        if (HasBridge)
        {
            yield return ("bridge.weight", [Ld * Hd, ContextSize]);
            yield return ("bridge.bias", [Ld * Hd]);
        }
        yield return ("output.weight", [TargetVocabularySize, OutputInputSize]);
        yield return ("output.bias", [TargetVocabularySize]);
    }
}

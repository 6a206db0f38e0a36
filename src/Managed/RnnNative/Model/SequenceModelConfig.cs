using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>
/// A whole-sequence model: an input part (token embedding, one-hot or dense floats), the recurrent stack,
/// and the head of <see cref="Kind"/> (a tagger's softmax per timestep, a classifier's softmax over a pooled
/// vector, a regressor's linear output).
/// </summary>
/// <param name="Kind">Tagger, classifier or regressor (not <see cref="ModelKind.LanguageModel"/>, which is <see cref="LanguageModelConfig"/>).</param>
/// <param name="Outputs">Tags (tagger), classes (classifier) or O values per target (regressor).</param>
public sealed record SequenceModelConfig(ModelKind Kind, CellType Cell, int HiddenSize, int Layers, int Outputs)
{
    /// <summary>What the first layer reads: token embeddings (default), one-hot tokens, or dense floats.</summary>
    public InputEncoding Input { get; init; } = InputEncoding.Embedding;

    /// <summary>V: input tokens (embedding and one-hot input); 0 with dense input.</summary>
    public int VocabularySize { get; init; }

    /// <summary>E: features of a token's embedding (embedding input only).</summary>
    public int EmbeddingSize { get; init; }

    /// <summary>F: floats per timestep (dense input only).</summary>
    public int FeatureSize { get; init; }

    /// <summary>The Elman cell's nonlinearity.</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>A bidirectional stack (outputs [T, B, 2H]).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>p of non-recurrent dropout in training (input embedding, between layers, before the head).</summary>
    public float Dropout { get; init; }

    /// <summary>How the stack's weights start.</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The scale of IRNN's identity W_hh.</summary>
    public float IdentityScale { get; init; } = 1f;

    /// <summary>A classifier's pooling of the outputs over timesteps.</summary>
    public SequencePooling Pooling { get; init; }

    /// <summary>A regressor's targets: per timestep (true) or one per sequence (false).</summary>
    public bool PerStep { get; init; }
}

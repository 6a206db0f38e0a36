using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>A token-level language model: embedding (or one-hot input), stacked recurrent layers, linear output, softmax.</summary>
/// <param name="VocabularySize">V: tokens the model reads and predicts.</param>
/// <param name="EmbeddingSize">E: features of a token's embedding, the first layer's input; 0 with one-hot input.</param>
/// <param name="Input">What the first layer reads: the token's embedding, or its one-hot vector (V features).</param>
public sealed record LanguageModelConfig(int VocabularySize, int EmbeddingSize, CellType Cell, int HiddenSize, int Layers, Activation Activation = Activation.Tanh, InputEncoding Input = InputEncoding.Embedding)
{
    /// <summary>The recurrent stack between the input and the output layer; its input size is E, or V for one-hot input.</summary>
    public RecurrentConfig Recurrent => new(Cell, Input == InputEncoding.OneHot ? VocabularySize : EmbeddingSize, HiddenSize, Layers, Activation);

    /// <summary>E when none is given, for every front door (CLI --embedding, C embedding_size 0, Python embedding=None): min(H, 64).</summary>
    public static int DefaultEmbeddingSize(int hiddenSize) => Math.Min(hiddenSize, 64);

    /// <summary>This config with <see cref="DefaultEmbeddingSize"/> filled in when it asks for an embedding of size 0.</summary>
    public LanguageModelConfig WithDefaults() =>
        Input == InputEncoding.Embedding && EmbeddingSize == 0 ? this with { EmbeddingSize = DefaultEmbeddingSize(HiddenSize) } : this;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 2, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, 1 << 22, nameof(VocabularySize));
        if (!Enum.IsDefined(Input))
        {
            throw new ArgumentOutOfRangeException(nameof(Input), Input, "unknown input encoding");
        }
        if (Input == InputEncoding.OneHot)
        {
            if (EmbeddingSize != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), EmbeddingSize, "must be 0 with one-hot input, which has no embedding (the first layer reads the V one-hot features).");
            }
            // The first layer reads V features: the stack's input limit applies to V.
            ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, RecurrentConfig.MaxInputSize, nameof(VocabularySize));
        }
        Recurrent.Validate();
    }
}

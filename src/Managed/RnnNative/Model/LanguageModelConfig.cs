using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>A token-level language model: embedding, stacked recurrent layers, linear output, softmax.</summary>
/// <param name="VocabularySize">V: tokens the model reads and predicts.</param>
/// <param name="EmbeddingSize">E: features of a token's embedding, the first layer's input.</param>
public sealed record LanguageModelConfig(int VocabularySize, int EmbeddingSize, CellType Cell, int HiddenSize, int Layers, Activation Activation = Activation.Tanh)
{
    /// <summary>The recurrent stack between embedding and output.</summary>
    public RecurrentConfig Recurrent => new(Cell, EmbeddingSize, HiddenSize, Layers, Activation);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(VocabularySize, 2, nameof(VocabularySize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(VocabularySize, 1 << 22, nameof(VocabularySize));
        Recurrent.Validate();
    }
}

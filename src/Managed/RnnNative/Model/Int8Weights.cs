using RnnNative.Cells;
using RnnNative.Kernels.Step;

namespace RnnNative.Model;

/// <summary>
/// Which weights of a language model are int8, and over which rows they share a scale, in the int8 step
/// (<see cref="WeightPrecision.Int8"/>) and in int8 model files (<see cref="ModelFile.SaveInt8"/>) alike, so a model
/// loaded from an int8 file steps with exactly the int8 weights of the model it was made from:
/// <code>
/// embedding.weight [V, E]                 per token row
/// rnn.weight_ih_l{k}, rnn.weight_hh_l{k}  per gate row over [W_ih | W_hh] (one scale: the layer's step matrix row)
///                                         layer 0 with a token table: W_ih_l0 and W_hh_l0 each per row, the table
///                                         made from Q(embedding) · Q(W_ih_l0)ᵀ (<see cref="StepWeights"/>)
/// decoder.weight [V, H]                   per row
/// </code>
/// Biases and a class-factored softmax's class layer stay float32: they are small, and the step reads them in float32.
/// Quantising dequantised weights again gives the same values (<see cref="Int8Rows"/>), so the rule holds for a loaded file.
/// </summary>
internal static class Int8Weights
{
    /// <summary>True for the tensors the table above quantises (by their <see cref="LanguageModel.NamedTensors"/> names).</summary>
    public static bool IsQuantized(string name) => name is "embedding.weight" or "decoder.weight" || name.StartsWith("rnn.weight_", StringComparison.Ordinal);

    /// <summary>Every tensor the table quantises, by name, of a stack model (a Jordan network steps in float32 only: <see cref="NotSupportedException"/>).</summary>
    public static Dictionary<string, Int8Rows> Quantize(LanguageModel model)
    {
        LanguageModelConfig config = model.Config;
        if (!config.Recurrent.Kind.IsStackCell)
        {
            throw new NotSupportedException("a Jordan language model steps in float32 only, so it has no int8 weights: save it as a float32 model file.");
        }
        Dictionary<string, Int8Rows> quantized = [];
        if (Embedding(model) is { } embedding) quantized["embedding.weight"] = embedding;
        for (int layer = 0; layer < config.Layers; layer++)
        {
            (quantized[$"rnn.weight_ih_l{layer}"], quantized[$"rnn.weight_hh_l{layer}"]) = Layer(model, layer);
        }
        quantized["decoder.weight"] = Int8Rows.Quantize(model.OutputWeights[..(config.VocabularySize * config.HiddenSize)], config.HiddenSize);
        return quantized;
    }

    /// <summary>The embedding [V, E] per token row; null with one-hot input.</summary>
    public static Int8Rows? Embedding(LanguageModel model) =>
        model.Config.Input == InputEncoding.OneHot ? null : Int8Rows.Quantize(model.EmbeddingWeights, model.Config.EmbeddingSize);

    /// <summary>W_ih_l{layer} and W_hh_l{layer}, with one scale per gate row of [W_ih | W_hh] unless layer 0 reads a token table.</summary>
    public static (Int8Rows WeightIh, Int8Rows WeightHh) Layer(LanguageModel model, int layer)
    {
        LanguageModelConfig config = model.Config;
        ReadOnlySpan<float> parameters = model.Stack.Parameters;
        ParameterTensor weightIh = model.Stack.Tensors[4 * layer], weightHh = model.Stack.Tensors[4 * layer + 1];
        ReadOnlySpan<float> ih = parameters.Slice(weightIh.Offset, weightIh.Length), hh = parameters.Slice(weightHh.Offset, weightHh.Length);
        int inputs = config.Recurrent.LayerInputSize(layer), hidden = config.HiddenSize;
        float[] ihMax = Int8Rows.RowMaxima(ih, inputs), hhMax = Int8Rows.RowMaxima(hh, hidden);
        if (layer > 0 || !StepWeights.UsesTokenTable(config))
        {
            // The step matrix's row is [W_ih | W_hh]: the larger of the two blocks' maxima scales both.
            for (int r = 0; r < ihMax.Length; r++) ihMax[r] = hhMax[r] = MathF.Max(ihMax[r], hhMax[r]);
        }
        return (Int8Rows.Quantize(ih, inputs, ihMax), Int8Rows.Quantize(hh, hidden, hhMax));
    }
}

using RnnNative.Cells;
using RnnNative.Model;

namespace RnnNative.Tests.Cells;

public class StackInitializationTests
{
    /// <summary>FNV-1a over the bits of every weight: one number that changes with any draw.</summary>
    private static ulong Fingerprint(IEnumerable<float> values)
    {
        ulong hash = 14695981039346656037;
        foreach (float value in values)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(value)) * 1099511628211;
        }
        return hash;
    }

    private static IEnumerable<float> AllWeights(LanguageModel model) => model.NamedTensors().SelectMany(t => t.Values.ToArray());

    /// <summary>Captured from main before identity initialization existed: the default path must keep
    /// drawing the same numbers in the same order, or every seed's model (and fixture) would change.</summary>
    [Theory]
    [InlineData(CellType.Lstm, 9275053869682740203UL)]
    [InlineData(CellType.Elman, 3736551549865478280UL)]
    public void Default_initialization_draws_the_weights_it_drew_before_identity_existed(CellType cell, ulong expected)
    {
        LanguageModel model = new(new LanguageModelConfig(VocabularySize: 7, EmbeddingSize: 3, cell, HiddenSize: 5, Layers: 2));
        model.Initialize(seed: 42);
        Assert.Equal(expected, Fingerprint(AllWeights(model)));
    }

    [Theory]
    [InlineData(1, 1f, false)]
    [InlineData(2, 1f, false)]
    [InlineData(3, 0.5f, false)]
    [InlineData(2, 0.9f, true)]
    public void Identity_initialization_is_a_scaled_identity_with_zero_biases_and_small_gaussian_inputs(int layers, float scale, bool bidirectional)
    {
        const int hidden = 24;
        RecurrentConfig config = new(CellType.Elman, InputSize: 40, hidden, layers, Activation.Relu)
        {
            Initialization = RecurrentInitialization.Identity,
            IdentityScale = scale,
            Bidirectional = bidirectional,
        };
        RecurrentStack stack = new(config);
        stack.Parameters.AsSpan().Fill(float.NaN);   // every element must be written
        stack.Initialize(new Random(5));

        List<float> inputWeights = [];
        foreach (ParameterTensor tensor in stack.Tensors)
        {
            float[] values = stack.Parameters.AsSpan(tensor.Offset, tensor.Length).ToArray();
            if (tensor.Name.StartsWith("weight_hh_"))
            {
                for (int row = 0; row < hidden; row++)
                {
                    for (int column = 0; column < hidden; column++)
                    {
                        Assert.Equal(row == column ? scale : 0f, values[row * hidden + column]);
                    }
                }
            }
            else if (tensor.Name.StartsWith("bias_"))
            {
                Assert.All(values, value => Assert.Equal(0f, value));
            }
            else
            {
                inputWeights.AddRange(values);
            }
        }
        // D·(40 + D·24·(L-1))·24 draws of N(0, 0.001²) (D directions): the sample σ is within a few percent of σ.
        double mean = inputWeights.Average(value => (double)value);
        double deviation = Math.Sqrt(inputWeights.Average(value => (value - mean) * (value - mean)));
        Assert.InRange(deviation, 0.0009, 0.0011);
        Assert.InRange(Math.Abs(mean), 0, 0.0002);
        int directions = bidirectional ? 2 : 1;
        Assert.Equal(directions * hidden * (40 + directions * hidden * (layers - 1)), inputWeights.Count);
    }

    [Fact]
    public void A_language_model_with_identity_initialization_starts_with_an_identity_stack()
    {
        LanguageModelConfig config = new(VocabularySize: 7, EmbeddingSize: 3, CellType.Elman, HiddenSize: 5, Layers: 2, Activation.Relu) { Initialization = RecurrentInitialization.Identity, IdentityScale = 0.9f };
        LanguageModel model = new(config);
        model.Initialize(seed: 42);
        Memory<float> recurrent = model.NamedTensors().Single(t => t.Name == "rnn.weight_hh_l1").Values;
        Assert.Equal(0.9f, recurrent.Span[0]);
        Assert.Equal(0f, recurrent.Span[1]);
        Assert.Equal(0.9f, recurrent.Span[6]);
    }

    [Theory]
    [InlineData(CellType.Lstm, "LSTM")]
    [InlineData(CellType.Gru, "GRU")]
    public void Identity_initialization_is_refused_for_gated_cells_with_a_clear_message(CellType cell, string name)
    {
        LanguageModelConfig config = new(VocabularySize: 7, EmbeddingSize: 3, cell, HiddenSize: 5, Layers: 1) { Initialization = RecurrentInitialization.Identity };
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(() => new LanguageModel(config));
        Assert.Equal("Initialization", error.ParamName);
        Assert.Contains($"identity initialization (IRNN) is for Elman cells, not {name}", error.Message);
    }
}

using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Model;

/// <summary>
/// A snapshot of a language model's weights laid out for single-token steps (<see cref="StepMatrix"/>):
/// per layer the gate rows over [x; h] and the starting sums (biases) as the cell's <see cref="StepLayout"/>
/// arranges them (LSTM and Elman: the two biases summed), the decoder, and, for small
/// vocabularies and always with one-hot input, layer 0's input projections precomputed per token:
/// <code>
/// tokenTable[v] = embedding[v] · W_ih_l0ᵀ + b_ih_l0 + b_hh_l0      [V, G*H] in panel order
/// tokenTable[v] = W_ih_l0[:, v] + b_ih_l0 + b_hh_l0                 (one-hot input)
/// (GRU: [V, 4H], the input side with its biases, then b_hn: see <see cref="GruStepLayout"/>)
/// </code>
/// so a step of layer 0 reads one row of it and W_hh_l0 instead of W_ih_l0 and W_hh_l0. In int8 every weight matrix
/// is quantised as <see cref="Int8Weights"/> says, so the table is made from Q(embedding) and Q(W_ih_l0), and without a
/// table a step reads its token's row of Q(embedding) (<see cref="Embedding"/>): a model loaded from an int8 file steps
/// exactly as the model it was made from. The table itself stays float32 in int8 too: a row is read once per token and is
/// about 1% of the bytes a token streams (LSTM 2x128: 2 KiB of ~200 KiB), so int8 rows (a scale per row, dequantised once per
/// step) saved nothing measurable: measured (issue 17, one thread, interleaved A/B, `rnn sample --precision int8` of an LSTM
/// 2x128 over 100,000 tokens, load ~10-17) medians 1.345 / 1.36 s and 1.26 / 1.30 s (float / int8 table), i.e. no faster and
/// likely ~0.3 us per token slower; the quality cost on the tinyshakespeare LSTM 2x256 (`rnn eval --precision int8`,
/// 100,000 held-out characters) was below 0.0002 nats/char (1.6045 / 1.6044). Built for one <see cref="WeightVersion"/>
/// and precision; immutable, shared by every replica of the model.
/// </summary>
internal sealed class StepWeights
{
    /// <summary>The token table is used when it is no larger than W_ih_l0, or has at most this many rows (a byte vocabulary).</summary>
    private const int TokenTableRows = 256;

    private StepWeights(long version, WeightPrecision precision, StepLayout layout, StepMatrix[] layers, float[][] biases, float[]? tokenTable, Int8Rows? embedding, StepMatrix decoder, float[] decoderBias)
    {
        Embedding = embedding;
        Layout = layout;
        Version = version;
        Precision = precision;
        Layers = layers;
        Biases = biases;
        TokenTable = tokenTable;
        Decoder = decoder;
        DecoderBias = decoderBias;
    }

    public long Version { get; }

    public WeightPrecision Precision { get; }

    /// <summary>How the cell's steps lay out and run the layers.</summary>
    public StepLayout Layout { get; }

    /// <summary>Per layer: gate rows over [x; h] (layer 0 with a token table: over h only), h from <see cref="StepLayout.HiddenColumn"/> on, as <see cref="Layout"/> says.</summary>
    public StepMatrix[] Layers { get; }

    /// <summary>Per layer: the starting sums' biases in panel order, [panels, <see cref="StepLayout.InitGates"/>, W] (unused for layer 0 with a token table).</summary>
    public float[][] Biases { get; }

    /// <summary>[V, panels * G * W]: see the class summary; null when the vocabulary is too large for it.</summary>
    public float[]? TokenTable { get; }

    /// <summary>int8 without a token table: the embedding [V, E] a step reads its token's row of; null otherwise (the model's own).</summary>
    public Int8Rows? Embedding { get; }

    /// <summary>W_out [V, H] as one gate of V units.</summary>
    public StepMatrix Decoder { get; }

    /// <summary>b_out in panel order.</summary>
    public float[] DecoderBias { get; }

    /// <summary>Floats of one row of <see cref="TokenTable"/>.</summary>
    public int TokenRowLength => Layers[0].Panels * Layout.InitGates * Layers[0].Width;

    /// <summary>True when layer 0 of a model of <paramref name="config"/> steps from a token table (see the class summary).</summary>
    public static bool UsesTokenTable(LanguageModelConfig config) =>
        // With one-hot input the table is W_ih_l0ᵀ plus biases: never larger than W_ih_l0.
        config.Input == InputEncoding.OneHot || config.VocabularySize <= Math.Max(config.EmbeddingSize, TokenTableRows);

    public static StepWeights Build(LanguageModel model, WeightPrecision precision, long version)
    {
        KernelSet kernels = model.Kernels;
        LanguageModelConfig config = model.Config;
        RecurrentConfig recurrent = config.Recurrent;
        StepLayout layout = recurrent.Kind.StepLayout(recurrent);
        int hidden = config.HiddenSize, initGates = layout.InitGates, width = kernels.StepWidth;
        ReadOnlySpan<float> parameters = model.Stack.Parameters;
        bool useTable = UsesTokenTable(config);

        StepMatrix[] layers = new StepMatrix[recurrent.Layers];
        float[][] biases = new float[recurrent.Layers][];
        float[] initBias = new float[initGates * hidden];
        float[]? tokenTable = null;
        for (int layer = 0; layer < layers.Length; layer++)
        {
            ParameterTensor weightIh = model.Stack.Tensors[4 * layer], weightHh = model.Stack.Tensors[4 * layer + 1];
            ParameterTensor biasIh = model.Stack.Tensors[4 * layer + 2], biasHh = model.Stack.Tensors[4 * layer + 3];
            int inputs = recurrent.LayerInputSize(layer);
            bool tokenInputs = layer == 0 && useTable;
            StepMatrix matrix = new(kernels.Path, width, layout.Gates, hidden, layout.HiddenColumn(tokenInputs ? 0 : inputs) + hidden, precision);
            layout.Fill(matrix, parameters.Slice(weightIh.Offset, weightIh.Length), parameters.Slice(weightHh.Offset, weightHh.Length), inputs, hidden, tokenInputs);
            layout.InitBias(kernels, parameters.Slice(biasIh.Offset, biasIh.Length), parameters.Slice(biasHh.Offset, biasHh.Length), initBias);
            biases[layer] = new float[matrix.Panels * initGates * width];
            matrix.ToPanelOrder(initBias, initGates, biases[layer]);
            layers[layer] = matrix;
            if (tokenInputs)
            {
                tokenTable = BuildTokenTable(model, precision, matrix, initBias, initGates);
            }
        }

        int vocabulary = config.VocabularySize;
        ReadOnlySpan<float> output = model.OutputWeights;
        StepMatrix decoder = new(kernels.Path, width, 1, vocabulary, hidden, precision);
        decoder.MeasureColumns(output[..(vocabulary * hidden)], hidden, hidden);
        decoder.SetColumns(output[..(vocabulary * hidden)], hidden, 0, hidden);
        float[] decoderBias = new float[decoder.Panels * width];
        decoder.ToPanelOrder(output.Slice(vocabulary * hidden, vocabulary), decoderBias);
        Int8Rows? embedding = precision == WeightPrecision.Int8 && !useTable ? Int8Weights.Embedding(model) : null;
        return new StepWeights(version, precision, layout, layers, biases, tokenTable, embedding, decoder, decoderBias);
    }

    /// <summary>embedding · W_ih_l0ᵀ (one-hot: W_ih_l0ᵀ; int8: of their quantised values) as the batched path's gathered projection
    /// plus the first G*H of <paramref name="initBias"/>, then the rest of it (the blocks only the starting sums have); each row in panel order.</summary>
    private static float[] BuildTokenTable(LanguageModel model, WeightPrecision precision, StepMatrix layer0, ReadOnlySpan<float> initBias, int initGates)
    {
        int vocabulary = model.Config.VocabularySize, gateWidth = model.Config.Recurrent.GateCount * model.Config.HiddenSize;
        float[] projections = new float[vocabulary * gateWidth], row = new float[initBias.Length];
        if (precision == WeightPrecision.Int8)
        {
            float[] embedding = Dequantized(Int8Weights.Embedding(model)), weightIh = Dequantized(Int8Weights.Layer(model, 0).WeightIh);
            model.ProjectTokens(projections, embedding, weightIh);
        }
        else
        {
            model.ProjectTokens(projections);
        }
        int rowLength = layer0.Panels * initGates * layer0.Width;
        float[] table = new float[vocabulary * rowLength];
        for (int token = 0; token < vocabulary; token++)
        {
            model.Kernels.Add(projections.AsSpan(token * gateWidth, gateWidth), initBias[..gateWidth], row.AsSpan(0, gateWidth));
            initBias[gateWidth..].CopyTo(row.AsSpan(gateWidth));
            layer0.ToPanelOrder(row, initGates, table.AsSpan(token * rowLength, rowLength));
        }
        return table;
    }

    /// <summary>All of <paramref name="rows"/>' values dequantised (none for null).</summary>
    private static float[] Dequantized(Int8Rows? rows)
    {
        float[] values = rows is null ? [] : new float[rows.Values.Length];
        rows?.Dequantize(values);
        return values;
    }
}

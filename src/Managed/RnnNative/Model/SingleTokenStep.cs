using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// One token of one stream through a language model (sampling): per layer, one pass over its
/// <see cref="StepWeights"/> panels computes the gates and the cell together (threads split panels,
/// one parallel region per layer), then the decoder gives the logits.
/// <code>
/// layer 0:  gates = tokenTable[token] + W_hh · h          (or b + [W_ih | W_hh] · [embedding[token]; h])
/// layer l:  gates = b + [W_ih | W_hh] · [h_(l-1); h]
/// logits  = b_out + W_out · h_(L-1)                       (class-factored: the word logits, which the head turns into log P)
/// </code>
/// Per token it reads each weight once and nothing else of size; the batched path would first pack
/// the weights. Results differ from the batched path by summation order (float32 weights) or by the
/// rounding of the weights (bfloat16) or the quantisation of weights and inputs (int8, <see cref="WeightPrecision"/>). One instance per model instance, not thread-safe.
/// </summary>
internal sealed class SingleTokenStep
{
    private readonly LanguageModel _model;
    private readonly float[][] _inputs;     // per layer: x = [input; h_prev] (or h_prev alone for a token-table layer 0), h_prev from the layout's HiddenColumn on
    private readonly float[][] _previous;   // per layer: h before the step, [padded units] (zeros past H)
    private readonly float[][] _hidden;     // per layer: h_new, [padded units]
    private readonly float[][] _cell;       // per layer: c, updated in place, [padded units]
    private readonly float[] _logits;       // [padded V]
    private readonly LayerWork _work;
    private readonly bool _hasCell;         // the cell carries c (LSTM)

    public SingleTokenStep(LanguageModel model)
    {
        _model = model;
        LanguageModelConfig config = model.Config;
        _hasCell = config.Recurrent.Kind.HasCellState;
        int width = model.Kernels.StepWidth, hidden = config.HiddenSize, layers = config.Layers;
        StepLayout layout = config.Recurrent.Kind.StepLayout(config.Recurrent);
        // Whole panels for the layer writing h, and whole stored columns for the layers reading it
        // (the units past H stay zero: their weights and biases are zero).
        int padded = Math.Max((hidden + width - 1) / width * width, (hidden + StepMatrix.ColumnMultiple - 1) / StepMatrix.ColumnMultiple * StepMatrix.ColumnMultiple);
        _inputs = new float[layers][];
        _previous = new float[layers][];
        _hidden = new float[layers][];
        _cell = new float[layers][];
        for (int layer = 0; layer < layers; layer++)
        {
            // Room for the matrix's stored columns (between the input and h, and past K: zeros, never written).
            _inputs[layer] = new float[layout.HiddenColumn(config.Recurrent.LayerInputSize(layer)) + hidden + StepMatrix.ColumnMultiple];
            _previous[layer] = new float[padded];
            _hidden[layer] = new float[padded];
            _cell[layer] = new float[padded];
        }
        _logits = new float[(config.VocabularySize + width - 1) / width * width];
        _work = new LayerWork(model.Kernels);
    }

    /// <summary>Reads <paramref name="token"/> (checked by the caller), advances <paramref name="state"/> (batch 1), writes <paramref name="logits"/> [V].</summary>
    public void Run(StepWeights weights, int token, RecurrentState state, Span<float> logits)
    {
        ReadOnlySpan<float> top = RunLayers(weights, token, state);
        // The decoder is V x H: one thread reads it faster than two could be handed over.
        StepMatrix decoder = weights.Decoder;
        _model.Kernels.DenseStep(decoder, weights.DecoderBias, _hidden[^1], _logits, StepActivation.Identity, 0, decoder.Panels);
        _model.Head.FinishStep(top, _logits.AsSpan(0, _model.Config.VocabularySize), logits);
    }

    /// <summary>The layers of <see cref="Run"/>: returns the top layer's new h [H] (valid until the next step).</summary>
    public ReadOnlySpan<float> RunLayers(StepWeights weights, int token, RecurrentState state)
    {
        LanguageModelConfig config = _model.Config;
        int hidden = config.HiddenSize, embedding = config.EmbeddingSize;
        bool hasCell = _hasCell, readsPrevious = weights.Layout.ReadsPreviousHidden;
        for (int layer = 0; layer < config.Layers; layer++)
        {
            Span<float> hiddenState = state.Hidden.AsSpan(layer * hidden, hidden);
            StepMatrix matrix = weights.Layers[layer];
            Memory<float> init;
            float[] x = _inputs[layer];
            if (layer == 0 && weights.TokenTable is { } table)
            {
                init = table.AsMemory(token * weights.TokenRowLength, weights.TokenRowLength);
                hiddenState.CopyTo(x);
            }
            else
            {
                init = weights.Biases[layer];
                int inputs = layer == 0 ? embedding : hidden;
                if (layer == 0 && weights.Embedding is { } quantized)
                {
                    quantized.Dequantize(token, x);
                }
                else
                {
                    (layer == 0 ? _model.EmbeddingWeights.Slice(token * embedding, embedding) : _hidden[layer - 1].AsSpan(0, hidden)).CopyTo(x);
                }
                hiddenState.CopyTo(x.AsSpan(weights.Layout.HiddenColumn(inputs)));
            }
            if (readsPrevious) hiddenState.CopyTo(_previous[layer]);
            if (hasCell)
            {
                state.Cell.AsSpan(layer * hidden, hidden).CopyTo(_cell[layer]);
            }
            _work.Set(weights.Layout, matrix, init, x, _previous[layer], _cell[layer], _hidden[layer]);
            _work.Run(matrix.Panels, matrix.PanelBytes);
            _hidden[layer].AsSpan(0, hidden).CopyTo(hiddenState);
            if (hasCell)
            {
                _cell[layer].AsSpan(0, hidden).CopyTo(state.Cell.AsSpan(layer * hidden, hidden));
            }
        }
        return _hidden[^1].AsSpan(0, hidden);
    }

    /// <summary>One layer's step as panel ranges for the worker team; reused token after token.</summary>
    private sealed class LayerWork(KernelSet kernels) : RowParallelWork
    {
        private StepLayout? _layout;
        private StepMatrix? _matrix;
        private Memory<float> _init;
        private float[] _x = [];
        private float[] _previous = [];
        private float[] _cell = [];
        private float[] _hidden = [];

        /// <summary>
        /// Rows are panels and elements bytes of weights: a layer splits between threads only when each piece streams at
        /// least 256 KiB, whatever the precision. A smaller layer is read from the caller's L2 faster than a worker is handed
        /// half of it: on the Zen 5 host (README, performance) one thread samples a 2x128 bfloat16 LSTM token (layers of 128
        /// and 256 KiB) in 3.7-4.1 us of CPU where two threads took 5.2 us, and the split pays from layers of about 0.5 MiB
        /// on (2x192 float32, 0.6 and 1.2 MiB: 19 us on one thread, 12 on two).
        /// </summary>
        protected override int MinimumElementsPerPiece => 256 << 10;

        public void Set(StepLayout layout, StepMatrix matrix, Memory<float> init, float[] x, float[] previous, float[] cell, float[] hidden)
        {
            _layout = layout;
            _matrix = matrix;
            _init = init;
            _x = x;
            _previous = previous;
            _cell = cell;
            _hidden = hidden;
        }

        protected override void RunRows(int first, int count) =>
            _layout!.Run(kernels, _matrix!, _init.Span, _x, _previous, _cell, _hidden, first, count);
    }
}

using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Kernels.Step;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// One token of each of B streams through a language model (batched sampling, serving): <see cref="SingleTokenStep"/>'s
/// layers for B streams at once over the same <see cref="StepWeights"/>, in the model's step precision. Per layer,
/// one pass over its panels (threads split panels) computes every stream's gates and cell, each panel read once
/// for all streams (<see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/>); then the decoder gives each stream's logits:
/// <code>
/// layer 0:  gates_b = tokenTable[token_b] + W_hh · h_b          (or b + [W_ih | W_hh] · [embedding[token_b]; h_b])
/// layer l:  gates_b = b + [W_ih | W_hh] · [h_(l-1),b; h_b]
/// logits_b = b_out + W_out · h_(L-1),b                         (class-factored: the word logits, which the head turns into log P)
/// </code>
/// Streams run in groups of <see cref="StepStreams.StreamGroup"/>; B is padded to whole groups with streams whose rows are
/// never read back. Each stream's results equal its own single-token step up to summation order (float32, bfloat16;
/// int8 sums the same integers: x is quantised per stream as a single-token step quantises it). Every precision's B &gt; 1 steps run here: float32 ones ran the training
/// forward's GEMMs until 0.6.0 (a step then equalled a training window bit for bit), slower at every size measured (CPU
/// time of one thread after 1.5 s of warm-up, quiet host, Zen 5 AVX-512, 2-layer LSTM, ms per step here vs GEMM): H = 128
/// B = 8 0.027 vs 0.066, B = 64 0.22 vs 0.27; H = 256 B = 8 0.092 vs 0.21, B = 64 0.70 vs 1.07; H = 512 B = 64 2.41 vs
/// 4.0-4.4 (GRU 1.8 vs 3.0-3.2). The buffers are sized for <see cref="Capacity"/> streams
/// once; a step allocates nothing. One instance per model instance, not thread-safe.
/// </summary>
internal sealed class BatchedTokenStep
{
    private readonly LanguageModel _model;
    private readonly float[][] _inputs;     // per layer [capacity, xStride]: x = [input; h_prev] (or h_prev alone for a token-table layer 0)
    private readonly float[][] _previous;   // per layer [capacity, stateStride]: h before the step (GRU reads it)
    private readonly float[][] _hidden;     // per layer [capacity, stateStride]: h_new
    private readonly float[][] _cell;       // per layer [capacity, stateStride]: c, updated in place (LSTM)
    private readonly float[] _logits;       // [capacity, padded V]
    private readonly float[] _top;          // [capacity, H]: the top layer's h, rows packed for the head
    private readonly int[] _tokenRows;      // [capacity]: each stream's token (its token-table row); padding streams 0
    private readonly int[] _biasRows;       // [capacity]: zeros (every stream starts from the one bias row)
    private readonly int[] _layerInputs;    // per layer: I (LanguageModelConfig.Recurrent makes a new config on every read)
    private readonly int _xStride, _stateStride, _logitStride;
    private readonly bool _hasCell;
    private readonly LayerWork _work;

    public BatchedTokenStep(LanguageModel model, int streams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(streams, 1);
        _model = model;
        LanguageModelConfig config = model.Config;
        _hasCell = config.Recurrent.Kind.HasCellState;
        int width = model.Kernels.StepWidth, hidden = config.HiddenSize, layers = config.Layers;
        RecurrentConfig recurrent = config.Recurrent;
        StepLayout layout = recurrent.Kind.StepLayout(recurrent);
        _layerInputs = [.. Enumerable.Range(0, layers).Select(recurrent.LayerInputSize)];
        Capacity = Padded(streams);
        // Whole panels for the layer writing h, and whole stored columns for the layers reading it (zeros past H).
        _stateStride = Math.Max(RoundUp(hidden, width), RoundUp(hidden, StepMatrix.ColumnMultiple));
        // The widest x any layer has: [input; gap; h] over the stored columns.
        int widest = 0;
        for (int layer = 0; layer < layers; layer++)
        {
            widest = Math.Max(widest, layout.HiddenColumn(_layerInputs[layer]) + hidden);
        }
        _xStride = RoundUp(widest, StepMatrix.ColumnMultiple);
        _logitStride = RoundUp(config.VocabularySize, width);
        _inputs = new float[layers][];
        _previous = new float[layers][];
        _hidden = new float[layers][];
        _cell = new float[layers][];
        for (int layer = 0; layer < layers; layer++)
        {
            _inputs[layer] = new float[Capacity * _xStride];
            _previous[layer] = layout.ReadsPreviousHidden ? new float[Capacity * _stateStride] : [];
            _hidden[layer] = new float[Capacity * _stateStride];
            _cell[layer] = _hasCell ? new float[Capacity * _stateStride] : [];
        }
        _logits = new float[Capacity * _logitStride];
        _top = new float[Capacity * hidden];
        _tokenRows = new int[Capacity];
        _biasRows = new int[Capacity];
        _work = new LayerWork(model.Kernels);
    }

    /// <summary>The most streams a step may have (B rounded up to whole groups).</summary>
    public int Capacity { get; }

    /// <summary>B rounded up to whole stream groups.</summary>
    public static int Padded(int streams) => RoundUp(streams, StepStreams.StreamGroup);

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Reads <paramref name="tokens"/> [B] (checked by the caller, B ≤ <see cref="Capacity"/>), advances <paramref name="state"/>
    /// [L, B, H], writes <paramref name="logits"/> [B, V].</summary>
    public void Run(StepWeights weights, ReadOnlySpan<int> tokens, RecurrentState state, Span<float> logits)
    {
        ReadOnlySpan<float> top = RunLayers(weights, tokens, state);
        int streams = tokens.Length, vocabulary = _model.Config.VocabularySize, hidden = _model.Config.HiddenSize;
        StepMatrix decoder = weights.Decoder;
        _work.SetDecoder(decoder, weights.DecoderBias, _biasRows, Padded(streams), _hidden[^1], _stateStride, _logits, _logitStride);
        _work.Run(decoder.Panels, decoder.Columns * decoder.Width * Padded(streams));
        for (int b = 0; b < streams; b++)
        {
            _model.Head.FinishStep(top.Slice(b * hidden, hidden), _logits.AsSpan(b * _logitStride, vocabulary), logits.Slice(b * vocabulary, vocabulary));
        }
    }

    /// <summary>The layers of <see cref="Run"/>: returns the top layer's new h [B, H] (valid until the next step).</summary>
    public ReadOnlySpan<float> RunLayers(StepWeights weights, ReadOnlySpan<int> tokens, RecurrentState state)
    {
        LanguageModelConfig config = _model.Config;
        int streams = tokens.Length, padded = Padded(streams), hidden = config.HiddenSize, embedding = config.EmbeddingSize;
        if (padded > Capacity || state.Batch != streams)
        {
            throw new ArgumentException($"expected at most {Capacity} streams and a state of as many as tokens, got {streams} tokens and a state of {state.Batch}.", nameof(tokens));
        }
        StepLayout layout = weights.Layout;
        for (int layer = 0; layer < config.Layers; layer++)
        {
            float[] x = _inputs[layer];
            bool tokenTable = layer == 0 && weights.TokenTable is not null;
            int inputs = tokenTable ? 0 : _layerInputs[layer], hiddenColumn = layout.HiddenColumn(inputs);
            for (int b = 0; b < streams; b++)
            {
                ReadOnlySpan<float> hiddenState = state.Hidden.AsSpan((layer * streams + b) * hidden, hidden);
                Span<float> row = x.AsSpan(b * _xStride, _xStride);
                if (tokenTable)
                {
                    _tokenRows[b] = tokens[b];
                }
                else if (layer == 0 && weights.Embedding is { } quantized)
                {
                    quantized.Dequantize(tokens[b], row);   // int8 steps read Q(embedding), as a single-token step does
                }
                else
                {
                    ReadOnlySpan<float> input = layer == 0 ? _model.EmbeddingWeights.Slice(tokens[b] * embedding, embedding) : _hidden[layer - 1].AsSpan(b * _stateStride, hidden);
                    input.CopyTo(row);
                }
                hiddenState.CopyTo(row[hiddenColumn..]);
                if (layout.ReadsPreviousHidden) hiddenState.CopyTo(_previous[layer].AsSpan(b * _stateStride));
                if (_hasCell) state.Cell.AsSpan((layer * streams + b) * hidden, hidden).CopyTo(_cell[layer].AsSpan(b * _stateStride));
            }
            StepMatrix matrix = weights.Layers[layer];
            float[] init = tokenTable ? weights.TokenTable! : weights.Biases[layer];
            _work.SetLayer(layout, matrix, init, tokenTable ? weights.TokenRowLength : init.Length, tokenTable ? _tokenRows : _biasRows, padded,
                x, _xStride, _previous[layer], _cell[layer], _hidden[layer], _stateStride);
            _work.Run(matrix.Panels, matrix.Columns * matrix.Gates * matrix.Width * padded);
            for (int b = 0; b < streams; b++)
            {
                _hidden[layer].AsSpan(b * _stateStride, hidden).CopyTo(state.Hidden.AsSpan((layer * streams + b) * hidden, hidden));
                if (_hasCell) _cell[layer].AsSpan(b * _stateStride, hidden).CopyTo(state.Cell.AsSpan((layer * streams + b) * hidden, hidden));
            }
        }
        for (int b = 0; b < streams; b++)
        {
            _hidden[^1].AsSpan(b * _stateStride, hidden).CopyTo(_top.AsSpan(b * hidden));
        }
        return _top.AsSpan(0, streams * hidden);
    }

    /// <summary>One layer's (or the decoder's) batched step as panel ranges for the worker team; reused token after token.</summary>
    private sealed class LayerWork(KernelSet kernels) : RowParallelWork
    {
        private StepLayout? _layout;   // null: the decoder
        private StepMatrix? _matrix;
        private float[] _init = [], _x = [], _previous = [], _cell = [], _hidden = [];
        private int[] _initRows = [];
        private int _initRowLength, _streams, _xStride, _stateStride;

        /// <summary>A panel of a batched step does B times a single step's work: at 2^18 multiply-adds (about 2 us) a piece pays for its hand-over.</summary>
        protected override int MinimumElementsPerPiece => 1 << 18;

        public void SetLayer(StepLayout? layout, StepMatrix matrix, float[] init, int initRowLength, int[] initRows, int streams,
            float[] x, int xStride, float[] previous, float[] cell, float[] hidden, int stateStride)
        {
            _layout = layout;
            _matrix = matrix;
            _init = init;
            _initRowLength = initRowLength;
            _initRows = initRows;
            _streams = streams;
            _x = x;
            _xStride = xStride;
            _previous = previous;
            _cell = cell;
            _hidden = hidden;
            _stateStride = stateStride;
        }

        /// <summary>The decoder: y = b_out + W_out · x for every stream (x: the top layer's h rows).</summary>
        public void SetDecoder(StepMatrix decoder, float[] bias, int[] biasRows, int streams, float[] x, int xStride, float[] y, int yStride) =>
            SetLayer(null, decoder, bias, bias.Length, biasRows, streams, x, xStride, [], [], y, yStride);

        protected override void RunRows(int first, int count)
        {
            StreamRows rows = new()
            {
                Init = _init,
                InitRowLength = _initRowLength,
                InitRows = _initRows.AsSpan(0, _streams),
                X = _x,
                XStride = _xStride,
                HiddenPrev = _previous,
                Cell = _cell,
                Hidden = _hidden,
                StateStride = _stateStride,
            };
            if (_layout is null)
            {
                kernels.DenseSteps(_matrix!, rows, StepActivation.Identity, first, count);
            }
            else
            {
                _layout.RunStreams(kernels, _matrix!, rows, first, count);
            }
        }
    }
}

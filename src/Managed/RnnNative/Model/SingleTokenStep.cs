using System.Runtime.InteropServices;
using RnnNative.Cells;
using RnnNative.Kernels.Step;
using RnnNative.Kernels.Threading;

namespace RnnNative.Model;

/// <summary>
/// One token of one stream through a language model (sampling): per layer, one pass over its
/// <see cref="StepWeights"/> panels computes the gates and the cell together (threads split panels),
/// then the decoder gives the logits.
/// <code>
/// layer 0:  gates = tokenTable[token] + W_hh · h          (or b + [W_ih | W_hh] · [embedding[token]; h])
/// layer l:  gates = b + [W_ih | W_hh] · [h_(l-1); h]
/// logits  = b_out + W_out · h_(L-1)                       (class-factored: the word logits, which the head turns into log P)
/// </code>
/// Per token it reads each weight once and nothing else of size; the batched path would first pack
/// the weights. Results differ from the batched path by summation order (float32 weights) or by the
/// rounding of the weights (bfloat16) or the quantisation of weights and inputs (int8, <see cref="WeightPrecision"/>). One instance per model instance, not thread-safe.
/// </summary>
/// <remarks>
/// With a token table, layer 0's W_hh · h needs no token, so it is summed a token ahead: in the parallel region of layer 1
/// (of the token itself with one layer), and a token's layer 0 is the cell on <c>tokenTable[token] + sums</c>, run by the
/// caller. A 2-layer model then hands work to the other threads once per token, not twice, and each thread's part of
/// the region, [its layer-1 panels, its W_hh_l0 panels], is read forward on one token and backward on the next
/// (<see cref="PanelOrder"/>): the bytes a thread read last on one token, still in its L2, are the first it reads on the
/// next. The sums are kept with the h they were summed from and the weights: a step from any other state (a new stream,
/// a state the caller changed) sums them first, alone. Sums ahead are only made while one stream goes on (the step
/// starts from the h the previous step left): a caller taking several states in turns would otherwise read W_hh_l0
/// twice a token, once ahead for nothing. Each panel's sums are the same whichever thread reads it, in whichever order,
/// so results depend neither on threads nor on order, nor on whether the sums were kept.
/// </remarks>
internal sealed class SingleTokenStep
{
    private readonly LanguageModel _model;
    private readonly float[][] _inputs;     // per layer: x = [input; h_prev] (or h alone for a token-table layer 0), h_prev from the layout's HiddenColumn on
    private readonly float[][] _previous;   // per layer: h before the step, [padded units] (zeros past H)
    private readonly float[][] _hidden;     // per layer: h_new, [padded units]
    private readonly float[][] _cell;       // per layer: c, updated in place, [padded units]
    private readonly float[] _logits;       // [padded V]
    private readonly float[] _sums;         // token-table layer 0: W_hh · _sumsFrom in the starting sums' layout [panels, InitGates, W]
    private readonly float[] _zeros;        // the starting sums of _sums
    private readonly float[] _sumsFrom;     // the h [H] _sums were summed from
    private readonly float[] _leftBehind;   // token-table layer 0: the h [H] the previous step left (zeros before any)
    private StepWeights? _sumsWeights;      // the weights they were summed with; null while _sums hold nothing
    private readonly StepRegionWork _work;
    private readonly bool _hasCell;         // the cell carries c (LSTM)
    private bool _backward;                 // this token reads its panels backward: flips every token

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
        bool table = StepWeights.UsesTokenTable(config);
        int sumsLength = table ? (hidden + width - 1) / width * layout.InitGates * width : 0;
        _sums = new float[sumsLength];
        _zeros = new float[sumsLength];
        _sumsFrom = new float[table ? hidden : 0];
        _leftBehind = new float[table ? hidden : 0];
        _work = new StepRegionWork(model.Kernels);
    }

    /// <summary>How the parallel regions split between threads (tests skew it).</summary>
    internal PieceBalance Balance => _work.Balance;

    /// <summary>Regions run in more than one piece so far (<see cref="StepRegionWork.SplitRegions"/>).</summary>
    internal long SplitRegions => _work.SplitRegions;

    /// <summary>Passes over layer 0's W_hh for sums (a token ahead or for the step itself) so far: what the tests count.</summary>
    internal long SumPasses { get; private set; }

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
        int hidden = config.HiddenSize, embedding = config.EmbeddingSize, layers = config.Layers;
        StepLayout layout = weights.Layout;
        bool hasCell = _hasCell, readsPrevious = layout.ReadsPreviousHidden;
        _backward = !_backward;
        bool sumsDue = false;   // layer 0's sums for the next token wait for the next region
        for (int layer = 0; layer < layers; layer++)
        {
            Span<float> hiddenState = state.Hidden.AsSpan(layer * hidden, hidden);
            StepMatrix matrix = weights.Layers[layer];
            float[] x = _inputs[layer];
            if (readsPrevious) hiddenState.CopyTo(_previous[layer]);
            if (hasCell)
            {
                state.Cell.AsSpan(layer * hidden, hidden).CopyTo(_cell[layer]);
            }
            if (layer == 0 && weights.TokenTable is { } table)
            {
                bool streamGoesOn = SameBits(hiddenState, _leftBehind);
                if (!SumsAreFor(weights, hiddenState))
                {
                    hiddenState.CopyTo(x);
                    RunRegion(weights, null, 0, default, sums: true);
                }
                layout.RunFromSums(_model.Kernels, table.AsSpan(token * weights.TokenRowLength, weights.TokenRowLength), _sums, _previous[0], _cell[0], _hidden[0], matrix.Panels);
                _hidden[0].AsSpan(0, hidden).CopyTo(x);
                _hidden[0].AsSpan(0, hidden).CopyTo(_leftBehind);
                sumsDue = streamGoesOn;
                if (layers == 1 && sumsDue)
                {
                    RunRegion(weights, null, 0, default, sums: true);
                }
            }
            else
            {
                int inputs = layer == 0 ? embedding : hidden;
                if (layer == 0 && weights.Embedding is { } quantized)
                {
                    quantized.Dequantize(token, x);
                }
                else
                {
                    (layer == 0 ? _model.EmbeddingWeights.Slice(token * embedding, embedding) : _hidden[layer - 1].AsSpan(0, hidden)).CopyTo(x);
                }
                hiddenState.CopyTo(x.AsSpan(layout.HiddenColumn(inputs)));
                RunRegion(weights, matrix, layer, weights.Biases[layer], sumsDue);
                sumsDue = false;
            }
            _hidden[layer].AsSpan(0, hidden).CopyTo(hiddenState);
            if (hasCell)
            {
                _cell[layer].AsSpan(0, hidden).CopyTo(state.Cell.AsSpan(layer * hidden, hidden));
            }
        }
        return _hidden[^1].AsSpan(0, hidden);
    }

    /// <summary>One parallel region: the step of <paramref name="layer"/> over <paramref name="matrix"/> (none when null) and,
    /// when <paramref name="sums"/>, layer 0's sums W_hh · h from h in <c>_inputs[0]</c>, kept with that h.</summary>
    private void RunRegion(StepWeights weights, StepMatrix? matrix, int layer, Memory<float> init, bool sums)
    {
        if (sums) _sumsWeights = null;   // overwritten below: no longer W_hh · _sumsFrom if a piece throws
        _work.Set(layer, weights.Layout, matrix, init, _inputs[layer], _previous[layer], _cell[layer], _hidden[layer],
            sums ? weights.Layers[0] : null, _zeros, _inputs[0], _sums, _backward);
        _work.Run();
        if (sums)
        {
            _inputs[0].AsSpan(0, _sumsFrom.Length).CopyTo(_sumsFrom);
            _sumsWeights = weights;
            SumPasses++;
        }
    }

    /// <summary>True when <see cref="_sums"/> hold W_hh · <paramref name="hidden"/> (the same bits) of <paramref name="weights"/>.</summary>
    private bool SumsAreFor(StepWeights weights, ReadOnlySpan<float> hidden) => ReferenceEquals(_sumsWeights, weights) && SameBits(hidden, _sumsFrom);

    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));
}

using RnnNative.Cells;

namespace RnnNative.Model;

/// <summary>
/// A decoding session of a <see cref="Seq2SeqModel"/> (<see cref="Seq2SeqModel.StartDecoding"/>): per row its decoder state
/// s [Ld, R, Hd] (and an LSTM's cell state), its context c [R, C] with its share of layer 0's gates g_c [R, G*Hd]
/// (<see cref="Seq2SeqDecoder.ProjectContext"/>, computed once per source), and its source. A <see cref="Step"/> runs one decoder
/// timestep for all R rows at once (the decoder's T = 1 forward pass, batched) from the state the last one left, so a
/// token costs O(1) whatever came before; <see cref="Reorder"/> copies rows. Buffers grow to the most rows seen and are
/// then reused: steps and reorders allocate nothing. Runs on the model's decoder (not thread-safe, as the model).
/// </summary>
internal sealed class Seq2SeqStepDecoder : IStepDecoder
{
    private readonly Seq2SeqDecoder _decoder;
    private readonly TokenInput _embedding;
    private readonly int _layers, _hidden, _contextSize, _gateWidth;   // Ld, Hd, C, G*Hd
    private readonly bool _hasCell;
    private RowState _rows, _spare;   // the rows' state, and the buffers the next Reorder writes

    /// <summary>One row per source: <paramref name="context"/> [B, C], <paramref name="contextGates"/> [B, G*Hd],
    /// <paramref name="hidden"/>/<paramref name="cell"/> [Ld, B, Hd] (cell empty for a cell without one), copied.</summary>
    public Seq2SeqStepDecoder(Seq2SeqDecoder decoder, int vocabulary, ReadOnlySpan<float> context, ReadOnlySpan<float> contextGates, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell, int batch)
    {
        _decoder = decoder;
        _embedding = decoder.Embedding;
        Vocabulary = vocabulary;
        _layers = decoder.Stack.Config.Layers;
        _hidden = decoder.Stack.Config.HiddenSize;
        _contextSize = context.Length / batch;
        _gateWidth = contextGates.Length / batch;
        _hasCell = decoder.Stack.Config.Kind.HasCellState;
        _rows = new RowState(this, batch);
        _spare = new RowState(this, batch);
        context.CopyTo(_rows.Context);
        contextGates.CopyTo(_rows.ContextGates);
        hidden.CopyTo(_rows.Hidden);
        cell.CopyTo(_rows.Cell);
        for (int b = 0; b < batch; b++) _rows.Sources[b] = b;
        Rows = batch;
    }

    public int Vocabulary { get; }

    public int Rows { get; private set; }

    public ReadOnlySpan<int> Sources => _rows.Sources.AsSpan(0, Rows);

    public void Step(ReadOnlySpan<int> tokens, Span<float> logProbabilities)
    {
        if (tokens.Length != Rows)
        {
            throw new ArgumentException($"expected {Rows} tokens (one per row), got {tokens.Length}.", nameof(tokens));
        }
        if (logProbabilities.Length != Rows * Vocabulary)
        {
            throw new ArgumentException($"expected {Rows * Vocabulary} log-probabilities ([Rows={Rows}, V={Vocabulary}]), got {logProbabilities.Length}.", nameof(logProbabilities));
        }
        _embedding.CheckTokenIds(tokens, nameof(tokens));
        if (Rows == 0)
        {
            return;   // every row finished and a search dropped them all
        }
        Span<float> hidden = _rows.HiddenOf(Rows), cell = _rows.CellOf(Rows);
        ReadOnlySpan<float> logits = _decoder.Forward(tokens, 1, Rows, _rows.ContextOf(Rows), _rows.ContextGates.AsSpan(0, Rows * _gateWidth), hidden, cell, hidden, cell, ForwardMode.Inference);
        // log p = z - max z - log Σ exp(z - max z), per row
        for (int row = 0; row < Rows; row++)
        {
            _decoder.Stack.Kernels.LogSoftmax(logits.Slice(row * Vocabulary, Vocabulary), logProbabilities.Slice(row * Vocabulary, Vocabulary));
        }
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        foreach (int parent in parents)
        {
            if ((uint)parent >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(parents), parent, $"a parent must be one of the {Rows} rows.");
            }
        }
        int count = parents.Length;
        _spare.Ensure(count);
        for (int r = 0; r < count; r++)
        {
            int parent = parents[r];
            _rows.Context.AsSpan(parent * _contextSize, _contextSize).CopyTo(_spare.Context.AsSpan(r * _contextSize, _contextSize));
            _rows.ContextGates.AsSpan(parent * _gateWidth, _gateWidth).CopyTo(_spare.ContextGates.AsSpan(r * _gateWidth, _gateWidth));
            _spare.Sources[r] = _rows.Sources[parent];
            for (int l = 0; l < _layers; l++)
            {
                // s [Ld, R, Hd]: row r of layer l at (l*R + r)*Hd, R changing from Rows to count
                _rows.Hidden.AsSpan((l * Rows + parent) * _hidden, _hidden).CopyTo(_spare.Hidden.AsSpan((l * count + r) * _hidden, _hidden));
                if (_hasCell) _rows.Cell.AsSpan((l * Rows + parent) * _hidden, _hidden).CopyTo(_spare.Cell.AsSpan((l * count + r) * _hidden, _hidden));
            }
        }
        (_rows, _spare) = (_spare, _rows);
        Rows = count;
    }

    /// <summary>The state of up to <see cref="Capacity"/> rows; the first Rows are in use.</summary>
    private sealed class RowState(Seq2SeqStepDecoder owner, int capacity)
    {
        public int Capacity { get; private set; } = capacity;

        public float[] Context { get; private set; } = new float[capacity * owner._contextSize];   // [R, C]

        public float[] ContextGates { get; private set; } = new float[capacity * owner._gateWidth];   // [R, G*Hd]

        public float[] Hidden { get; private set; } = new float[owner._layers * capacity * owner._hidden];   // [Ld, R, Hd]

        public float[] Cell { get; private set; } = owner._hasCell ? new float[owner._layers * capacity * owner._hidden] : [];

        public int[] Sources { get; private set; } = new int[capacity];

        public Span<float> ContextOf(int rows) => Context.AsSpan(0, rows * owner._contextSize);

        public Span<float> HiddenOf(int rows) => Hidden.AsSpan(0, owner._layers * rows * owner._hidden);

        public Span<float> CellOf(int rows) => owner._hasCell ? Cell.AsSpan(0, owner._layers * rows * owner._hidden) : [];

        /// <summary>Room for <paramref name="rows"/> rows (contents not kept: a reorder writes them all).</summary>
        public void Ensure(int rows)
        {
            if (rows <= Capacity)
            {
                return;
            }
            Capacity = rows;
            Context = new float[rows * owner._contextSize];
            ContextGates = new float[rows * owner._gateWidth];
            Hidden = new float[owner._layers * rows * owner._hidden];
            Cell = owner._hasCell ? new float[Hidden.Length] : [];
            Sources = new int[rows];
        }
    }
}

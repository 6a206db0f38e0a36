using RnnNative.Model;
using RnnNative.Randomness;

namespace RnnNative.Sampling;

/// <summary>
/// Streams generated together by continuous batching: each step feeds one token per stream (a prompt token while it
/// primes, then the token it drew) through one <see cref="LanguageModel.Step"/> (or <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, ReadOnlySpan{float}, ReadOnlySpan{SeededRandom}, Span{int})"/>)
/// of B rows, one row of the state per stream. A stream that finishes leaves its row at once; a stream that joins takes
/// a free row, zeroed (the state at a text's start), or a new one; free rows left over are compacted out before the
/// next step, so the step shrinks as the batch drains. A row is computed from its own state and token only, so which
/// row a stream has, and beside which others, changes its text only by the rounding <see cref="TextGenerator"/> documents.
/// </summary>
internal sealed class StreamBatch
{
    private readonly LanguageModel _model;
    private readonly bool _drawsWithoutLogits;   // through SampleStep, no V logits
    private readonly int _capacity;
    private readonly List<StreamProgress?> _rows = [];   // row r's stream; null: a free row
    private readonly int[] _tokens, _next;   // [B]
    private readonly float[] _logits;        // [B, V], unless drawn without logits
    private readonly float[] _temperatures;  // [B]
    private readonly SeededRandom[] _randoms;   // [B]
    private readonly SeededRandom _discarded = new(0);   // draws for rows still priming, thrown away
    private RecurrentState? _state;          // [L, B, H] with B = the rows of the last step

    /// <summary>An empty batch of at most <paramref name="capacity"/> streams of <paramref name="model"/>, drawing through
    /// <see cref="LanguageModel.SampleStep(ReadOnlySpan{int}, RecurrentState, ReadOnlySpan{float}, ReadOnlySpan{SeededRandom}, Span{int})"/>
    /// when <paramref name="drawsWithoutLogits"/>, else each stream from the logits with its own sampler.</summary>
    public StreamBatch(LanguageModel model, bool drawsWithoutLogits, int capacity)
    {
        _model = model;
        _drawsWithoutLogits = drawsWithoutLogits;
        _capacity = capacity;
        _tokens = new int[capacity];
        _next = new int[capacity];
        _logits = drawsWithoutLogits ? [] : new float[capacity * model.Config.VocabularySize];
        _temperatures = new float[capacity];
        _randoms = new SeededRandom[capacity];
    }

    /// <summary>The streams running.</summary>
    public int Count { get; private set; }

    /// <summary>True when another stream can join.</summary>
    public bool HasRoom => Count < _capacity;

    /// <summary>Adds <paramref name="stream"/>, which starts priming at the next step from the zero state.</summary>
    public void Add(StreamProgress stream)
    {
        int free = _rows.IndexOf(null);
        if (free >= 0)
        {
            _rows[free] = stream;
            ClearRow(_state!, free);
        }
        else
        {
            _rows.Add(stream);
        }
        Count++;
    }

    /// <summary>One step of every stream; adds the streams that finished in it to <paramref name="finished"/>.</summary>
    public void Step(List<StreamProgress> finished)
    {
        Compact();
        int batch = _rows.Count, vocabularySize = _model.Config.VocabularySize;
        for (int row = 0; row < batch; row++) _tokens[row] = _rows[row]!.Input;
        if (_drawsWithoutLogits)
        {
            for (int row = 0; row < batch; row++)
            {
                StreamProgress stream = _rows[row]!;
                _randoms[row] = stream.Draws ? stream.Random : _discarded;
                _temperatures[row] = stream.Draws ? stream.Request.Temperature : 1f;
            }
            _model.SampleStep(_tokens.AsSpan(0, batch), _state!, _temperatures.AsSpan(0, batch), _randoms.AsSpan(0, batch), _next.AsSpan(0, batch));
        }
        else
        {
            _model.Step(_tokens.AsSpan(0, batch), _state!, _logits.AsSpan(0, batch * vocabularySize));
            for (int row = 0; row < batch; row++)
            {
                StreamProgress stream = _rows[row]!;
                if (stream.Draws) _next[row] = stream.Sampler.Next(_logits.AsSpan(row * vocabularySize, vocabularySize), stream.Random);
            }
        }
        for (int row = 0; row < batch; row++)
        {
            StreamProgress stream = _rows[row]!;
            if (!stream.Draws)
            {
                stream.Primed();
                continue;
            }
            stream.Append(_next[row]);
            if (stream.Finish is not null)
            {
                finished.Add(stream);
                _rows[row] = null;
                Count--;
            }
        }
    }

    /// <summary>Makes the state one row per running stream: free rows are dropped, the others keep their state in
    /// order, rows added since the last step start at zero. Allocates only when the number of rows changes.</summary>
    private void Compact()
    {
        if (_state is not null && _state.Batch == _rows.Count && Count == _rows.Count) return;
        RecurrentState state = new(_model.Config, Count);
        int kept = 0;
        for (int row = 0; row < _rows.Count; row++)
        {
            if (_rows[row] is null) continue;
            if (_state is not null && row < _state.Batch) CopyRow(_state, row, state, kept);
            _rows[kept++] = _rows[row];
        }
        _rows.RemoveRange(Count, _rows.Count - Count);
        _state = state;
    }

    /// <summary>The state [L, B, W] of one row, W the state's width (H, or a Jordan network's V), for each layer.</summary>
    private Span<float> Row(float[] tensor, RecurrentState state, int layer, int row)
    {
        int width = _model.Config.StateSize;
        return tensor.AsSpan((layer * state.Batch + row) * width, width);
    }

    private int Layers(RecurrentState state) => state.Hidden.Length / (state.Batch * _model.Config.StateSize);

    private void ClearRow(RecurrentState state, int row)
    {
        for (int layer = 0; layer < Layers(state); layer++)
        {
            Row(state.Hidden, state, layer, row).Clear();
            if (state.Cell.Length > 0) Row(state.Cell, state, layer, row).Clear();
        }
    }

    private void CopyRow(RecurrentState from, int row, RecurrentState to, int toRow)
    {
        for (int layer = 0; layer < Layers(from); layer++)
        {
            Row(from.Hidden, from, layer, row).CopyTo(Row(to.Hidden, to, layer, toRow));
            if (from.Cell.Length > 0) Row(from.Cell, from, layer, row).CopyTo(Row(to.Cell, to, layer, toRow));
        }
    }
}

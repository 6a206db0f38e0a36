using RnnNative.Cells;
using RnnNative.Sizes;

namespace RnnNative.Model;

/// <summary>The hidden (and, for LSTM, cell) state of every layer for a batch of independent
/// streams, [L, B, H] each, carried from one window or one token to the next.</summary>
public sealed class RecurrentState
{
    /// <summary>A zero state for <paramref name="batch"/> streams of a stack of <paramref name="config"/>.</summary>
    public RecurrentState(RecurrentConfig config, int batch)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Batch = batch;
        Hidden = new float[BufferLength.Of(nameof(batch), $"the recurrent state [L={config.Layers}, B={batch}, H={config.HiddenSize}]", config.StateLayers, batch, config.HiddenSize)];
        Cell = config.Kind.HasCellState ? new float[Hidden.Length] : [];
    }

    /// <summary>B: the number of streams.</summary>
    public int Batch { get; }

    /// <summary>h [L, B, H].</summary>
    public float[] Hidden { get; }

    /// <summary>c [L, B, H] for a cell with a cell state (LSTM); empty for the others.</summary>
    public float[] Cell { get; }

    /// <summary>Back to the zero state, as at the start of a text.</summary>
    public void Reset()
    {
        Hidden.AsSpan().Clear();
        Cell.AsSpan().Clear();
    }
}

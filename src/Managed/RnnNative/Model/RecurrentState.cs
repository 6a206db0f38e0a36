using RnnNative.Cells;
using RnnNative.Sizes;

namespace RnnNative.Model;

/// <summary>The hidden (and, for LSTM, cell) state of every layer for a batch of independent
/// streams, [L, B, H] each, carried from one window or one token to the next; for a Jordan language
/// model, its last output y [1, B, V] (the softmax it feeds back) in <see cref="Hidden"/>.</summary>
public sealed class RecurrentState
{
    /// <summary>A zero state for <paramref name="batch"/> streams of a stack of <paramref name="config"/>.</summary>
    public RecurrentState(RecurrentConfig config, int batch)
        : this(batch, config?.StateLayers ?? throw new ArgumentNullException(nameof(config)), config.HiddenSize, "H", config.Kind.HasCellState)
    {
    }

    /// <summary>A zero state for <paramref name="batch"/> streams of a language model of <paramref name="config"/>: its stack's
    /// [L, B, H], or a Jordan network's last output y [1, B, V] in <see cref="Hidden"/> (<see cref="LanguageModelConfig.StateSize"/>).</summary>
    public RecurrentState(LanguageModelConfig config, int batch)
        : this(batch, config?.Recurrent.StateLayers ?? throw new ArgumentNullException(nameof(config)), config.StateSize,
            config.Recurrent.Kind.IsStackCell ? "H" : "V", config.Recurrent.Kind.HasCellState)
    {
    }

    private RecurrentState(int batch, int layers, int width, string widthName, bool hasCell)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Batch = batch;
        Hidden = new float[BufferLength.Of(nameof(batch), $"the recurrent state [L={layers}, B={batch}, {widthName}={width}]", layers, batch, width)];
        Cell = hasCell ? new float[Hidden.Length] : [];
    }

    /// <summary>B: the number of streams.</summary>
    public int Batch { get; }

    /// <summary>h [L, B, H] (a Jordan language model's y [1, B, V]).</summary>
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

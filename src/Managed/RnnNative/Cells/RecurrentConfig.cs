namespace RnnNative.Cells;

/// <summary>The shape of a stack of recurrent layers.</summary>
/// <param name="Cell">Elman or LSTM, for every layer.</param>
/// <param name="InputSize">Features per step entering the first layer.</param>
/// <param name="HiddenSize">H: features of the hidden state of every layer.</param>
/// <param name="Layers">L: layers stacked, each feeding its hidden states to the next.</param>
/// <param name="Activation">f of an Elman cell (ignored for LSTM, whose nonlinearities are fixed).</param>
public sealed record RecurrentConfig(CellType Cell, int InputSize, int HiddenSize, int Layers = 1, Activation Activation = Activation.Tanh)
{
    /// <summary>The largest <see cref="InputSize"/>.</summary>
    public const int MaxInputSize = 1 << 20;

    /// <summary>Gate blocks per layer: 4 for LSTM (i, f, g, o), 1 for Elman.</summary>
    public int GateCount => Cell == CellType.Lstm ? 4 : 1;

    /// <summary>Features of the input of layer <paramref name="layer"/>.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : HiddenSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell))
        {
            throw new ArgumentOutOfRangeException(nameof(Cell), Cell, "unknown cell type");
        }
        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "unknown activation");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(InputSize, 1, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 1, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        // Keeps every buffer index (up to T*B*4H) comfortably inside int for sensible windows.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(InputSize, MaxInputSize, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HiddenSize, 1 << 16, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Layers, 64, nameof(Layers));
    }
}

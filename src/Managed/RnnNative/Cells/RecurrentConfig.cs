using RnnNative.Sizes;

namespace RnnNative.Cells;

/// <summary>The shape of a stack of recurrent layers.</summary>
/// <param name="Cell">Elman, LSTM or GRU, for every layer; Jordan for one layer in one direction (a <see cref="JordanLayer"/>, which no stack runs).</param>
/// <param name="InputSize">Features per step entering the first layer.</param>
/// <param name="HiddenSize">H: features of the hidden state of every layer.</param>
/// <param name="Layers">L: layers stacked, each feeding its hidden states to the next.</param>
/// <param name="Activation">f of an Elman cell (ignored for LSTM, whose nonlinearities are fixed).</param>
public sealed record RecurrentConfig(CellType Cell, int InputSize, int HiddenSize, int Layers = 1, Activation Activation = Activation.Tanh)
{
    /// <summary>Runs every layer over time in both directions (PyTorch's <c>bidirectional=True</c>): each
    /// layer's output is [h_forward; h_backward] (2H), which the layer above reads.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>p of dropout on every layer's output except the last's, in training only (PyTorch's <c>dropout=p</c>).</summary>
    public float Dropout { get; init; }

    /// <summary>How the weights start (<see cref="RecurrentInitialization.Identity"/>: IRNN, Elman only).</summary>
    public RecurrentInitialization Initialization { get; init; }

    /// <summary>The scale of the identity W_hh of <see cref="RecurrentInitialization.Identity"/> (1 in Le et al.).</summary>
    public float IdentityScale { get; init; } = 1f;

    /// <summary>The dropout place (<see cref="Dropout"/>) of the gap above layer 0; gap l is at this + l. 1 for a stack
    /// above an input at place 0; a model with two stacks (an encoder-decoder) moves the second's so no masks repeat.</summary>
    internal int FirstGapPlace { get; init; } = 1;

    /// <summary>The largest <see cref="InputSize"/>.</summary>
    public const int MaxInputSize = 1 << 20;

    /// <summary>The entry of <see cref="Cell"/> in the table of cell kinds.</summary>
    public CellKind Kind => CellKind.Of(Cell);

    /// <summary>Gate blocks per layer: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for Elman.</summary>
    public int GateCount => Kind.GateCount;

    /// <summary>D: directions each layer runs, 2 when <see cref="Bidirectional"/>, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>L*D: the state tensors' first dimension, [L*D, B, H] as PyTorch's h_n (layer-major, direction-minor).</summary>
    public int StateLayers => Layers * Directions;

    /// <summary>Features of a layer's output, D*H: the forward and (bidirectional) backward hidden states side by side.</summary>
    public int OutputSize => Directions * HiddenSize;

    /// <summary>Features of the input of layer <paramref name="layer"/>: I, then the layer below's D*H.</summary>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : OutputSize;

    /// <summary>PyTorch's names and shapes of every layer k's tensors, in the order of the stack's flat
    /// parameter vector: <c>weight_ih_l{k}</c> [G*H, I_k], <c>weight_hh_l{k}</c> [G*H, H],
    /// <c>bias_ih_l{k}</c> [G*H], <c>bias_hh_l{k}</c> [G*H], then (bidirectional) the same four with the
    /// suffix <c>_reverse</c>. Describes a valid config without allocating it.</summary>
    public IEnumerable<(string Name, int[] Shape)> TensorShapes()
    {
        int gateWidth = GateCount * HiddenSize;
        for (int layer = 0; layer < Layers; layer++)
        {
            for (int direction = 0; direction < Directions; direction++)
            {
                string suffix = direction == 0 ? "" : "_reverse";
                yield return ($"weight_ih_l{layer}{suffix}", [gateWidth, LayerInputSize(layer)]);
                yield return ($"weight_hh_l{layer}{suffix}", [gateWidth, HiddenSize]);
                yield return ($"bias_ih_l{layer}{suffix}", [gateWidth]);
                yield return ($"bias_hh_l{layer}{suffix}", [gateWidth]);
            }
        }
    }

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
        ValidateOptions(Cell, Dropout, Initialization, IdentityScale);
        if (!Kind.IsStackCell && (Layers != 1 || Bidirectional))
        {
            throw new ArgumentException($"a {Kind.DisplayName} network has one recurrent layer in one direction (Jordan 1986), not {Layers} {(Layers == 1 ? "layer" : "layers")}{(Bidirectional ? ", bidirectional" : "")}.",
                Layers != 1 ? nameof(Layers) : nameof(Bidirectional));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(InputSize, 1, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenSize, 1, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Layers, 1, nameof(Layers));
        // Keeps every buffer index (up to T*B*4H) comfortably inside int for sensible windows.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(InputSize, MaxInputSize, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HiddenSize, 1 << 16, nameof(HiddenSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Layers, 64, nameof(Layers));
        // Every layer's D*G*H*(I_k + H + 2) parameters live in one flat vector (and as many gradients):
        // blame H when one layer alone is too large, else the number of layers.
        long gateWidth = GateCount * (long)HiddenSize * Directions;
        long firstLayer = BufferLength.Product(gateWidth, InputSize + HiddenSize + 2L), upperLayer = BufferLength.Product(gateWidth, (Directions + 1L) * HiddenSize + 2);
        string field = firstLayer < 0 || upperLayer < 0 ? nameof(HiddenSize) : nameof(Layers);
        BufferLength.Sum(field, $"the recurrent weights of {Layers} {(Layers == 1 ? "layer" : "layers")} of {HiddenSize} {Cell} units (input {InputSize})",
            firstLayer, upperLayer * (Layers - 1));
    }

    /// <summary>The checks of the options a stack and a model share: dropout in [0, 1), a known
    /// initialization that fits the cell, a finite positive identity scale, and none but 1 without identity initialization.</summary>
    internal static void ValidateOptions(CellType cell, float dropout, RecurrentInitialization initialization, float identityScale)
    {
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), dropout, "must be at least 0 and below 1.");
        }
        if (!Enum.IsDefined(initialization))
        {
            throw new ArgumentOutOfRangeException(nameof(Initialization), initialization, "unknown initialization");
        }
        // IRNN sets W_hh = I: it needs an Elman-style hidden-to-hidden matrix, which a Jordan network does not have.
        if (initialization == RecurrentInitialization.Identity && !(CellKind.Of(cell).HasActivation && CellKind.Of(cell).IsStackCell))
        {
            throw new ArgumentOutOfRangeException(nameof(Initialization), initialization, $"identity initialization (IRNN) is for Elman cells, not {CellKind.Of(cell).DisplayName}.");
        }
        if (!(float.IsFinite(identityScale) && identityScale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(IdentityScale), identityScale, "the identity scale must be a positive number.");
        }
        if (identityScale != 1 && initialization != RecurrentInitialization.Identity)
        {
            // A scale that would be ignored is a mistake in the caller's options, not a choice.
            throw new ArgumentOutOfRangeException(nameof(IdentityScale), identityScale, "the identity scale applies only to identity initialization.");
        }
    }
}

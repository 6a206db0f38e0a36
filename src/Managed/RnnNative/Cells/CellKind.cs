using RnnNative.Kernels;
using RnnNative.Kernels.Step;

namespace RnnNative.Cells;

/// <summary>
/// Everything the engine knows of one cell kind, in one table (<see cref="All"/>): its names in every
/// front door and file, its gate count and state tensors, and the layer that runs it. Nothing else
/// switches on <see cref="CellType"/>; a new cell is one entry here plus its kernels.
/// </summary>
public sealed class CellKind
{
    // Both null for a cell that is not a layer of a stack (Jordan): it runs its own network, JordanLayer.
    private readonly Func<KernelSet, RecurrentConfig, int, int, bool, RecurrentLayer>? _createLayer;
    private readonly Func<RecurrentConfig, StepLayout>? _stepLayout;

    private CellKind(CellType type, string name, string? pyTorchName, string displayName, int gateCount, bool hasCellState, bool hasActivation, int firstSchema,
        Func<KernelSet, RecurrentConfig, int, int, bool, RecurrentLayer>? createLayer, Func<RecurrentConfig, StepLayout>? stepLayout)
    {
        FirstSchema = firstSchema;
        _stepLayout = stepLayout;
        Type = type;
        Name = name;
        PyTorchName = pyTorchName;
        DisplayName = displayName;
        GateCount = gateCount;
        HasCellState = hasCellState;
        HasActivation = hasActivation;
        _createLayer = createLayer;
    }

    /// <summary>Every cell kind, in <see cref="CellType"/> order.</summary>
    public static IReadOnlyList<CellKind> All { get; } =
    [
        new(CellType.Elman, "elman", "rnn", "RNN", gateCount: 1, hasCellState: false, hasActivation: true, firstSchema: 1,
            (kernels, config, layer, offset, reverse) => new ElmanLayer(kernels, config.LayerInputSize(layer), config.HiddenSize, config.Activation, offset, reverse),
            config => new SummedGatesStepLayout(1, config.Activation == Activation.Relu ? StepActivation.Relu : StepActivation.Tanh)),
        new(CellType.Lstm, "lstm", "lstm", "LSTM", gateCount: 4, hasCellState: true, hasActivation: false, firstSchema: 1,
            (kernels, config, layer, offset, reverse) => new LstmLayer(kernels, config.LayerInputSize(layer), config.HiddenSize, offset, reverse),
            _ => new SummedGatesStepLayout(4, elmanActivation: null)),
        new(CellType.Gru, "gru", "gru", "GRU", gateCount: 3, hasCellState: false, hasActivation: false, firstSchema: 3,
            (kernels, config, layer, offset, reverse) => new GruLayer(kernels, config.LayerInputSize(layer), config.HiddenSize, offset, reverse),
            _ => new GruStepLayout()),
        // One gate block (W_ih, W_yh [H, ·]); schema 4 (0.5.0) is the first language-model file schema that knows it
        // (sequence-model files have their own schema, which knew it from the start).
        new(CellType.Jordan, "jordan", pyTorchName: null, "Jordan", gateCount: 1, hasCellState: false, hasActivation: true, firstSchema: 4,
            createLayer: null, stepLayout: null),
    ];

    /// <summary>The entries PyTorch has a module for (every one with a <see cref="PyTorchName"/>), in <see cref="All"/>'s order.</summary>
    internal static IReadOnlyList<CellKind> PyTorchKinds { get; } = [.. All.Where(kind => kind.PyTorchName is not null)];

    /// <summary>The entry of <paramref name="type"/>; an unknown one is refused under the config field's name, "Cell", which front doors map to their option.</summary>
    public static CellKind Of(CellType type) =>
        (uint)type < (uint)All.Count ? All[(int)type] : throw new ArgumentOutOfRangeException("Cell", type, "unknown cell type");

    /// <summary>The entry named <paramref name="name"/> (<see cref="Name"/>, or <see cref="PyTorchName"/> as an alias), or null.</summary>
    public static CellKind? Find(string name) => All.FirstOrDefault(kind => kind.Name == name || kind.PyTorchName == name);

    /// <summary>The names <see cref="Find"/> accepts, for messages: "elman, lstm, ...".</summary>
    public static string Names => string.Join(", ", All.Select(kind => kind.Name));

    /// <summary>The stable number (C ABI, checkpoints).</summary>
    public CellType Type { get; }

    /// <summary>The engine's name: CLI <c>--cell</c>, model.json <c>"cell"</c>, Python's <c>cell=</c>.</summary>
    public string Name { get; }

    /// <summary>The cell's name in PyTorch exchange files (metadata <c>"cell"</c>): the lower-case nn module, <c>nn.RNN</c> → "rnn";
    /// null for a cell PyTorch has no module for (Jordan).</summary>
    public string? PyTorchName { get; }

    /// <summary>For people: "LSTM", "RNN", "GRU", "Jordan".</summary>
    public string DisplayName { get; }

    /// <summary>G: gate blocks in the rows of W_ih, W_hh and the biases, in PyTorch's order.</summary>
    public int GateCount { get; }

    /// <summary>True when the cell carries a cell state c next to h (LSTM): states, checkpoints and C/Python state buffers then hold both.</summary>
    public bool HasCellState { get; }

    /// <summary>The first model-file schema that knows this cell (GRU: 3, 0.3.0), so a file holding it is written with
    /// at least that schema and older readers say "update RnnNative" instead of failing on an unknown cell.</summary>
    public int FirstSchema { get; }

    /// <summary>True when the cell's nonlinearity is a choice (<see cref="Activation"/>, Elman); the others ignore it.</summary>
    public bool HasActivation { get; }

    /// <summary>True when the cell runs as a layer of a <see cref="RecurrentStack"/> (Elman, LSTM, GRU); false for a cell that runs
    /// its own one-layer network with its output layer inside (Jordan: <see cref="JordanLayer"/>), which stacks and
    /// single-token steps refuse; models run it in place of a stack and their output layer.</summary>
    public bool IsStackCell => _createLayer is not null;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when the cell is not a
    /// <see cref="IsStackCell"/>; <paramref name="user"/> says what refuses it ("a recurrent stack").</summary>
    internal void RequireStackCell(string paramName, string user)
    {
        if (!IsStackCell) throw NotStackCell(paramName, user);
    }

    private ArgumentException NotStackCell(string paramName, string user) =>
        new($"a {DisplayName} network feeds back its output, so it is one layer with its own output layer, not a layer of {user}: a model (language model, tagger, classifier, regressor) runs it in place of the stack and its output layer.", paramName);

    /// <summary>The layer running this cell for layer <paramref name="layer"/> of <paramref name="config"/>, its parameters
    /// from <paramref name="parameterOffset"/>; <paramref name="reverse"/>: the backward direction of a bidirectional layer.</summary>
    internal RecurrentLayer CreateLayer(KernelSet kernels, RecurrentConfig config, int layer, int parameterOffset, bool reverse) =>
        (_createLayer ?? throw NotStackCell(nameof(config), "a recurrent stack"))(kernels, config, layer, parameterOffset, reverse);

    /// <summary>How single-token steps of a stack of <paramref name="config"/> lay out and run its weights.</summary>
    internal StepLayout StepLayout(RecurrentConfig config) => (_stepLayout ?? throw NotStackCell(nameof(config), "a single-token step"))(config);

    /// <summary>"LSTM", or "RNN (relu)" for a cell with an activation choice.</summary>
    public string Describe(Activation activation) => HasActivation ? $"{DisplayName} ({(activation == Activation.Relu ? "relu" : "tanh")})" : DisplayName;
}

using RnnNative.Cells;
using RnnNative.Runs;
using RnnNative.Tasks;

/// <summary>
/// One network of the comparison and how it trains: the cell, its model options (1 layer x 100 units, Le et al. 2015)
/// and its optimizer. The defaults are settings seen to learn on this engine in short trials (bench/quality/adding.sh
/// says which); <c>--lr NAME=RATE</c> and <c>--optimizer NAME=adam|sgd|rmsprop</c> override them.
/// </summary>
internal sealed record Contender(string Name, TaskModelOptions Model, OptimizerConfig Optimizer)
{
    public const int Hidden = 100;

    public static IReadOnlyList<Contender> All { get; } =
    [
        // IRNN: ReLU Elman with W_hh = I and zero biases (Le et al.); Adam with a small rate keeps the identity's
        // long memory from blowing up in the first updates.
        new("irnn", Options(CellType.Elman) with { Activation = Activation.Relu, Initialization = RecurrentInitialization.Identity },
            new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-4f)),
        new("lstm", Options(CellType.Lstm), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-3f)),
        new("gru", Options(CellType.Gru), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-3f)),
        new("elman", Options(CellType.Elman), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-3f)),
    ];

    private static TaskModelOptions Options(CellType cell) => new() { Cell = cell, HiddenSize = Hidden, Layers = 1 };
}

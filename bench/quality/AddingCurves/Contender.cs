using RnnNative.Cells;
using RnnNative.Runs;
using RnnNative.Tasks;

/// <summary>
/// One network of the comparison and how it trains: the cell, its model options (1 layer x 100 units, Le et al. 2015)
/// and its optimizer. The defaults are the settings that learned fastest in 60 s trials on the 2-core machine (load ~10,
/// B = 32, clip 1): IRNN Adam 3e-4 (1e-4 is slower), LSTM Adam 1e-2 (1e-3 still sat on the mean predictor's plateau
/// after 60 s, 3e-3 took twice as long), GRU Adam 1e-3; the tanh Elman network stayed at the mean predictor's MSE at
/// 1e-3 and 1e-4, as in Le et al. <c>--lr NAME=RATE</c> and <c>--optimizer NAME=adam|sgd|rmsprop</c> override them.
/// </summary>
internal sealed record Contender(string Name, TaskModelOptions Model, OptimizerConfig Optimizer)
{
    public const int Hidden = 100;

    public static IReadOnlyList<Contender> All { get; } =
    [
        // IRNN: ReLU Elman with W_hh = I and zero biases (Le et al.); Adam with a small rate keeps the identity's
        // long memory from blowing up in the first updates.
        new("irnn", Options(CellType.Elman) with { Activation = Activation.Relu, Initialization = RecurrentInitialization.Identity },
            new OptimizerConfig(OptimizerKind.Adam, LearningRate: 3e-4f)),
        new("lstm", Options(CellType.Lstm), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-2f)),
        new("gru", Options(CellType.Gru), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-3f)),
        new("elman", Options(CellType.Elman), new OptimizerConfig(OptimizerKind.Adam, LearningRate: 1e-3f)),
    ];

    private static TaskModelOptions Options(CellType cell) => new() { Cell = cell, HiddenSize = Hidden, Layers = 1 };
}

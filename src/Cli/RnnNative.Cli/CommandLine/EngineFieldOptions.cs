namespace RnnNative.Cli.CommandLine;

/// <summary>
/// The option that sets each field the engine validates (its configs name fields as C# properties:
/// "HiddenSize"), so that a value the engine refuses is reported as the user typed it: "--hidden".
/// The C ABI renames the same fields to its struct fields, Python to its keywords.
/// </summary>
internal static class EngineFieldOptions
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["VocabularySize"] = "vocab-size", ["EmbeddingSize"] = "embedding", ["InputSize"] = "embedding", ["HiddenSize"] = "hidden",
        ["Layers"] = "layers", ["SequenceLength"] = "seq-length", ["BatchSize"] = "batch", ["LearningRate"] = "lr",
        ["Momentum"] = "momentum", ["WeightDecay"] = "weight-decay", ["Beta1"] = "beta1", ["Beta2"] = "beta2", ["Epsilon"] = "eps",
        ["ClipNorm"] = "clip", ["ClipValue"] = "clip-value", ["StepSize"] = "lr-step", ["Gamma"] = "lr-gamma", ["MinimumRate"] = "lr-min",
        ["EvaluateEvery"] = "eval-every", ["ValidationWindows"] = "val-windows", ["MaxUpdates"] = "updates", ["MaxSeconds"] = "time",
        ["Epochs"] = "epochs", ["Temperature"] = "temperature", ["TopK"] = "top-k", ["TopP"] = "top-p",
        ["Dropout"] = "dropout", ["Initialization"] = "init", ["IdentityScale"] = "identity-scale", ["Bidirectional"] = "bidirectional",
        ["Cell"] = "cell", ["Pooling"] = "pooling", ["MaxVocabulary"] = "max-vocab", ["LabelColumn"] = "label-column", ["TextColumn"] = "text-column",
        ["validationFraction"] = "val-fraction", ["Softmax"] = "softmax", ["Classes"] = "classes",
    };

    /// <summary>The option of <paramref name="syntax"/> that sets the engine field <paramref name="field"/>, or null.</summary>
    public static string? For(string field, CommandSyntax? syntax) =>
        syntax is not null && Options.TryGetValue(field, out string? option) && syntax.Options.Contains(option) ? option : null;
}

using RnnNative.Cells;
using RnnNative.Datasets;
using RnnNative.Model;
using RnnNative.Tasks;

namespace RnnNative.Native.Interop;

/// <summary>
/// The config structs of rnn.h's sequence models (since 0.4.0) to and from the engine's task records
/// (<see cref="TaskDataOptions"/>, <see cref="TaskModelOptions"/>, <see cref="TaskEvaluation"/>). Defaults come
/// from the records; validation is the engine's, with its field names renamed to the C fields.
/// </summary>
internal static unsafe class TaskConfigs
{
    /// <summary>"Not set" of rnn_task_model_config's embedding_size and bidirectional: the engine decides.</summary>
    private const int EngineDefault = -1;

    /// <summary>hidden_size and layers 0 (since 0.5.0): the kind's default, as the engine resolves it.</summary>
    private const int KindDefault = 0;

    public static DatasetConfig DatasetDefaults()
    {
        TaskDataOptions o = new();
        return new DatasetConfig
        {
            StructSize = (uint)sizeof(DatasetConfig),
            Kind = (int)ModelKind.LanguageModel,
            Unit = (int)o.Unit,
            MaxVocab = o.MaxVocabulary,
            Lowercase = o.Lowercase ? 1 : 0,
            RequireTargets = 1,
        };
    }

    public static TaskDataOptions ToEngine(in DatasetConfig c)
    {
        TaskDataOptions defaults = new();
        TaskDataOptions options = new()
        {
            Unit = (TokenUnit)c.Unit,
            MaxVocabulary = c.MaxVocab,
            Lowercase = Flag(c.Lowercase, "config->lowercase"),
            LabelColumn = c.LabelColumn == null ? defaults.LabelColumn : Marshalling.String(c.LabelColumn, "config->label_column"),
            TextColumn = c.TextColumn == null ? defaults.TextColumn : Marshalling.String(c.TextColumn, "config->text_column"),
        };
        Flag(c.RequireTargets, "config->require_targets");
        Configs.Validate(options.Validate, "config", ("Unit", "unit"), ("MaxVocabulary", "max_vocab"), ("LabelColumn", "label_column"), ("TextColumn", "text_column"));
        return options;
    }

    /// <summary>The task a file is read for without a model: config->kind, which must name a sequence model.</summary>
    public static TaskKind TaskOf(in DatasetConfig c)
    {
        if (c.Kind is < (int)ModelKind.Tagger or > (int)ModelKind.Regressor)
        {
            throw new ArgumentOutOfRangeException("config->kind", c.Kind, "set it to RNN_MODEL_TAGGER, RNN_MODEL_CLASSIFIER or RNN_MODEL_REGRESSOR to read training data (or pass the model the file is for)");
        }
        return TaskKind.Of((ModelKind)c.Kind);
    }

    public static TaskModelConfig TaskModelDefaults()
    {
        TaskModelOptions o = new();
        return new TaskModelConfig
        {
            StructSize = (uint)sizeof(TaskModelConfig),
            Cell = (int)o.Cell,
            HiddenSize = TaskModelOptions.DefaultHiddenSize,
            Layers = TaskModelOptions.DefaultLayers,
            EmbeddingSize = EngineDefault,
            Bidirectional = EngineDefault,
            Activation = (int)o.Activation,
            Dropout = o.Dropout,
            Init = (int)o.Initialization,
            IdentityScale = o.IdentityScale,
            Pooling = (int)o.Pooling,
            Seed = o.Seed,
        };
    }

    public static TaskModelOptions ToEngine(in TaskModelConfig c)
    {
        if (c.EmbeddingSize < EngineDefault) throw new ArgumentOutOfRangeException("config->embedding_size", c.EmbeddingSize, "must be -1 (the default), 0 (one-hot input) or positive");
        if (c.Bidirectional is < EngineDefault or > 1) throw new ArgumentOutOfRangeException("config->bidirectional", c.Bidirectional, "must be -1 (the task's default), 0 or 1");
        return new TaskModelOptions
        {
            Cell = (CellType)c.Cell,
            HiddenSize = c.HiddenSize == KindDefault ? null : c.HiddenSize,
            Layers = c.Layers == KindDefault ? null : c.Layers,
            EmbeddingSize = c.EmbeddingSize == EngineDefault ? null : c.EmbeddingSize,
            Bidirectional = c.Bidirectional == EngineDefault ? null : c.Bidirectional == 1,
            Activation = (Activation)c.Activation,
            Dropout = c.Dropout,
            Initialization = (RecurrentInitialization)c.Init,
            IdentityScale = c.IdentityScale,
            Pooling = (SequencePooling)c.Pooling,
            Seed = c.Seed,
        };
    }

    /// <summary>Creates the model, with the fields the engine's validation names renamed to the C fields.</summary>
    public static TaskModel CreateModel(TaskKind task, TaskData training, TaskModelOptions options)
    {
        TaskModel? model = null;
        Configs.Validate(() => model = TaskModel.Create(task, training, options), "config", OptionFields);
        return model!;
    }

    /// <summary>The engine's names of the model options (TaskModelOptions and the configs they resolve to) and their
    /// rnn_task_model_config fields, for errors: whole-sequence and seq2seq models read the same struct.</summary>
    internal static readonly (string Engine, string C)[] OptionFields =
    [
        ("Cell", "cell"), ("HiddenSize", "hidden_size"), ("Layers", "layers"), ("EmbeddingSize", "embedding_size"), ("InputSize", "embedding_size"),
        ("Bidirectional", "bidirectional"), ("Activation", "activation"), ("Dropout", "dropout"), ("Initialization", "init"),
        ("IdentityScale", "identity_scale"), ("Pooling", "pooling"),
    ];

    /// <summary>The resolved config of a model (seed 0: models do not keep theirs).</summary>
    public static TaskModelConfig FromEngine(SequenceModelConfig c) =>
        Shape(c.Cell, c.HiddenSize, c.Layers, c.EmbeddingSize, c.Bidirectional, c.Activation, c.Dropout, c.Initialization, c.IdentityScale)
            with { Pooling = (int)c.Pooling };

    /// <summary>The fields every kind of model fills alike (a seq2seq model with its encoder's): cell, sizes, direction,
    /// activation, dropout and initialization; pooling last, seed 0.</summary>
    internal static TaskModelConfig Shape(CellType cell, int hidden, int layers, int embedding, bool bidirectional, Activation activation,
        float dropout, RecurrentInitialization initialization, float identityScale) => new()
    {
        StructSize = (uint)sizeof(TaskModelConfig),
        Cell = (int)cell,
        HiddenSize = hidden,
        Layers = layers,
        EmbeddingSize = embedding,
        Bidirectional = bidirectional ? 1 : 0,
        Activation = (int)activation,
        Dropout = dropout,
        Init = (int)initialization,
        IdentityScale = identityScale,
    };

    /// <summary>The scores of <paramref name="evaluation"/>, NaN for those the kind has none of.</summary>
    public static TaskMetrics Metrics(ModelKind kind, TaskEvaluation evaluation, int sequences)
    {
        TaskMetrics m = new()
        {
            StructSize = (uint)sizeof(TaskMetrics),
            Kind = (int)kind,
            Loss = evaluation.Loss,
            TokenAccuracy = double.NaN,
            Precision = double.NaN,
            Recall = double.NaN,
            F1 = double.NaN,
            Accuracy = double.NaN,
            MacroF1 = double.NaN,
            Mse = double.NaN,
            Mae = double.NaN,
            Sequences = sequences,
        };
        if (evaluation.Tagging is { } tagging)
        {
            (m.TokenAccuracy, m.Precision, m.Recall, m.F1) = (tagging.TokenAccuracy, tagging.Overall.Precision, tagging.Overall.Recall, tagging.Overall.F1);
        }
        if (evaluation.Classification is { } classification)
        {
            (m.Accuracy, m.MacroF1) = (classification.Accuracy, classification.MacroF1);
        }
        if (evaluation.Regression is { } regression)
        {
            (m.Mse, m.Mae) = (regression.Mse, regression.Mae);
        }
        return m;
    }

    private static bool Flag(int value, string field) => value switch
    {
        0 => false,
        1 => true,
        _ => throw new ArgumentOutOfRangeException(field, value, "must be 0 or 1"),
    };
}

using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Diagnostics;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Sampling;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Native.Interop;

/// <summary>
/// The config structs of rnn.h to and from the engine's records. Defaults come from the engine's
/// records; validation is the engine's, with its field names renamed to the C fields.
/// </summary>
internal static unsafe class Configs
{
    public static ModelConfig ModelDefaults()
    {
        LanguageModelConfig d = LanguageModelConfig.Default(vocabularySize: 0);
        return new ModelConfig { StructSize = (uint)sizeof(ModelConfig), Cell = (int)d.Cell, HiddenSize = d.HiddenSize, Layers = d.Layers, Activation = (int)d.Activation, Input = (int)d.Input };
    }

    public static LanguageModelConfig ToEngine(in ModelConfig c)
    {
        LanguageModelConfig config = new LanguageModelConfig(c.VocabSize, c.EmbeddingSize, (CellType)c.Cell, c.HiddenSize, c.Layers, (Activation)c.Activation, (InputEncoding)c.Input)
        {
            Dropout = c.Dropout,
            Initialization = (RecurrentInitialization)c.Init,
            IdentityScale = c.IdentityScale == 0f ? 1f : c.IdentityScale,
            Bidirectional = c.Bidirectional != 0,
            Softmax = (SoftmaxKind)c.Softmax,
            Classes = c.Classes,
        }.WithDefaults();
        Validate(config.Validate, "config", ("VocabularySize", "vocab_size"), ("EmbeddingSize", "embedding_size"), ("InputSize", "embedding_size"),
            ("Cell", "cell"), ("HiddenSize", "hidden_size"), ("Layers", "layers"), ("Activation", "activation"), ("Input", "input"),
            ("Dropout", "dropout"), ("Initialization", "init"), ("IdentityScale", "identity_scale"), ("Bidirectional", "bidirectional"), ("Softmax", "softmax"), ("Classes", "classes"));
        return config;
    }

    public static ModelConfig FromEngine(LanguageModelConfig c) => new()
    {
        StructSize = (uint)sizeof(ModelConfig),
        VocabSize = c.VocabularySize,
        EmbeddingSize = c.EmbeddingSize,
        Cell = (int)c.Cell,
        HiddenSize = c.HiddenSize,
        Layers = c.Layers,
        Activation = (int)c.Activation,
        Input = (int)c.Input,
        Dropout = c.Dropout,
        Init = (int)c.Initialization,
        IdentityScale = c.IdentityScale,
        Bidirectional = c.Bidirectional ? 1 : 0,
        Softmax = (int)c.Softmax,
        Classes = c.ClassCount,
    };

    public static VocabConfig VocabDefaults() => new() { StructSize = (uint)sizeof(VocabConfig), Kind = (int)VocabularyKind.Utf8Char };

    public static TrainerConfig TrainerDefaults()
    {
        TrainingOptions o = new();
        return new TrainerConfig
        {
            StructSize = (uint)sizeof(TrainerConfig),
            SeqLen = o.SequenceLength,
            BatchSize = o.BatchSize,
            Optimizer = (int)o.Optimizer.Kind,
            LearningRate = o.Optimizer.LearningRate,
            Momentum = o.Optimizer.Momentum,
            Beta1 = o.Optimizer.Beta1,
            Beta2 = o.Optimizer.Beta2,
            WeightDecay = o.Optimizer.WeightDecay,
            Nesterov = o.Optimizer.Nesterov ? 1 : 0,
            ClipNorm = o.ClipNorm,
            ClipValue = o.ClipValue,
            Schedule = (int)o.Schedule.Kind,
            ScheduleGamma = o.Schedule.Gamma,
            ScheduleStepSize = o.Schedule.StepSize,
            ScheduleTotalSteps = o.Schedule.TotalUpdates,
            MinLearningRate = o.Schedule.MinimumRate,
            EvalEvery = o.EvaluateEvery,
            ValidationWindows = o.ValidationWindows,
            Epochs = o.Epochs,
            MaxUpdates = o.MaxUpdates,
            MaxSeconds = o.MaxSeconds,
            ValidationFraction = CorpusSplit.DefaultValidationFraction,
            DecoupledWeightDecay = o.Optimizer.DecoupledWeightDecay ? 1 : 0,
            Epsilon = o.Optimizer.Epsilon ?? 0f,
            Seed = o.Seed,
        };
    }

    public static TrainingOptions ToEngine(in TrainerConfig c)
    {
        TrainingOptions options = new(c.SeqLen, c.BatchSize, c.ClipNorm, c.ClipValue, c.MaxUpdates, c.MaxSeconds, c.Epochs, c.EvalEvery, c.ValidationWindows)
        {
            Optimizer = new OptimizerConfig((OptimizerKind)c.Optimizer, c.LearningRate, c.Momentum, c.Nesterov != 0, c.Beta1, c.Beta2,
                Epsilon: c.Epsilon == 0f ? null : c.Epsilon, WeightDecay: c.WeightDecay, DecoupledWeightDecay: c.DecoupledWeightDecay != 0),
            Schedule = new LearningRateSchedule((ScheduleKind)c.Schedule, c.ScheduleStepSize, c.ScheduleGamma, c.ScheduleTotalSteps, c.MinLearningRate),
            Seed = c.Seed,
        };
        Validate(options.Validate, "config", TrainerFields);
        return options;
    }

    /// <summary>Creates the engine's trainer, which also checks the window against the model
    /// (seq_len x batch_size), with the fields it names renamed to the C fields.</summary>
    public static Trainer CreateTrainer(LanguageModel model, CorpusSplit data, TrainingOptions options)
    {
        Trainer? trainer = null;
        Validate(() => trainer = new Trainer(model, data, options), "config", TrainerFields);
        return trainer!;
    }

    private static readonly (string Engine, string C)[] TrainerFields =
    [
        ("SequenceLength", "seq_len"), ("BatchSize", "batch_size"), ("ClipNorm", "clip_norm"), ("ClipValue", "clip_value"),
        ("MaxUpdates", "max_steps"), ("MaxSeconds", "max_seconds"), ("Epochs", "epochs"), ("EvaluateEvery", "eval_every"), ("ValidationWindows", "validation_windows"),
        ("Kind", "optimizer or schedule"), ("LearningRate", "learning_rate"), ("Momentum", "momentum"), ("Nesterov", "nesterov"), ("Beta1", "beta1"), ("Beta2", "beta2"),
        ("WeightDecay", "weight_decay"), ("Epsilon", "epsilon"), ("DecoupledWeightDecay", "decoupled_weight_decay"), ("StepSize", "schedule_step_size"), ("TotalUpdates", "schedule_total_steps"), ("Gamma", "schedule_gamma"), ("MinimumRate", "min_learning_rate"),
    ];

    public static SamplingConfig SamplingDefaults()
    {
        SamplingOptions o = new();
        return new SamplingConfig { StructSize = (uint)sizeof(SamplingConfig), Temperature = o.Temperature, TopK = o.TopK, TopP = o.TopP, MaxTokens = 256 };
    }

    public static SamplingOptions ToEngine(in SamplingConfig c)
    {
        SamplingOptions options = new(c.Temperature, c.TopK, c.TopP);
        Validate(options.Validate, "config", ("Temperature", "temperature"), ("TopK", "top_k"), ("TopP", "top_p"));
        return options;
    }

    /// <summary>Runs an engine validation and renames the field it names to <c>argument->c_field</c>.</summary>
    public static void Validate(Action validate, string argument, params (string Engine, string C)[] fields)
    {
        try
        {
            validate();
        }
        catch (ArgumentException e)
        {
            throw Renamed(e, [.. fields.Select(f => (f.Engine, $"{argument}->{f.C}"))]);
        }
    }

    /// <summary><paramref name="e"/> with the engine parameter it names renamed to the C argument of <paramref name="names"/>;
    /// <paramref name="e"/> itself when it names none of them.</summary>
    public static ArgumentException Renamed(ArgumentException e, params (string Engine, string C)[] names)
    {
        foreach ((string engine, string c) in names)
        {
            if (e.ParamName == engine) return Renamed(e, c);
        }
        return e;
    }

    /// <summary>Runs <paramref name="body"/>, reporting any argument it rejects as the C argument <paramref name="name"/>.</summary>
    public static void Validate(Action body, string name)
    {
        try
        {
            body();
        }
        catch (ArgumentException e) when (e.ParamName is not null)
        {
            throw Renamed(e, name);
        }
    }

    private static ArgumentException Renamed(ArgumentException e, string name) => new($"{name}: {ErrorText.Reason(e)}", name, e);
}

using System.Globalization;
using RnnNative.Cells;
using RnnNative.Cli.CommandLine;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary>
/// What <c>rnn train</c> starts from: a new model, a saved run to continue (<c>--resume</c>), or saved
/// weights for a new run (<c>--init-from</c>), with the data, options and checkpoint path that go with
/// it. A saved file fixes the model and (when resuming) the data walk: an option that would change them
/// may be given again only with its saved value, so a script can add --resume to the command it ran.
/// </summary>
internal sealed class TrainingStart
{
    private TrainingStart(LanguageModel model, Vocabulary vocabulary, TrainingOptions options)
    {
        Model = model;
        Vocabulary = vocabulary;
        Options = options;
    }

    public LanguageModel Model { get; }

    public Vocabulary Vocabulary { get; }

    public TrainingOptions Options { get; }

    /// <summary>The saved run to continue; null for a new run.</summary>
    public TrainingSnapshot? Snapshot { get; private init; }

    /// <summary>The text file to train on; null for the built-in addition corpus (seed: <see cref="Origin"/>).</summary>
    public string? DataPath { get; private init; }

    public required DataOrigin Origin { get; init; }

    public required double ValidationFraction { get; init; }

    public required string Checkpoint { get; init; }

    /// <summary>Initialization and sampling seed, and a new run's dropout seed (<see cref="TrainingOptions.Seed"/>).</summary>
    public required ulong Seed { get; init; }

    public string? ResumePath { get; private init; }

    public string? InitPath { get; private init; }

    private bool DataChangedOk { get; init; }

    public static TrainingStart Read(Arguments args, TextWriter log)
    {
        string? resumePath = args.String("resume"), initPath = args.String("init-from");
        if (resumePath is not null && initPath is not null)
        {
            throw new UsageException("--resume continues a run and --init-from starts a new one from saved weights: give one of them");
        }
        bool dataChangedOk = args.Flag("data-changed-ok");
        ulong seed = SeedOption.Read(args, log);
        string? from = resumePath ?? initPath;
        LoadedModel? saved = from is null ? null : ModelFiles.Load(from);
        saved?.Model.EnsureTrainable();
        if (resumePath is not null && saved!.Training is null)
        {
            throw new UsageException($"'{resumePath}' holds weights only, no training state to resume; start a new run from its weights with --init-from {resumePath}");
        }
        string when = resumePath is not null ? "when resuming" : "with --init-from";
        TrainingData? recorded = saved?.Training?.Data;
        (string? dataPath, DataOrigin origin) = ReadData(args, resumePath, from, recorded, dataChangedOk, seed);
        bool builtIn = dataPath is null;

        Vocabulary vocabulary;
        LanguageModel model;
        if (saved is null)
        {
            vocabulary = BuildVocabulary(args, dataPath, origin);
            model = new LanguageModel(ReadModelConfig(args, NewModel(vocabulary.Count, builtIn)));
            model.Initialize(seed);
        }
        else
        {
            (vocabulary, model) = (saved.Vocabulary, saved.Model);
            Keep(from!, when, [("vocab", Word(vocabulary.Kind))], [("vocab", Word(args.Choice("vocab", vocabulary.Kind, VocabularyWords)))]);
            KeepVocabularySize(args, vocabulary, from!, when);
            Keep(from!, when, ModelOptions(model.Config), ModelOptions(ReadModelConfig(args, model.Config)));
        }

        // A new run's dropout masks follow --seed too; a resumed run keeps the seed it was saved with.
        TrainingOptions options = ReadLimits(args, ReadTrainingOptions(args, resumePath is null ? NewRun(builtIn) with { Seed = seed } : saved!.Options!), builtIn ? BuiltInSeconds : 0);
        double savedFraction = resumePath is null ? double.NaN : recorded?.ValidationFraction ?? double.NaN;
        double fraction = args.Double("val-fraction", double.IsFinite(savedFraction) ? savedFraction : CorpusSplit.DefaultValidationFraction, min: 0);
        if (resumePath is not null)
        {
            Keep(resumePath, when, TrainingWalk(saved!.Options!), TrainingWalk(options));
            if (double.IsFinite(savedFraction)) Keep(resumePath, when, [("val-fraction", Text(savedFraction))], [("val-fraction", Text(fraction))]);
        }

        string checkpoint = args.String("checkpoint", resumePath ?? "model.rnn");
        if (initPath is not null && string.Equals(Path.GetFullPath(checkpoint), Path.GetFullPath(initPath), StringComparison.Ordinal))
        {
            throw new UsageException($"--checkpoint '{checkpoint}' is the --init-from file, which the new run would overwrite; name another --checkpoint");
        }
        return new TrainingStart(model, vocabulary, options)
        {
            Snapshot = resumePath is null ? null : saved!.Training,
            DataPath = dataPath,
            Origin = origin,
            ValidationFraction = fraction,
            Checkpoint = checkpoint,
            Seed = seed,
            ResumePath = resumePath,
            InitPath = initPath,
            DataChangedOk = dataChangedOk,
        };
    }

    /// <summary>Continues the saved run in <paramref name="trainer"/>, refusing other data than the run's
    /// unless --data-changed-ok (then the walk over the new data starts a new epoch).</summary>
    public void Restore(Trainer trainer)
    {
        try
        {
            trainer.Restore(Snapshot!, acceptOtherData: DataChangedOk);
        }
        catch (OtherDataException e)
        {
            throw DataRefused(DataName, ResumePath!, e.TrainedOn, e.Difference);
        }
    }

    private string DataName => DataPath is null ? Origin.ToString() : $"'{DataPath}'";

    internal static CliException DataRefused(string data, string checkpoint, DataOrigin trainedOn, string difference) =>
        new($"{data} is not the data '{checkpoint}' was trained on, {trainedOn}: {difference}; to continue the run on it anyway, add --data-changed-ok");

    /// <summary>The text to train on: --data, else the data the saved file records, else the built-in corpus.</summary>
    private static (string? Path, DataOrigin Origin) ReadData(Arguments args, string? resumePath, string? from, TrainingData? recorded, bool dataChangedOk, ulong seed)
    {
        string? dataPath = args.String("data");
        if (dataPath is null && from is not null)
        {
            switch (recorded?.Origin.Source)
            {
                case DataSource.File:
                    dataPath = recorded.Origin.Path;
                    break;
                case DataSource.AdditionCorpus:
                    return (null, recorded.Origin);
                case DataSource.Host:
                    throw new UsageException($"'{from}' was trained on a corpus a program gave it, which rnn cannot find again; pass --data FILE");
                case null when resumePath is not null && !dataChangedOk:
                    throw new UsageException($"'{from}' does not record the data it was trained on (it was saved before 0.2.0); pass --data FILE with that text, or --data-changed-ok to resume on the built-in addition corpus");
                case null when resumePath is null:
                    throw new UsageException($"'{from}' does not record the data it was trained on; pass --data FILE");
            }
        }
        if (dataPath is null)
        {
            return (null, DataOrigin.Addition(seed));
        }
        DataOrigin origin;
        try
        {
            origin = DataOrigin.File(dataPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool savedPath = args.String("data") is null;
            throw new CliException($"cannot read '{dataPath}': {e.Message}{(savedPath ? $" ('{from}' was trained on it; pass --data FILE with its text)" : "")}");
        }
        if (resumePath is not null && !dataChangedOk && recorded?.Origin.Source == DataSource.File && origin.FileBytes != recorded.Origin.FileBytes)
        {
            throw DataRefused($"'{dataPath}'", resumePath, recorded.Origin, string.Format(CultureInfo.InvariantCulture, "it has {0:N0} bytes", origin.FileBytes));
        }
        return (dataPath, origin);
    }

    /// <summary>Fails on the first option whose given value differs from the saved one.</summary>
    internal static void Keep(string from, string when, (string Option, string Value)[] saved, (string Option, string Value)[] given)
    {
        foreach (((string option, string was), (_, string now)) in saved.Zip(given))
        {
            if (was != now)
            {
                throw new UsageException($"--{option} cannot change {when}: '{from}' has --{option} {was}, not {now}; leave it out");
            }
        }
    }

    /// <summary>--vocab-size given again must be one the saved vocabulary can have come from: a cap of N
    /// keeps at most N-1 characters or N words plus &lt;unk&gt;, so any N from its size less one up fits.</summary>
    private static void KeepVocabularySize(Arguments args, Vocabulary vocabulary, string from, string when)
    {
        if (!args.Has("vocab-size") || vocabulary.Kind == VocabularyKind.Byte) return;
        int cap = args.Int("vocab-size", 0, min: 2);
        if (vocabulary.UnknownId is null || cap < vocabulary.Count - 1)
        {
            string saved = vocabulary.UnknownId is null ? "no cap (no <unk>)" : $"{vocabulary.Count} tokens";
            throw new UsageException($"--vocab-size cannot change {when}: '{from}' has a vocabulary of {saved}, which --vocab-size {cap} would not give; leave it out");
        }
    }

    private static (string, string)[] ModelOptions(LanguageModelConfig c) =>
    [
        ("cell", Word(c.Cell)), ("activation", Word(c.Activation)), ("hidden", Text(c.HiddenSize)), ("layers", Text(c.Layers)),
        ("embedding", Text(c.Input == InputEncoding.OneHot ? 0 : c.EmbeddingSize)), ("dropout", Text(c.Dropout)), ("init", Word(c.Initialization)),
        ("identity-scale", Text(c.IdentityScale)), ("softmax", Word(c.Softmax)), ("classes", Text(c.ClassCount)),
    ];

    /// <summary>The options the saved data position, hidden state and optimizer state depend on.</summary>
    internal static (string, string)[] TrainingWalk(TrainingOptions o) =>
    [
        ("seq-length", Text(o.SequenceLength)), ("batch", Text(o.BatchSize)),
        ("optimizer", o.Optimizer.Kind == OptimizerKind.Adam && o.Optimizer.DecoupledWeightDecay ? "adamw" : Word(o.Optimizer.Kind)),
    ];

    private static string Word<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    private static string Word(VocabularyKind kind) => VocabularyWords.First(w => w.Value == kind).Word;

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly (string Word, VocabularyKind Value)[] VocabularyWords = [("char", VocabularyKind.Utf8Char), ("byte", VocabularyKind.Byte), ("word", VocabularyKind.Word)];

    private static Vocabulary BuildVocabulary(Arguments args, string? dataPath, DataOrigin origin)
    {
        VocabularyKind kind = args.Choice("vocab", VocabularyKind.Utf8Char, VocabularyWords);
        int cap = args.Int("vocab-size", 0, min: 2);
        Vocabulary vocabulary;
        using (Stream corpus = dataPath is null ? new MemoryStream(AdditionCorpus.Generate(TrainCommand.AdditionLines, origin.Seed)) : DataFiles.OpenText(dataPath, kind))
        {
            vocabulary = Vocabulary.Build(kind, corpus, cap);
        }
        if (dataPath is not null) DataFiles.RequireTwoTokens(dataPath, vocabulary);
        return vocabulary;
    }

    /// <summary>A new model's shape. The built-in corpus defaults to one wider layer (with lr 1e-2: in 45 s on
    /// a 2-core Zen 3, a 1x256 LSTM answered 79.5-99.5% of new sums right over three seeds, a 2x128 at lr 2e-3 28.5%).</summary>
    private static LanguageModelConfig NewModel(int vocabularySize, bool builtIn) =>
        builtIn ? LanguageModelConfig.Default(vocabularySize) with { HiddenSize = 256, Layers = 1 } : LanguageModelConfig.Default(vocabularySize);

    /// <summary>The model options, each defaulting to <paramref name="d"/>'s (its embedding size 0: the engine's
    /// default for the hidden size); <c>--embedding 0</c> asks for one-hot input (char-rnn's), which has no embedding.
    /// Validated here, so a value the engine refuses (--dropout 1.5, --bidirectional) gets its reason even when
    /// resuming, before any comparison with a saved model.</summary>
    private static LanguageModelConfig ReadModelConfig(Arguments args, LanguageModelConfig d)
    {
        int hidden = args.Int("hidden", d.HiddenSize, min: 1);
        int embedding = args.Int("embedding", d.Input == InputEncoding.OneHot ? 0 : (d with { HiddenSize = hidden }).WithDefaults().EmbeddingSize, min: 0);
        RecurrentInitialization initialization = args.Choice("init", d.Initialization, ModelChoices.Initializations);
        CellType cell = args.Choice("cell", d.Cell, ModelChoices.Cells);
        SoftmaxKind softmax = args.Choice("softmax", d.Softmax, ModelChoices.Softmaxes);
        LanguageModelConfig config = d with
        {
            EmbeddingSize = embedding,
            Cell = cell,
            HiddenSize = hidden,
            // A Jordan network has one layer: --cell jordan alone does not inherit a stack's default of 2.
            Layers = args.Int("layers", LanguageModelConfig.DefaultLayersOf(cell, d.Layers), min: 1, max: 64),
            Activation = args.Choice("activation", d.Activation, ModelChoices.Activations),
            Input = embedding == 0 ? InputEncoding.OneHot : InputEncoding.Embedding,
            Dropout = args.Float("dropout", d.Dropout),
            Initialization = initialization,
            // A saved identity model's scale, unless the initialization changes (which is then refused by name).
            IdentityScale = args.Float("identity-scale", initialization == RecurrentInitialization.Identity ? d.IdentityScale : 1f),
            Bidirectional = args.Has("bidirectional") ? args.Flag("bidirectional") : d.Bidirectional,
            Softmax = softmax,
            // A saved class model's K, unless the softmax changes (which is then refused by name).
            Classes = args.Int("classes", softmax == SoftmaxKind.Class ? d.Classes : 0, min: 0),
        };
        config.Validate();
        return config;
    }

    /// <summary>A new run's training options: the engine's, but lr 1e-2 on the built-in corpus (for its
    /// figures see <see cref="NewModel"/>).</summary>
    private static TrainingOptions NewRun(bool builtIn)
    {
        TrainingOptions defaults = new();
        return builtIn ? defaults with { Optimizer = defaults.Optimizer with { LearningRate = 1e-2f } } : defaults;
    }

    /// <summary>The training options, each defaulting to <paramref name="d"/>'s (a new run's, or the resumed run's).</summary>
    internal static TrainingOptions ReadTrainingOptions(Arguments args, TrainingOptions d)
    {
        OptimizerConfig p = d.Optimizer;
        (OptimizerKind kind, float momentum, bool decoupled) = args.Choice("optimizer", (p.Kind, p.Momentum, p.DecoupledWeightDecay),
            ("adam", (OptimizerKind.Adam, 0f, false)), ("adamw", (OptimizerKind.Adam, 0f, true)), ("sgd", (OptimizerKind.Sgd, 0f, false)),
            ("momentum", (OptimizerKind.Sgd, 0.9f, false)), ("adagrad", (OptimizerKind.Adagrad, 0f, false)), ("rmsprop", (OptimizerKind.Rmsprop, 0f, false)));
        LearningRateSchedule r = d.Schedule;
        return d with
        {
            SequenceLength = args.Int("seq-length", d.SequenceLength, min: 1),
            BatchSize = args.Int("batch", d.BatchSize, min: 1),
            ClipNorm = args.Float("clip", d.ClipNorm, min: 0f),
            ClipValue = args.Float("clip-value", d.ClipValue, min: 0f),
            EvaluateEvery = args.Int("eval-every", d.EvaluateEvery, min: 0),
            ValidationWindows = args.Int("val-windows", d.ValidationWindows, min: 0),
            Optimizer = p with
            {
                Kind = kind,
                LearningRate = args.Float("lr", p.LearningRate, min: 0f),
                Momentum = args.Float("momentum", momentum, min: 0f),
                WeightDecay = args.Float("weight-decay", p.WeightDecay, min: 0f),
                DecoupledWeightDecay = decoupled,
                Beta1 = args.Float("beta1", p.Beta1, min: 0f, max: 1f),
                Beta2 = args.Float("beta2", p.Beta2, min: 0f, max: 1f),
                Epsilon = args.Has("eps") ? args.Float("eps", 0f, min: float.Epsilon) : p.Epsilon,
            },
            Schedule = r with
            {
                Kind = args.Choice("schedule", r.Kind, ("constant", ScheduleKind.Constant), ("step", ScheduleKind.StepDecay), ("cosine", ScheduleKind.Cosine)),
                StepSize = args.Long("lr-step", r.StepSize, min: 1),
                Gamma = args.Float("lr-gamma", r.Gamma, min: 1e-6f, max: 1f),
                MinimumRate = args.Float("lr-min", r.MinimumRate, min: 0f),
            },
        };
    }

    /// <summary>Seconds of training on the language model's built-in corpus when no limit is given.</summary>
    private const double BuiltInSeconds = 45;

    /// <summary>Stopping limits, totals of the run: given on the command line (they replace all saved
    /// ones), else those of the resumed run, else the defaults: <paramref name="builtInSeconds"/> of training on built-in
    /// data (when &gt; 0), 10 epochs of a file.</summary>
    internal static TrainingOptions ReadLimits(Arguments args, TrainingOptions options, double builtInSeconds)
    {
        bool any = args.Has("updates") || args.Has("time") || args.Has("epochs");
        if (!any && (options.MaxUpdates > 0 || options.MaxSeconds > 0 || options.Epochs > 0))
        {
            return options;
        }
        return options with
        {
            MaxUpdates = args.Long("updates", 0, min: 0),
            MaxSeconds = args.Double("time", any ? 0 : builtInSeconds, min: 0),
            Epochs = args.Int("epochs", any || builtInSeconds > 0 ? 0 : 10, min: 0),
        };
    }
}

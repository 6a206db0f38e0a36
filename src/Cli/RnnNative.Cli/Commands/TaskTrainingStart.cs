using RnnNative.Cli.CommandLine;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary>
/// What <c>rnn train --task tag|classify|regress</c> starts from: a new model fitted to the training data (its
/// vocabulary and labels), or a saved run to continue (<c>--resume</c>, whose model fixes the encoding of every file),
/// with the training and validation data, the options and the checkpoint path.
/// </summary>
internal sealed class TaskTrainingStart
{
    private TaskTrainingStart(TaskModel model, TaskData training, TrainingOptions options)
    {
        Model = model;
        Training = training;
        Options = options;
    }

    public TaskModel Model { get; }

    public TaskData Training { get; }

    public TrainingOptions Options { get; }

    /// <summary>The file trained on (recorded in checkpoints, so --resume finds it again); null: the task's built-in demo.</summary>
    public string? DataPath { get; private init; }

    /// <summary>The --valid file; null: <see cref="ValidationFraction"/> of <see cref="Training"/> is held out.</summary>
    public TaskData? Validation { get; private init; }

    public required double ValidationFraction { get; init; }

    public required string Checkpoint { get; init; }

    /// <summary>The saved run to continue; null for a new run.</summary>
    public LoadedTaskModel? Resumed { get; private init; }

    public string? ResumePath { get; private init; }

    public bool DataChangedOk { get; private init; }

    /// <summary>Reads the rest of the command line, refusing an option this run does not use, before it reads any data file.</summary>
    public static TaskTrainingStart Read(TaskKind task, Arguments args, TextWriter log)
    {
        if (args.Has("seq-length"))
        {
            throw new UsageException($"--seq-length cuts a language model's text into windows; a {task.Name} model trains on whole sequences: leave it out");
        }
        string? resumePath = args.String("resume");
        bool dataChangedOk = args.Flag("data-changed-ok");
        ulong seed = SeedOption.Read(args, log);
        LoadedTaskModel? saved = resumePath is null ? null : ModelFiles.LoadTask(resumePath);
        if (saved is { Training: null } || saved is { Options: null })
        {
            throw new UsageException($"'{resumePath}' holds weights only, no training state to resume");
        }

        if (saved is not null && FixedBySavedModel.FirstOrDefault(args.Has) is { } fixedOption)
        {
            throw new UsageException($"--{fixedOption} cannot change when resuming: '{resumePath}' fixes the model, its vocabulary and labels; leave it out");
        }

        // Every option is read before any file: a wrong value costs no reading. A saved model fixes how files become
        // sequences (its vocabulary and labels) and the model: only a CSV file's columns are read then.
        TaskDataOptions dataOptions = saved is null ? TaskFiles.TrainingOptions(args) : TaskFiles.Columns(args);
        TaskModelOptions? modelOptions = saved is null ? ReadModelOptions(args, seed) : null;
        TrainingOptions options = TrainingStart.ReadLimits(args, TrainingStart.ReadTrainingOptions(args, saved?.Options ?? new TrainingOptions() with { Seed = seed }), builtInSeconds: 0);
        if (resumePath is not null)
        {
            TrainingStart.Keep(resumePath, "when resuming", TrainingStart.TrainingWalk(saved!.Options!), TrainingStart.TrainingWalk(options));
        }
        string? validPath = args.String("valid");
        if (validPath is not null && args.Has("val-fraction"))
        {
            throw new UsageException("--valid names the validation file and --val-fraction holds out part of --data instead: give one of them");
        }
        double fraction = args.Double("val-fraction", CorpusSplit.DefaultValidationFraction, min: 0);
        string? dataPath = args.String("data") ?? RecordedFile(saved?.Training);
        int? timesteps = dataPath is null && task == TaskKind.Regression && args.Has("timesteps") ? args.Int("timesteps", 0, min: 1) : null;
        string checkpoint = args.String("checkpoint", resumePath ?? "model.rnn");
        args.RejectUnused();

        TaskEncoding? encoding = saved?.Model.Encoding;
        TaskData training = dataPath is null
            ? Demo(task, timesteps, dataOptions, encoding)
            : TaskFiles.Read(dataPath, () => TaskData.Read(task, dataPath, dataOptions, encoding));
        TaskData? validation = validPath is null ? null : TaskFiles.Read(validPath, () => TaskData.Read(task, validPath, dataOptions, training.Encoding));
        TaskModel model = saved?.Model ?? TaskModel.Create(task, training, modelOptions);
        return new TaskTrainingStart(model, training, options)
        {
            DataPath = dataPath,
            Validation = validation,
            ValidationFraction = fraction,
            Checkpoint = checkpoint,
            Resumed = saved,
            ResumePath = resumePath,
            DataChangedOk = dataChangedOk,
        };
    }

    /// <summary>The options of a new model and of the encoding fitted to its data, which a resumed run takes from its file.</summary>
    internal static readonly string[] FixedBySavedModel =
        ["cell", "activation", "hidden", "layers", "embedding", "bidirectional", "dropout", "init", "identity-scale", "pooling", "vocab", "max-vocab", "lowercase"];

    /// <summary>The file a resumed run was trained on, as its checkpoint's state records it.</summary>
    internal static string? RecordedFile(TrainingSnapshot? saved) =>
        saved?.Data?.Origin is { Source: DataSource.File, Path: string path } ? path : null;

    /// <summary>The task's built-in data when no --data is given (the demos' own seed, so a resumed run reads them again),
    /// encoded as <paramref name="encoding"/> when a saved model fixes it.</summary>
    private static TaskData Demo(TaskKind task, int? timesteps, TaskDataOptions options, TaskEncoding? encoding) =>
        task.HasDemo
            ? task.Demo(options, encoding, timesteps ?? TaskDemos.DefaultTimesteps)
            : throw new UsageException($"rnn train --task {task.Name} needs --data FILE ({task.Formats}); it has no built-in demo");

    /// <summary>A new model's options; those not given take the task's defaults in the engine (<see cref="TaskModelOptions"/>).</summary>
    internal static TaskModelOptions ReadModelOptions(Arguments args, ulong seed)
    {
        TaskModelOptions d = new();
        return d with
        {
            Cell = args.Choice("cell", d.Cell, ModelChoices.Cells),
            HiddenSize = args.Has("hidden") ? args.Int("hidden", 0, min: 1) : null,
            Layers = args.Has("layers") ? args.Int("layers", 0, min: 1, max: 64) : null,
            EmbeddingSize = args.Has("embedding") ? args.Int("embedding", 0, min: 0) : null,
            Bidirectional = args.Has("bidirectional") ? args.Flag("bidirectional") : null,
            Activation = args.Choice("activation", d.Activation, ModelChoices.Activations),
            Dropout = args.Float("dropout", d.Dropout),
            Initialization = args.Choice("init", d.Initialization, ModelChoices.Initializations),
            IdentityScale = args.Float("identity-scale", d.IdentityScale),
            Pooling = args.Choice("pooling", d.Pooling, ("last", SequencePooling.Last), ("mean", SequencePooling.Mean)),
            Seed = seed,
        };
    }
}

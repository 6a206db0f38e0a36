using System.Runtime.InteropServices;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Native.Interop;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Native.Exports;

/// <summary>rnn_trainer: the engine's training loop over a corpus, N updates per call.</summary>
internal static unsafe class TrainerExports
{
    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_config_init_sized")]
    public static Status ConfigInit(TrainerConfig* config, nuint structSize) =>
        ExportGuard.Run(() => StructSize.Init(config, structSize, Configs.TrainerDefaults(), "config"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_create")]
    public static Status Create(nint model, nint corpus, TrainerConfig* config, nint* outTrainer)
    {
        if (outTrainer != null) *outTrainer = 0;
        return ExportGuard.Run(() =>
        {
            LanguageModel m = ModelHandle.Language(model, "model", "rnn_trainer_create");
            TokenSequence tokens = HandleTable.Get<TokenSequence>(corpus, HandleKind.Corpus, "corpus");
            TrainerConfig c = StructSize.Read(config, Configs.TrainerDefaults(), "config");
            if (outTrainer == null) throw new ArgumentNullException("out_trainer");
            CorpusSplit? split = null;
            Configs.Validate(() => split = CorpusSplit.Create(tokens, c.ValidationFraction), "config->validation_fraction");
            Trainer trainer = Configs.CreateTrainer(m, split!, Configs.ToEngine(c));
            Marshalling.SetOut(outTrainer, HandleKind.Trainer, new LanguageTrainerSession(trainer, tokens), "out_trainer");
        });
    }

    /// <summary>A sequence model's run over whole sequences (<see cref="TaskTraining"/>), or since 0.5.0 a seq2seq model's over pairs
    /// (<see cref="Seq2SeqTraining"/>); seq_len does not apply.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_create_for_dataset")]
    public static Status CreateForDataset(nint model, nint training, nint validation, TrainerConfig* config, nint* outTrainer)
    {
        if (outTrainer != null) *outTrainer = 0;
        return ExportGuard.Run(() =>
        {
            object target = ModelHandle.Data(model, "model", "rnn_trainer_create_for_dataset");
            if (target is Seq2SeqTaskModel s2s)
            {
                Seq2SeqData pairs = DatasetHandle.Pairs(training, "training").For(s2s, "training");
                Seq2SeqData? heldPairs = validation == 0 ? null : DatasetHandle.Pairs(validation, "validation").For(s2s, "validation");
                (TrainerConfig sc, TrainingOptions pairOptions) = Options(config, outTrainer);
                Seq2SeqTraining? pairRun = null;
                Configs.Validate(() => pairRun = new Seq2SeqTraining(s2s, pairs, heldPairs, pairOptions, sc.ValidationFraction), "config", ("validationFraction", "validation_fraction"));
                Marshalling.SetOut(outTrainer, HandleKind.Trainer, new Seq2SeqTrainerSession(pairRun!), "out_trainer");
                return;
            }
            TaskModel m = (TaskModel)target;
            TaskData train = DatasetHandle.Sequences(training, "training").For(m, "training", targets: true);
            TaskData? held = validation == 0 ? null : DatasetHandle.Sequences(validation, "validation").For(m, "validation", targets: true);
            (TrainerConfig c, TrainingOptions options) = Options(config, outTrainer);
            TaskTraining? run = null;
            Configs.Validate(() => run = new TaskTraining(m, train, held, options, c.ValidationFraction), "config", ("validationFraction", "validation_fraction"));
            Marshalling.SetOut(outTrainer, HandleKind.Trainer, new TaskTrainerSession(run!), "out_trainer");
        });
    }

    /// <summary>The config of a run over whole sequences or pairs, where seq_len does not apply (its default stands in).</summary>
    private static (TrainerConfig Config, TrainingOptions Options) Options(TrainerConfig* config, nint* outTrainer)
    {
        TrainerConfig c = StructSize.Read(config, Configs.TrainerDefaults(), "config");
        if (outTrainer == null) throw new ArgumentNullException("out_trainer");
        c.SeqLen = Configs.TrainerDefaults().SeqLen;
        return (c, Configs.ToEngine(c));
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_destroy")]
    public static void Destroy(nint trainer) => ExportGuard.Run(() => HandleTable.Remove(trainer, HandleKind.Trainer, "trainer"));

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_train")]
    public static Status Train(nint trainer, long maxUpdates, delegate* unmanaged<Progress*, void*, int> progress, void* userData, int* outFinished)
    {
        if (outFinished != null) *outFinished = 0;
        return ExportGuard.Run(() =>
        {
            TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
            if (maxUpdates < 0) throw new ArgumentOutOfRangeException("max_updates", maxUpdates, "must be >= 0 (0: until the config's limits)");
            TrainingStop stop = Run(session, maxUpdates, progress, userData);
            if (stop == TrainingStop.Cancelled)
            {
                return ExportGuard.Fail(Status.Cancelled, $"training was cancelled after update {session.Updates}; the trainer can continue.");
            }
            if (outFinished != null) *outFinished = stop == TrainingStop.Completed ? 1 : 0;
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_step")]
    public static Status Step(nint trainer, double* outLoss)
    {
        if (outLoss != null) *outLoss = double.NaN;
        return ExportGuard.Run(() =>
        {
            TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
            long before = session.Updates;
            Run(session, 1, null, null);
            if (session.Updates == before)
            {
                throw new InvalidOperationException("the trainer reached a limit of its config (max_steps, max_seconds or epochs); no update was made.");
            }
            if (outLoss != null) *outLoss = session.LastProgress!.TrainingLoss;
        });
    }

    private static TrainingStop Run(TrainerSession session, long updates, delegate* unmanaged<Progress*, void*, int> progress, void* userData)
    {
        using CancellationTokenSource cancellation = new();
        session.Cancellation = cancellation;
        nint callback = (nint)progress, user = (nint)userData;
        session.Progress = p =>
        {
            session.LastProgress = p;
            if (callback == 0) return;
            Progress report = ToProgress(p);
            if (((delegate* unmanaged<Progress*, void*, int>)callback)(&report, (void*)user) != 0)
            {
                cancellation.Cancel();
            }
        };
        try
        {
            return session.Run(updates, cancellation.Token);
        }
        finally
        {
            session.Progress = null;
            session.Cancellation = null;
        }
    }

    /// <summary>Thread-safe: stops the train call in progress before its next update; ignored when none runs.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_cancel")]
    public static Status Cancel(nint trainer) => ExportGuard.Run(() =>
    {
        TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
        try
        {
            session.Cancellation?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended between the read and the cancel: nothing to stop.
        }
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_get_progress")]
    public static Status GetProgress(nint trainer, Progress* outProgress) => ExportGuard.Run(() =>
    {
        TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
        Progress report = session.LastProgress is { } p ? ToProgress(p) : new Progress { StructSize = (uint)sizeof(Progress), ValidationLoss = double.NaN, Loss = double.NaN, SmoothedLoss = double.NaN, BestValidationLoss = double.PositiveInfinity };
        StructSize.Write(outProgress, report, "out_progress");
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_validate")]
    public static Status Validate(nint trainer, EvaluationResult* outResult) => ExportGuard.Run(() =>
    {
        TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
        if (outResult == null) throw new ArgumentNullException("out_result");
        double loss = session.Validate();
        StructSize.Write(outResult, session.CrossEntropy ? ModelExports.Result(loss) : ModelExports.Result(loss) with { Perplexity = double.NaN, BitsPerToken = double.NaN }, "out_result");
    });

    /// <summary>A resumable checkpoint: a model file with the training state (Trainer.SaveCheckpoint).</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_save_checkpoint")]
    public static Status SaveCheckpoint(nint trainer, nint vocab, byte* path) => ExportGuard.Run(() =>
    {
        TrainerSession session = HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer");
        session.SaveCheckpoint(Marshalling.String(path, "path"), vocab);
    });

    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_resume")]
    public static Status Resume(nint trainer, byte* path) => ExportGuard.Run(() =>
    {
        HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer").Resume(Marshalling.String(path, "path"));
    });

    /// <summary>The engine's checkpoint policy (<see cref="CheckpointFiles"/>) for this trainer; a NULL path turns it off.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnn_trainer_set_checkpoint")]
    public static Status SetCheckpoint(nint trainer, nint vocab, byte* path) => ExportGuard.Run(() =>
        HandleTable.Get<TrainerSession>(trainer, HandleKind.Trainer, "trainer").SetCheckpoint(path == null ? null : Marshalling.String(path, "path"), vocab));

    private static Progress ToProgress(TrainingProgress p) => new()
    {
        StructSize = (uint)sizeof(Progress),
        Epoch = p.Epoch,
        Step = p.Update,
        TotalUpdates = p.TotalUpdates,
        Loss = p.TrainingLoss,
        SmoothedLoss = p.SmoothedLoss,
        ValidationLoss = p.ValidationLoss ?? double.NaN,
        BestValidationLoss = p.BestValidationLoss,
        TokensPerSecond = p.TokensPerSecond,
        ElapsedSeconds = p.Elapsed.TotalSeconds,
        Fraction = p.Fraction,
        LearningRate = p.LearningRate,
        GradientNorm = p.GradientNorm,
    };
}

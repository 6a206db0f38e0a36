using System.Globalization;
using RnnNative.Cells;
using RnnNative.Cli.CommandLine;
using RnnNative.Cli.Terminal;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Sampling;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn train</c>: a language model on a text file, or on the built-in addition corpus; with <c>--task</c>, a
/// tagger, classifier or regressor (<see cref="TaskTrainCommand"/>).</summary>
internal static class TrainCommand
{
    public static readonly string Usage = $$"""
        rnn train [--task {{TaskKind.Names}}] [--data FILE] [options]       train a model
          task     --task: what the model learns (default lm) and the files it reads
        {{TaskLines()}}
          tag, classify, regress: whole sequences, padded in batches of similar length (--batch sequences per update)
                   --valid FILE (else --val-fraction 0.1 of --data held out)  --vocab words|chars  --max-vocab 20000 (0: all)
                   --lowercase  --label-column label  --text-column text (CSV)  --pooling last|mean (classify; regress at the end)
                   --cell jordan (its output fed back; one layer, not bidirectional)  --bidirectional (default for tag; --bidirectional false: one direction)
                   no --data: tag trains on the slot-filling demo, regress on the adding problem of --timesteps 100
                   (classify needs --data); the model, training, limits, output and resume options below apply,
                   --seq-length, --vocab-size, --sample-length and --init-from do not
          lm data  --data FILE  --vocab char|byte|word  --vocab-size N  --val-fraction 0.1
          model    --cell lstm|gru|elman|jordan (jordan: one layer feeding back its output)  --activation tanh|relu  --hidden 128  --layers 2  --embedding min(hidden,64) (0: one-hot)
                   --dropout 0 (p in training: embedding, between layers, before the output)
                   --init default|identity (identity: IRNN, elman only, best with relu)  --identity-scale 1 (with identity)
                   --bidirectional (whole-sequence tasks only: a language model refuses it)
                   --softmax full|class (lm: class-factored, K + |class| logits per token instead of V; for --vocab word,
                   allowed but pointless with chars)  --classes K (with class; default round(sqrt(vocabulary)))
                   (lm's built-in corpus: --hidden 256 --layers 1 --lr 1e-2 unless given; tasks: --hidden 128 --layers 1)
          training --seq-length 50  --batch 50  --optimizer adam|adamw|sgd|momentum|adagrad|rmsprop
                   --lr 2e-3  --momentum 0.9  --weight-decay 0  --clip 5 (global norm, 0 off)  --clip-value 0
                   --beta1 0.9  --beta2 0.999  --eps 1e-8 (1e-10 adagrad)
                   --schedule constant|step|cosine (over the run's updates)  --lr-step 1000  --lr-gamma 0.5  --lr-min 0
                   --eval-every 200  --val-windows 0 (0: whole held-out part)  --seed N (default: random)  --threads N
          limits   --updates N  --time SECONDS  --epochs N  (default: 10 epochs, 45 s on lm's built-in corpus);
                   totals of the run counted from its first update, so a resumed run stops where a straight one would
          output   --checkpoint model.rnn (also model.best.rnn)  --plot FILE.svg  --sample-length 200
                   --overwrite   let a new run replace existing checkpoint files (refused without it)
          resume   --resume FILE   continue a run saved by Ctrl-C or a checkpoint, exactly where it stopped, on the
                   data it records (no --data needed); a changed or other --data file is refused unless
                   --data-changed-ok (then the walk over it starts a new epoch). Limits given replace the saved
                   ones; --lr, --momentum, --beta*, --eps, --weight-decay, --clip*, --schedule, --lr-*, --eval-every,
                   --val-windows and the output options may change; the model, --vocab*, --seq-length,
                   --batch, --optimizer and --val-fraction cannot
          new run  --init-from FILE   start a new run from FILE's weights and vocabulary (fresh optimizer,
                   options as for a new run; no --data: the data FILE records, if any)
        """;

    /// <summary>One line per task of the engine's table: "tag      a tag per token (...): CoNLL files (...)".</summary>
    private static string TaskLines() => string.Join("\n", TaskKind.All.Select(t => $"           {t.Name,-9}{t.Description}: {t.Formats}"));

    /// <summary>Lines of the built-in addition corpus.</summary>
    public const int AdditionLines = 200_000;

    public static int Run(Arguments args, TextWriter output, ProgressBar bar, CancellationToken cancellation)
    {
        TaskKind task = ReadTask(args);
        if (task != TaskKind.LanguageModel)
        {
            return TaskTrainCommand.Run(task, args, output, bar, cancellation);
        }
        TrainingStart start = TrainingStart.Read(args, output);
        string checkpoint = start.Checkpoint;
        string bestCheckpoint = CheckpointFiles.BestPathFor(checkpoint);
        string plotPath = args.String("plot", Path.ChangeExtension(checkpoint, null) + ".loss.svg");
        int sampleLength = args.Int("sample-length", 200, min: 0);
        ulong seed = start.Seed;
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        bool overwrite = args.Flag("overwrite");
        args.RejectUnused();
        OutputFiles.RefuseToReplace(checkpoint, start.ResumePath, overwrite);

        (LanguageModel model, Vocabulary vocabulary, TrainingOptions options, TrainingSnapshot? snapshot, string? dataPath) =
            (start.Model, start.Vocabulary, start.Options, start.Snapshot, start.DataPath);
        using TokenSequence tokens = dataPath is null
            ? CorpusEncoder.EncodeToMemory(new MemoryStream(AdditionCorpus.Generate(AdditionLines, start.Origin.Seed)), vocabulary)
            : DataFiles.Encode(dataPath, vocabulary, start.ResumePath ?? start.InitPath);
        CorpusSplit data = CorpusSplit.Create(tokens, start.ValidationFraction);
        DataFiles.RequireOneWindow(dataPath is null ? "the built-in addition corpus" : $"'{dataPath}'", data, options.BatchSize, options.SequenceLength);
        Trainer trainer = new(model, data, options) { DataOrigin = start.Origin };
        if (snapshot is not null)
        {
            start.Restore(trainer);
            if (trainer.Finished)
            {
                output.WriteLine($"'{start.ResumePath}' has already reached its limits ({Limits(options)}) at update {snapshot.Update}: nothing to do. Raise --updates, --time or --epochs (totals of the run) to train further.");
                return 0;
            }
        }

        LanguageModelConfig c = model.Config;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "data: {0} ({1:N0} tokens train, {2:N0} validation), {3} vocabulary of {4}",
            dataPath ?? "built-in addition corpus [digits least-significant first: 53+16=69 is 35+61=96]", data.Train.Length, data.Validation.Length, vocabulary.Kind, vocabulary.Count));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "model: {0} {1}x{2}, {3}{4}, {5:N0} parameters; kernels {6}, {7} threads{8}",
            c.Cell.ToString().ToUpperInvariant(), c.Layers, c.HiddenSize, ModelText.Input(c), ModelText.Options(c), model.Blocks.Sum(b => b.Length),
            Kernels.KernelPaths.Name(model.Kernels.Path), Kernels.Threading.Parallelism.ThreadCount, start.InitPath is null ? "" : $"; weights from '{start.InitPath}'"));
        output.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "training: T={0} B={1} {2} lr {3} clip {4}; until {5}{6}",
            options.SequenceLength, options.BatchSize, options.Optimizer.Kind.ToString().ToLowerInvariant(), options.Optimizer.LearningRate, options.ClipNorm,
            Limits(options), snapshot is null ? "" : $"; resumed at update {snapshot.Update}"));

        OutputFiles.Prepare(checkpoint, "checkpoint");
        OutputFiles.Prepare(plotPath, "plot");
        trainer.Progress = p =>
        {
            bar.Report(p, force: p.ValidationLoss is not null);
            if (p.ValidationLoss is not null)
            {
                if (sampleLength > 0)
                {
                    bar.Break();
                    string sample = string.Concat(new TextGenerator(model, vocabulary, new SamplingOptions(Temperature: 0.8f)).Stream("", Math.Min(sampleLength, 80), seed));
                    output.WriteLine($"  sample: {Quote(sample)}");
                }
            }
        };
        trainer.Checkpoints = new CheckpointFiles(checkpoint, vocabulary);

        TrainingStop stop;
        try
        {
            stop = trainer.Run(cancellation);
        }
        catch (TrainingDivergedException e)
        {
            bar.Break();
            throw Diverged(e, checkpoint);
        }
        bar.Break();
        File.WriteAllText(plotPath, trainer.Curve.ToSvg($"{c.Cell.ToString().ToUpperInvariant()} {c.Layers}x{c.HiddenSize} on {Path.GetFileName(dataPath ?? "addition corpus")}"));
        if (stop == TrainingStop.Cancelled)
        {
            output.WriteLine($"stopped at update {trainer.Optimizer.UpdateCount}; saved '{checkpoint}'. Continue with: rnn train --resume {checkpoint}");
            return 130;
        }

        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "trained {0} updates in {1}; saved '{2}', best '{3}', loss curve '{4}'",
            trainer.Optimizer.UpdateCount, ProgressBar.Duration(trainer.Elapsed), checkpoint, bestCheckpoint, plotPath));
        if (trainer.Curve.Validation.Count > 0)
        {
            double loss = trainer.Curve.Validation[^1].Loss;
            output.WriteLine(Metrics.Describe("validation", loss, trainer.BestValidationLoss, vocabulary));
        }
        if (dataPath is null)
        {
            AdditionDemo.Print(model, vocabulary, seed, output);
        }
        else if (sampleLength > 0)
        {
            output.WriteLine("sample:");
            output.WriteLine(string.Concat(new TextGenerator(model, vocabulary, new SamplingOptions(Temperature: 0.8f)).Stream("", sampleLength, seed)));
        }
        return 0;
    }

    /// <summary>--task, else the task of the model a --resume file holds, else lm.</summary>
    private static TaskKind ReadTask(Arguments args)
    {
        TaskKind? named = args.Choice<TaskKind?>("task", null, [.. TaskKind.All.Select(t => (t.Name, (TaskKind?)t))]);
        if (!args.Has("resume"))
        {
            return named ?? TaskKind.LanguageModel;
        }
        string resumed = args.String("resume")!;
        TaskKind saved = TaskKind.Of(ModelFiles.KindOf(resumed));
        if (named is not null && named != saved)
        {
            throw new UsageException($"--task cannot change when resuming: '{resumed}' has --task {saved.Name}, not {named.Name}; leave it out");
        }
        return saved;
    }

    /// <summary>The line of a diverged run, pointing at its last checkpoint when there is one.</summary>
    public static CliException Diverged(TrainingDivergedException e, string checkpoint) =>
        new(e.Message + (File.Exists(checkpoint) ? $" The last checkpoint, '{checkpoint}', is intact." : ""));

    /// <summary>"1000 updates or 45 s".</summary>
    public static string Limits(TrainingOptions o)
    {
        List<string> limits = [];
        if (o.MaxUpdates > 0) limits.Add($"{o.MaxUpdates} updates");
        if (o.MaxSeconds > 0) limits.Add(string.Format(CultureInfo.InvariantCulture, "{0:0.#} s", o.MaxSeconds));
        if (o.Epochs > 0) limits.Add($"{o.Epochs} epochs");
        return string.Join(" or ", limits);
    }

    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";
}

using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Cli.Terminal;
using RnnNative.Corpora;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Runs;
using RnnNative.Sampling;
using RnnNative.Tasks;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn train --task seq2seq</c>: an encoder-decoder on a TSV file of pairs, or on the addition demo, trained by the
/// engine's <see cref="Seq2SeqTraining"/>; at the end, its held-out exact match with greedy and beam decoding, and a few answers.</summary>
internal static class Seq2SeqTrainCommand
{
    /// <summary>Held-out pairs shown with their answers at the end.</summary>
    private const int Examples = 6;

    public static int Run(Arguments args, TextWriter output, ProgressBar bar, CancellationToken cancellation)
    {
        if (args.Has("seq-length")) throw new UsageException("--seq-length cuts a language model's text into windows; a seq2seq model trains on whole pairs: leave it out");
        string? plot = args.String("plot");
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        bool overwrite = args.Flag("overwrite");
        string? resumePath = args.String("resume");
        bool dataChangedOk = args.Flag("data-changed-ok");
        ulong seed = SeedOption.Read(args, output);
        LoadedSeq2SeqTaskModel? saved = resumePath is null ? null : ModelFiles.LoadSeq2Seq(resumePath);
        if (saved is { Training: null } || saved is { Options: null })
        {
            throw new UsageException($"'{resumePath}' holds weights only, no training state to resume");
        }
        if (saved is not null && TaskTrainingStart.FixedBySavedModel.FirstOrDefault(args.Has) is { } fixedOption)
        {
            throw new UsageException($"--{fixedOption} cannot change when resuming: '{resumePath}' fixes the model and its vocabularies; leave it out");
        }

        // Every option is read before any file: a wrong value costs no reading.
        string? dataPath = args.String("data") ?? TaskTrainingStart.RecordedFile(saved?.Training);
        TaskDataOptions dataOptions = new()
        {
            Unit = args.Choice("vocab", TokenUnit.Words, ("words", TokenUnit.Words), ("chars", TokenUnit.Characters), ("word", TokenUnit.Words), ("char", TokenUnit.Characters)),
            MaxVocabulary = args.Int("max-vocab", TaskDataOptions.DefaultMaxVocabulary, min: 0),
            Lowercase = args.Flag("lowercase"),
        };
        TaskModelOptions? modelOptions = saved is null ? TaskTrainingStart.ReadModelOptions(args, seed) : null;
        TrainingOptions options = TrainingStart.ReadLimits(args, TrainingStart.ReadTrainingOptions(args, saved?.Options ?? Seq2SeqTraining.DefaultOptions with { Seed = seed }),
            dataPath is null ? TaskDemos.AdditionSeconds : 0);
        if (resumePath is not null)
        {
            TrainingStart.Keep(resumePath, "when resuming", TrainingStart.TrainingWalk(saved!.Options!), TrainingStart.TrainingWalk(options));
        }
        string? validPath = args.String("valid");
        if (validPath is not null && args.Has("val-fraction"))
        {
            throw new UsageException("--valid names the validation file and --val-fraction holds out part of --data instead: give one of them");
        }
        if (dataPath is null && (validPath is not null || args.Has("val-fraction") || args.Has("vocab") || args.Has("max-vocab") || args.Has("lowercase")))
        {
            throw new UsageException("the addition demo (no --data) validates on its own held-out questions, as characters: --valid, --val-fraction, --vocab, --max-vocab and --lowercase need --data");
        }
        double fraction = args.Double("val-fraction", CorpusSplit.DefaultValidationFraction, min: 0);
        BeamOptions beam = new() { Width = args.Int("beam", new BeamOptions().Width, min: 1) };
        string checkpoint = args.String("checkpoint", resumePath ?? "model.rnn");
        string plotPath = plot ?? Path.ChangeExtension(checkpoint, null) + ".loss.svg";
        args.RejectUnused();
        OutputFiles.RefuseToReplace(checkpoint, resumePath, overwrite);

        Seq2SeqEncoding? encoding = saved?.Model.Encoding;
        (Seq2SeqData training, Seq2SeqData? validation) = dataPath is null
            ? TaskKind.Seq2Seq.PairDemo(encoding)
            : (ReadPairs(dataPath, encoding, dataOptions), null);
        if (validPath is not null) validation = ReadPairs(validPath, training.Encoding, dataOptions);
        Seq2SeqTaskModel model = saved?.Model ?? Seq2SeqTaskModel.Create(training, modelOptions);
        Seq2SeqTraining run = new(model, training, validation, options, fraction);
        TrainingLoop loop = run.Loop;
        if (dataPath is not null) loop.DataOrigin = DataOrigin.File(dataPath);
        if (saved is not null)
        {
            try
            {
                run.Resume(saved, acceptOtherData: dataChangedOk);
            }
            catch (OtherDataException e)
            {
                throw TrainingStart.DataRefused($"'{training.Source}'", resumePath!, e.TrainedOn, e.Difference);
            }
            if (loop.Finished)
            {
                output.WriteLine(TrainingRun.AlreadyDone(resumePath!, options, saved.Training!.Update));
                return 0;
            }
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        output.WriteLine($"data: {training.Source}: {Seq2SeqText.Pairs(training.Set)}; validation: "
            + (run.Validation is { } v ? $"{v.Source}: {Seq2SeqText.Pairs(v.Set)}" : "none"));
        output.WriteLine($"      {Seq2SeqText.Encoding(model.Encoding)}");
        output.WriteLine(string.Format(c, "      batches of {0} pairs of similar length: {1:0.0%} of their timesteps are padding", options.BatchSize, run.PaddedFraction));
        output.WriteLine(string.Format(c, "model: {0}; kernels {1}, {2} threads",
            Seq2SeqText.Model(model.Model), Kernels.KernelPaths.Name(model.Model.Kernels.Path), Kernels.Threading.Parallelism.ThreadCount));
        string schedule = options.Schedule.Kind switch { ScheduleKind.Cosine => " (cosine)", ScheduleKind.StepDecay => " (step decay)", _ => "" };
        output.WriteLine(string.Format(c, "training: B={0} {1} lr {2}{6} clip {3}; until {4}{5}",
            options.BatchSize, options.Optimizer.Kind.ToString().ToLowerInvariant(), options.Optimizer.LearningRate, options.ClipNorm,
            TrainCommand.Limits(options), saved is null ? "" : $"; resumed at update {saved.Training!.Update}", schedule));

        run.Checkpoints = checkpoint;
        string title = $"seq2seq: {Seq2SeqText.Stacks(model.Model.Config)} on {Path.GetFileName(training.Source)}";
        if (TrainingRun.Run(loop, bar, checkpoint, plotPath, title, output, cancellation) is int stopped) return stopped;
        if (run.Validation is { } held)
        {
            Report(model, held, beam, options.BatchSize, reversedQuestions: dataPath is null, output);
        }
        return 0;
    }

    /// <summary>A pair file, its path named when it cannot be opened.</summary>
    private static Seq2SeqData ReadPairs(string path, Seq2SeqEncoding? encoding, TaskDataOptions options) =>
        TaskFiles.Read(path, () => Seq2SeqData.Read(path, encoding, options));

    /// <summary>The held-out scores with greedy and beam decoding, then a few answers: "535+61 -> 596 ✓" (the demo's questions in
    /// the usual notation), "source -> answer ✗ (expected target)".</summary>
    private static void Report(Seq2SeqTaskModel model, Seq2SeqData held, BeamOptions beam, int batchSize, bool reversedQuestions, TextWriter output)
    {
        Seq2SeqEvaluation greedy = model.Evaluate(held, batchSize: batchSize);
        Seq2SeqEvaluation beamed = model.Evaluate(held, beam, batchSize);
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "held-out exact match on {0}: greedy {1:0.0%}, beam {2} {3:0.0%} ({4:N0} pairs; token accuracy {5:0.0%} and {6:0.0%}; loss {7:0.0000})",
            held.Source, greedy.ExactMatch, beam.Width, beamed.ExactMatch, greedy.Count, greedy.TokenAccuracy, beamed.TokenAccuracy, greedy.Loss));
        TextPair[] shown = [.. held.Pairs.Take(Examples)];
        Translation[] answers = model.Translate([.. shown.Select(p => p.Source)], beam);
        for (int i = 0; i < shown.Length; i++)
        {
            string question = reversedQuestions && AdditionPairs.TryParseQuestion(shown[i].Source, reversed: true, out int a, out int b)
                ? AdditionPairs.Question(a, b, reverse: false) : shown[i].Source;
            string expected = model.Encoding.Target.Decode(model.Encoding.Target.Encode(shown[i].Target));
            bool right = answers[i].Finished && answers[i].Text == expected;
            output.WriteLine($"  {question} -> {answers[i].Text} {(right ? "✓" : $"✗ (expected {expected})")}");
        }
    }
}

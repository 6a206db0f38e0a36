using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Cli.Terminal;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn train --task tag|classify|regress</c>: a tagger, classifier or regressor on a file of its task (or its
/// built-in demo), trained by the engine's <see cref="TaskTraining"/>; at the end, its metrics on the validation data.</summary>
internal static class TaskTrainCommand
{
    public static int Run(TaskKind task, Arguments args, TextWriter output, ProgressBar bar, CancellationToken cancellation)
    {
        string? plot = args.String("plot");
        if (args.Has("threads")) Kernels.Threading.Parallelism.ThreadCount = args.Int("threads", 1, min: 1, max: 1024);
        bool overwrite = args.Flag("overwrite");
        TaskTrainingStart start = TaskTrainingStart.Read(task, args, output);
        string checkpoint = start.Checkpoint;
        string plotPath = plot ?? Path.ChangeExtension(checkpoint, null) + ".loss.svg";
        OutputFiles.RefuseToReplace(checkpoint, start.ResumePath, overwrite);

        TaskModel model = start.Model;
        TrainingOptions options = start.Options;
        TaskTraining training = new(model, start.Training, start.Validation, options, start.ValidationFraction);
        TrainingLoop loop = training.Loop;
        if (start.DataPath is not null) loop.DataOrigin = DataOrigin.File(start.DataPath);
        if (start.Resumed is { } saved)
        {
            try
            {
                training.Resume(saved, acceptOtherData: start.DataChangedOk);
            }
            catch (OtherDataException e)
            {
                throw TrainingStart.DataRefused($"'{start.Training.Source}'", start.ResumePath!, e.TrainedOn, e.Difference);
            }
            if (loop.Finished)
            {
                output.WriteLine(TrainingRun.AlreadyDone(start.ResumePath!, options, saved.Training!.Update));
                return 0;
            }
        }

        CultureInfo c = CultureInfo.InvariantCulture;
        output.WriteLine($"data: {start.Training.Source}: {TaskText.Sequences(start.Training.Set)}; validation: "
            + (start.Validation is { } v ? $"{v.Source}: {TaskText.Sequences(v.Set)}" : string.Format(c, "{0:N0} of them held out", training.ValidationSequences)));
        output.WriteLine($"      {TaskText.Encoding(model.Encoding)}");
        output.WriteLine(string.Format(c, "      batches of {0} sequences of similar length: {1:0.0%} of their timesteps are padding", options.BatchSize, training.PaddedFraction));
        output.WriteLine(string.Format(c, "model: {0}; kernels {1}, {2} threads",
            TaskText.Model(model), Kernels.KernelPaths.Name(model.Model.Kernels.Path), Kernels.Threading.Parallelism.ThreadCount));
        output.WriteLine(string.Format(c, "training: B={0} {1} lr {2} clip {3}; until {4}{5}",
            options.BatchSize, options.Optimizer.Kind.ToString().ToLowerInvariant(), options.Optimizer.LearningRate, options.ClipNorm,
            TrainCommand.Limits(options), start.Resumed is null ? "" : $"; resumed at update {start.Resumed.Training!.Update}"));

        bar.Unit = model.Encoding.FeatureSize > 0 ? "timesteps" : "tok";
        training.Checkpoints = checkpoint;
        string title = $"{model.Task.Name}: {ModelText.Stack(model.Model.Config)} on {Path.GetFileName(start.Training.Source)}";
        if (TrainingRun.Run(loop, bar, checkpoint, plotPath, title, output, cancellation) is int stopped) return stopped;
        if (training.Validation is { HasTargets: true } validation)
        {
            output.WriteLine($"validation on {validation.Source}: {model.Evaluate(validation, options.BatchSize)}");
        }
        return 0;
    }
}

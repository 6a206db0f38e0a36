using System.Globalization;
using RnnNative.Cli.Terminal;
using RnnNative.Training;

namespace RnnNative.Cli.Commands;

/// <summary>The part of <c>rnn train --task ...</c> every model kind shares: run the loop with the progress bar, write the loss
/// curve, and report a stop by Ctrl-C (exit 130, with the command that continues) or the end of the run.</summary>
internal static class TrainingRun
{
    /// <summary>Runs <paramref name="loop"/>; null when it finished (the "trained" line written), else the exit code.</summary>
    public static int? Run(TrainingLoop loop, ProgressBar bar, string checkpoint, string plotPath, string plotTitle, TextWriter output, CancellationToken cancellation)
    {
        OutputFiles.Prepare(checkpoint, "checkpoint");
        OutputFiles.Prepare(plotPath, "plot");
        loop.Progress = p => bar.Report(p, force: p.ValidationLoss is not null);
        TrainingStop stop;
        try
        {
            stop = loop.Run(cancellation);
        }
        catch (TrainingDivergedException e)
        {
            bar.Break();
            throw TrainCommand.Diverged(e, checkpoint);
        }
        bar.Break();
        File.WriteAllText(plotPath, loop.Curve.ToSvg(plotTitle));
        if (stop == TrainingStop.Cancelled)
        {
            output.WriteLine($"stopped at update {loop.Optimizer.UpdateCount}; saved '{checkpoint}'. Continue with: rnn train --resume {checkpoint}");
            return 130;
        }
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "trained {0} updates in {1}; saved '{2}', best '{3}', loss curve '{4}'",
            loop.Optimizer.UpdateCount, ProgressBar.Duration(loop.Elapsed), checkpoint, CheckpointFiles.BestPathFor(checkpoint), plotPath));
        return null;
    }

    /// <summary>The line of a resumed run that has nothing left to do.</summary>
    public static string AlreadyDone(string resumePath, Runs.TrainingOptions options, long update) =>
        $"'{resumePath}' has already reached its limits ({TrainCommand.Limits(options)}) at update {update}: nothing to do. Raise --updates, --time or --epochs (totals of the run) to train further.";
}

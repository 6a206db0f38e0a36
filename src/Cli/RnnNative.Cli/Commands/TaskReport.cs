using System.Globalization;
using RnnNative.Metrics;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary>A tagger's, classifier's or regressor's scores as <c>rnn eval</c> prints them: the loss and the headline
/// metrics on one line, then the task's tables (conlleval's per-type report; the per-class scores and the confusion matrix;
/// the errors per output).</summary>
internal static class TaskReport
{
    public static void Write(TaskEvaluation evaluation, TextWriter output)
    {
        output.WriteLine(evaluation.ToString());
        if (evaluation.Tagging is { } tagging)
        {
            output.Write(tagging.Report());
        }
        else if (evaluation is { Confusion: { } confusion, Classification: { } classification })
        {
            output.Write(LabelScore.Table(classification.Classes));
            output.WriteLine("confusion matrix:");
            output.Write(confusion.ToTable());
        }
        else if (evaluation.Regression is { MsePerOutput.Count: > 1 } regression)
        {
            for (int o = 0; o < regression.MsePerOutput.Count; o++)
            {
                output.WriteLine(string.Format(CultureInfo.InvariantCulture, "output {0}: MSE {1:G5}  MAE {2:G5}", o, regression.MsePerOutput[o], regression.MaePerOutput[o]));
            }
        }
    }
}

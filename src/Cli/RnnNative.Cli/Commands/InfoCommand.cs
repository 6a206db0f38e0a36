using System.Globalization;
using RnnNative.Cli.CommandLine;
using RnnNative.Kernels;
using RnnNative.Kernels.Threading;
using RnnNative.Model;
using RnnNative.Reporting;
using RnnNative.Tasks;

namespace RnnNative.Cli.Commands;

/// <summary><c>rnn info</c>: the runtime (kernel paths, threads) and, with --model, what a model file holds (a tagger's,
/// classifier's or regressor's also its inputs and labels); with --curve also its validation curve.</summary>
internal static class InfoCommand
{
    public const string Usage = "rnn info [--model FILE [--curve]]";

    public static int Run(Arguments args, TextWriter output)
    {
        string? path = args.String("model");
        bool curve = args.Flag("curve");
        args.RejectUnused();
        if (curve && path is null) throw new UsageException("--curve needs --model FILE");
        WriteRuntime(output);
        output.WriteLine($"threads: {Parallelism.ThreadCount}");
        if (path is null) return 0;

        ModelKind kind = ModelFiles.KindOf(path);
        if (kind == ModelKind.Seq2Seq)
        {
            Seq2SeqCommands.Info(path, curve, output);
            return 0;
        }
        if (kind != ModelKind.LanguageModel)
        {
            WriteTaskModel(ModelFiles.LoadTask(path), curve, output);
            return 0;
        }
        LoadedModel loaded = ModelFiles.Load(path);
        LanguageModelConfig c = loaded.Model.Config;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "model: {0}, {1}{2}, {3:N0} parameters",
            ModelText.Stack(c.Cell, c.Activation, c.Layers, c.HiddenSize), ModelText.Input(c), ModelText.Options(c), loaded.Model.Blocks.Sum(b => b.Length)));
        output.WriteLine(loaded.Model.Int8Source is null ? "weights: float32" : "weights: int8 (inference only: steps in int8; cannot train, resume or export to safetensors)");
        output.WriteLine($"vocabulary: {loaded.Vocabulary.Kind}, {loaded.Vocabulary.Count} tokens{(loaded.Vocabulary.UnknownId is int unknown ? $" (unknown = {unknown})" : "")}");
        if (loaded.Training is { } t && loaded.Options is { } o)
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "training: {0} updates, epoch {1}, {2:N0} tokens, {3:0.#} s; T={4} B={5} {6} lr {7}",
                t.Update, t.Epoch, t.TokensSeen, t.ElapsedSeconds, o.SequenceLength, o.BatchSize, o.Optimizer.Kind.ToString().ToLowerInvariant(), o.Optimizer.LearningRate));
            if (double.IsFinite(t.BestValidationLoss)) output.WriteLine(Metrics.Describe("best validation", t.BestValidationLoss, null, loaded.Vocabulary));
            if (curve) WriteValidationCurve(t.ValidationCurve, "loss in nats/token", output);
        }
        else
        {
            output.WriteLine("training: none saved (weights only)");
        }
        return 0;
    }

    /// <summary>A tagger's, classifier's or regressor's file: the model, its inputs and labels, and its training.</summary>
    private static void WriteTaskModel(LoadedTaskModel loaded, bool curve, TextWriter output)
    {
        output.WriteLine($"model: {TaskText.Model(loaded.Model)}");
        output.WriteLine(TaskText.Encoding(loaded.Model.Encoding));
        WriteTraining(loaded.Training, loaded.Options, curve ? "the task's mean loss" : null, output);
    }

    /// <summary>A whole-sequence or seq2seq file's training line (updates, epoch, time, batch, optimizer, best validation loss),
    /// and its validation curve when <paramref name="curveLoss"/> names the loss.</summary>
    internal static void WriteTraining(Runs.TrainingSnapshot? training, Runs.TrainingOptions? options, string? curveLoss, TextWriter output)
    {
        if (training is { } t && options is { } o)
        {
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "training: {0} updates, epoch {1}, {2:0.#} s; B={3} {4} lr {5}{6}",
                t.Update, t.Epoch, t.ElapsedSeconds, o.BatchSize, o.Optimizer.Kind.ToString().ToLowerInvariant(), o.Optimizer.LearningRate,
                double.IsFinite(t.BestValidationLoss) ? string.Format(CultureInfo.InvariantCulture, "; best validation loss {0:0.0000}", t.BestValidationLoss) : ""));
            if (curveLoss is not null) WriteValidationCurve(t.ValidationCurve, curveLoss, output);
        }
        else
        {
            output.WriteLine("training: none saved (weights only)");
        }
    }

    /// <summary>The engine's version, the runtime and the kernel path this machine runs (also <c>rnn --version</c>).</summary>
    public static void WriteRuntime(TextWriter output)
    {
        output.WriteLine($"RnnNative {typeof(LanguageModel).Assembly.GetName().Version?.ToString(3)}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
        output.WriteLine($"kernel path: {KernelPaths.Name(KernelPaths.Active)} (available: {string.Join(", ", KernelPaths.Available.Select(KernelPaths.Name))}; set {KernelPaths.EnvironmentVariable} to force one)");
    }

    /// <summary>One line per validation: update, training seconds before it (validation not counted), loss.</summary>
    private static void WriteValidationCurve(IReadOnlyList<CurvePoint> points, string loss, TextWriter output)
    {
        if (points.Count == 0)
        {
            output.WriteLine("validation curve: none recorded");
            return;
        }
        output.WriteLine($"validation curve: update, seconds of training, {loss}");
        foreach (CurvePoint point in points)
        {
            string seconds = double.IsFinite(point.Seconds) ? point.Seconds.ToString("0.0", CultureInfo.InvariantCulture) : "?";
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,8} {1,9} {2,9:0.0000}", point.Update, seconds, point.Loss));
        }
    }
}

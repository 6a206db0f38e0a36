using System.Diagnostics;
using System.Globalization;
using RnnNative.Kernels.Threading;
using RnnNative.Runs;
using RnnNative.Sampling;
using RnnNative.Tasks;

// The addition demo's curve (issue 16, section 2; benchmark, not a test): the seq2seq task's defaults (Seq2SeqTaskModel,
// Seq2SeqTraining.DefaultOptions) trained on TaskDemos.Addition (50,000 reversed questions, seed 1) for a budget of training
// seconds; every few updates the 1,000 held-out questions (never trained on) are decoded greedily and with a beam, and their
// exact match printed with the training time so far (validation excluded) and the process's CPU seconds spent training (both
// threads counted; on a loaded machine the wall-clock seconds overstate what an idle one needs, the CPU seconds do not).
// Usage: AdditionCurves [--seconds 120] [--threads 2] [--evaluate-every 500] [--beam 4] [--hidden H] [--batch B] [--lr R] [--seed 1]
Dictionary<string, string> flags = [];
string[] known = ["--seconds", "--threads", "--evaluate-every", "--beam", "--hidden", "--batch", "--lr", "--seed"];
for (int i = 0; i < args.Length; i += 2)
{
    if (i + 1 == args.Length || !known.Contains(args[i]))
    {
        Console.Error.WriteLine($"AdditionCurves: expected pairs of a flag ({string.Join(", ", known)}) and its value; got '{args[i]}'.");
        return 2;
    }
    flags[args[i]] = args[i + 1];
}
string Flag(string name, string fallback) => flags.GetValueOrDefault(name, fallback);
double Number(string name, double fallback) => double.Parse(Flag(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
Parallelism.ThreadCount = (int)Number("--threads", 2);
ulong seed = (ulong)Number("--seed", 1);
BeamOptions beam = new() { Width = (int)Number("--beam", 4) };

(Seq2SeqData training, Seq2SeqData heldOut) = TaskDemos.Addition();
Seq2SeqTaskModel model = Seq2SeqTaskModel.Create(training, new TaskModelOptions { HiddenSize = (int)Number("--hidden", Seq2SeqTaskModel.DefaultHiddenSize), Seed = seed });
TrainingOptions d = Seq2SeqTraining.DefaultOptions;
TrainingOptions options = d with
{
    BatchSize = (int)Number("--batch", d.BatchSize),
    MaxSeconds = Number("--seconds", 120),
    EvaluateEvery = (int)Number("--evaluate-every", d.EvaluateEvery),
    Optimizer = d.Optimizer with { LearningRate = (float)Number("--lr", d.Optimizer.LearningRate) },
    Seed = seed,
};
Seq2SeqTraining run = new(model, training, heldOut, options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"addition demo: {training.Set.Count:N0} training pairs, {heldOut.Set.Count:N0} held out; seq2seq {model.Model.Config.Cell} 1x{model.Model.Config.HiddenSize}, B={options.BatchSize}, Adam lr {options.Optimizer.LearningRate} {options.Schedule.Kind}, clip {options.ClipNorm}; {Parallelism.ThreadCount} threads, {options.MaxSeconds} s"));
Console.WriteLine("  update  train s  cpu s   loss     greedy    beam " + beam.Width);

Process self = Process.GetCurrentProcess();
double Cpu()
{
    self.Refresh();
    return self.TotalProcessorTime.TotalSeconds;
}
double cpuStart = Cpu(), cpuExcluded = 0;
double? firstGreedy = null, firstBeam = null;
run.Loop.Progress = progress =>
{
    if (progress.ValidationLoss is not double loss) return;
    double before = Cpu(), cpuTrained = before - cpuStart - cpuExcluded;
    double greedy = model.Evaluate(heldOut).ExactMatch, beamed = model.Evaluate(heldOut, beam).ExactMatch;
    double seconds = progress.Elapsed.TotalSeconds;
    if (greedy >= 0.99) firstGreedy ??= seconds;
    if (beamed >= 0.99) firstBeam ??= seconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{progress.Update,8} {seconds,8:F1} {cpuTrained,6:F1} {loss,8:F4} {greedy,8:P1} {beamed,8:P1}"));
    cpuExcluded += Cpu() - before;
};
run.Loop.Run();
string Reached(double? seconds) => seconds is double s ? string.Create(CultureInfo.InvariantCulture, $"after {s:F0} s") : "never";
Console.WriteLine($"held-out exact match >= 99%: greedy {Reached(firstGreedy)}, beam {Reached(firstBeam)} (of {options.MaxSeconds} s of training)");
return 0;

using System.Globalization;
using System.Text;
using RnnNative.Corpora;
using RnnNative.Kernels.Threading;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Training;

// The adding problem's curves (issue 15, section 5): for each T, each contender (IRNN, LSTM, GRU, tanh Elman; see
// Contender.cs) trains a regressor on TaskDemos.Adding (N training sequences, seed 1) for a budget of training seconds,
// validating on held-out sequences (seed 2) every few updates; the validation MSE is the test MSE of the curve.
// Writes OUT/adding-T<T>.csv (contender, update, seconds, validation MSE, smoothed training MSE) and OUT/adding-T<T>.svg
// (validation MSE against training seconds, log scale), and prints when each contender first reached MSE < 0.01.
// Usage: AddingCurves [--timesteps 100,200] [--seconds 300] [--contenders irnn,lstm,gru,elman] [--out out/adding]
//                     [--sequences 10000] [--test 1000] [--batch 32] [--evaluate-every 200] [--clip 1]
//                     [--lr NAME=RATE ...] [--optimizer NAME=adam|sgd|rmsprop ...]
Dictionary<string, string> flags = [];
List<(string Name, string Value)> overrides = [];
string[] known = ["--timesteps", "--seconds", "--contenders", "--out", "--sequences", "--test", "--batch", "--evaluate-every", "--clip"];
for (int i = 0; i < args.Length; i += 2)
{
    if (i + 1 == args.Length || !(known.Contains(args[i]) || args[i] is "--lr" or "--optimizer"))
    {
        Console.Error.WriteLine($"AddingCurves: expected pairs of a flag ({string.Join(", ", known)}, --lr, --optimizer) and its value; got '{args[i]}'.");
        return 2;
    }
    if (args[i] is "--lr" or "--optimizer") overrides.Add((args[i], args[i + 1]));
    else flags[args[i]] = args[i + 1];
}
string Flag(string name, string fallback) => flags.GetValueOrDefault(name, fallback);
int[] timesteps = [.. Flag("--timesteps", "100,200").Split(',').Select(int.Parse)];
double seconds = double.Parse(Flag("--seconds", "300"), CultureInfo.InvariantCulture);
string[] names = Flag("--contenders", "irnn,lstm,gru,elman").Split(',');
string output = Flag("--out", "out/adding");
int sequences = int.Parse(Flag("--sequences", "10000"), CultureInfo.InvariantCulture);
int testSequences = int.Parse(Flag("--test", "1000"), CultureInfo.InvariantCulture);
int batch = int.Parse(Flag("--batch", "32"), CultureInfo.InvariantCulture);
int evaluateEvery = int.Parse(Flag("--evaluate-every", "200"), CultureInfo.InvariantCulture);
float clip = float.Parse(Flag("--clip", "1"), CultureInfo.InvariantCulture);
Parallelism.ThreadCount = 2;
Directory.CreateDirectory(output);

List<string> summary = [];
foreach (int t in timesteps)
{
    TaskData train = TaskDemos.Adding(sequences, t, seed: 1);
    TaskData test = TaskDemos.Adding(testSequences, t, seed: 2);
    StringBuilder csv = new("contender,update,seconds,validation_mse,training_mse\n");
    List<(string Name, List<(double Seconds, double Mse)> Points)> curves = [];
    foreach (string name in names)
    {
        Contender contender = Override(Contender.All.Single(c => c.Name == name), overrides);
        TaskModel model = TaskModel.Create(TaskKind.Regression, train, contender.Model);
        TrainingOptions options = new(BatchSize: batch, ClipNorm: clip, MaxSeconds: seconds, EvaluateEvery: evaluateEvery)
        {
            Optimizer = contender.Optimizer,
            Seed = 1,
        };
        TaskTraining training = new(model, train, test, options);
        List<(double Seconds, double Mse)> points = [];
        double smoothed = double.NaN;
        training.Loop.Progress = progress =>
        {
            smoothed = progress.SmoothedLoss;
            if (progress.ValidationLoss is double mse)
            {
                points.Add((progress.Elapsed.TotalSeconds, mse));
                csv.Append(CultureInfo.InvariantCulture, $"{name},{progress.Update},{progress.Elapsed.TotalSeconds:F2},{mse:G6},{smoothed:G6}\n");
            }
        };
        string outcome;
        try
        {
            training.Loop.Run();
            outcome = "";
        }
        catch (TrainingDivergedException e)
        {
            outcome = ", diverged: " + e.Message;
        }
        curves.Add((name, points));
        (double Seconds, double Mse) first = points.FirstOrDefault(p => p.Mse < 0.01);
        double last = points.Count > 0 ? points[^1].Mse : double.NaN;
        string reached = first == default ? "never below 0.01" : string.Create(CultureInfo.InvariantCulture, $"below 0.01 after {first.Seconds:F0} s");
        string line = string.Create(CultureInfo.InvariantCulture,
            $"T={t} {name} ({contender.Optimizer.Kind} lr {contender.Optimizer.LearningRate:G3}, clip {clip:G3}, B={batch}): {training.Loop.Curve.Training.Count} updates, test MSE {last:F4} at the end, best {training.Loop.BestValidationLoss:F4}, {reached}{outcome}");
        Console.WriteLine(line);
        summary.Add(line);
    }
    File.WriteAllText(Path.Combine(output, $"adding-T{t}.csv"), csv.ToString());
    File.WriteAllText(Path.Combine(output, $"adding-T{t}.svg"),
        CurvesSvg.Render(curves, $"adding problem, T = {t}: test MSE (mean predictor {AddingProblem.MeanPredictorMse:F3}, target 0.01)", seconds));
}
File.WriteAllLines(Path.Combine(output, "summary.txt"), summary);
return 0;

static Contender Override(Contender contender, List<(string Flag, string Value)> overrides)
{
    foreach ((string flag, string value) in overrides)
    {
        string[] parts = value.Split('=', 2);
        if (parts[0] != contender.Name) continue;
        contender = flag == "--lr"
            ? contender with { Optimizer = contender.Optimizer with { LearningRate = float.Parse(parts[1], CultureInfo.InvariantCulture) } }
            : contender with { Optimizer = contender.Optimizer with { Kind = Enum.Parse<OptimizerKind>(parts[1], ignoreCase: true) } };
    }
    return contender;
}

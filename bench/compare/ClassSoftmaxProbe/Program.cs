using System.Diagnostics;
using System.Globalization;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Kernels.Threading;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Text;
using RnnNative.Training;

// The class-factored softmax against the full one (issue 16, section 3), same model otherwise: an LSTM 1x256 language
// model (embedding 64), windows of T = 32 timesteps x B = 32 streams, Adam 2e-3, clip 5, 2 engine threads.
//  speed:   training tokens/s at V = 30,000 on a Zipf corpus (p(rank r) ∝ 1/r, 2M tokens drawn with a fixed seed),
//           a tenth of the timed updates as warm-up; tokens/s = T*B*updates / seconds. Target: class >= 5x full.
//  quality: tinyshakespeare split into words (WordVocabulary, every type kept), first 90% trained, last 10% held out;
//           both softmaxes trained for the same updates from the same seed; validation perplexity over the whole
//           held-out part (exact for both: the class factorisation is normalised). Target: class within 10% of full.
// Usage: dotnet run -c Release -- TINYSHAKESPEARE [speed updates, default 40] [quality updates, default 600]
string shakespeare = args.Length > 0 ? args[0] : throw new ArgumentException("usage: ClassSoftmaxProbe TINYSHAKESPEARE [speed updates] [quality updates]");
int speedUpdates = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
int qualityUpdates = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 600;
const int Steps = 32, Batch = 32, Hidden = 256, ZipfVocabulary = 30_000, ZipfTokens = 2_000_000;
Parallelism.ThreadCount = 2;
Console.WriteLine($"kernel path {KernelPaths.Name(KernelPaths.Active)}, {Parallelism.ThreadCount} threads; LSTM 1x{Hidden}, T={Steps} B={Batch}, Adam 2e-3, clip 5");

TrainingOptions Options(long updates) => new(SequenceLength: Steps, BatchSize: Batch, ClipNorm: 5f, MaxUpdates: updates, EvaluateEvery: 0) { Seed = 1 };

LanguageModel NewModel(int vocabulary, SoftmaxKind softmax)
{
    LanguageModel model = new(new LanguageModelConfig(vocabulary, 0, CellType.Lstm, Hidden, 1) { Softmax = softmax }.WithDefaults());
    model.Initialize(1UL);
    return model;
}

// --- speed ---------------------------------------------------------------------------------------------------------
Random random = new(1);
double[] cumulative = new double[ZipfVocabulary];
double total = 0;
for (int rank = 0; rank < ZipfVocabulary; rank++) cumulative[rank] = total += 1.0 / (rank + 1);
int[] zipf = new int[ZipfTokens];
for (int i = 0; i < zipf.Length; i++)
{
    int at = Array.BinarySearch(cumulative, random.NextDouble() * total);
    zipf[i] = Math.Min(at < 0 ? ~at : at, ZipfVocabulary - 1);
}
CorpusSplit zipfData = CorpusSplit.Create(TokenSequence.FromIds(zipf, ZipfVocabulary));
Dictionary<SoftmaxKind, double> speed = [];
foreach (SoftmaxKind softmax in new[] { SoftmaxKind.Full, SoftmaxKind.Class })
{
    // The class softmax is so much faster that it gets 5x the updates, for a comparable timing.
    int updates = softmax == SoftmaxKind.Class ? 5 * speedUpdates : speedUpdates;
    Trainer trainer = new(NewModel(ZipfVocabulary, softmax), zipfData, Options(long.MaxValue));
    trainer.Run(updates: Math.Max(2, updates / 10));
    long start = Stopwatch.GetTimestamp();
    trainer.Run(updates: updates);
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    speed[softmax] = (double)Steps * Batch * updates / seconds;
    string classes = softmax == SoftmaxKind.Class ? $" (K = {trainer.Model.Config.ClassCount})" : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speed   V={ZipfVocabulary:N0} Zipf  {softmax,-5}{classes}: {speed[softmax],9:N0} tokens/s ({updates} updates in {seconds:F1} s)"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"speed   class / full = {speed[SoftmaxKind.Class] / speed[SoftmaxKind.Full]:F1}x (target >= 5x)"));

// --- quality -------------------------------------------------------------------------------------------------------
byte[] text = File.ReadAllBytes(shakespeare);
WordVocabulary words = WordVocabulary.Build(text, maxWords: 1 << 20);
CorpusSplit shakespeareData = CorpusSplit.Create(TokenSequence.FromIds(words.Encode(text), words.Count));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quality tinyshakespeare words: V = {words.Count:N0}, {shakespeareData.Train.Length:N0} training and {shakespeareData.Validation.Length:N0} held-out tokens, {qualityUpdates} updates"));
Dictionary<SoftmaxKind, double> perplexity = [];
foreach (SoftmaxKind softmax in new[] { SoftmaxKind.Full, SoftmaxKind.Class })
{
    Trainer trainer = new(NewModel(words.Count, softmax), shakespeareData, Options(qualityUpdates));
    long start = Stopwatch.GetTimestamp();
    trainer.Run();
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    perplexity[softmax] = Evaluation.Perplexity(Evaluation.MeanLoss(trainer.Model, shakespeareData.Validation, Batch, Steps));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quality {softmax,-5}: validation perplexity {perplexity[softmax]:F1} after {qualityUpdates} updates ({seconds:F0} s of training)"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quality class / full perplexity = {perplexity[SoftmaxKind.Class] / perplexity[SoftmaxKind.Full]:F3} (target <= 1.10)"));

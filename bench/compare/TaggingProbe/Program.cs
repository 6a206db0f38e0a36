using System.Diagnostics;
using System.Globalization;
using RnnNative.Data;
using RnnNative.Datasets;
using RnnNative.Kernels;
using RnnNative.Kernels.Threading;
using RnnNative.Runs;
using RnnNative.Tasks;
using RnnNative.Text;
using RnnNative.Training;

// RnnNative's side of bench/compare's tagging row (issue 15), the model and data of tagging_torch.py: embedding
// (vocabulary 10K, 128 wide) -> one bidirectional LSTM layer of 256 -> linear head over 19 tags; sequences of random
// tokens and tags with lengths uniform in 5..60; batches of 32, CrossEntropyLoss over real tokens, clip 5, Adam 2e-3;
// 2 engine threads. Built and trained through the Tasks facade (TaskData.FromSet, TaskModel.Create, TaskTraining),
// as the front doors do. Two batch orders: the engine's own (bucketed by length: what a user gets) and random
// batches (PyTorch's side's composition, through the same TrainingLoop). tokens/s counts real (non-padding) tokens.
// Prints one JSON object. Usage: dotnet run -c Release -- [timed updates per order, default 120]
int updates = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 120;
const int Vocabulary = 10_000, Embedding = 128, Hidden = 256, Tags = 19, Batch = 32, MinLength = 5, MaxLength = 60;
const int Sequences = 64 * Batch; // as many as the 64 batches tagging_torch.py cycles through
Parallelism.ThreadCount = 2;

Random random = new(1);
int[] lengths = [.. Enumerable.Range(0, Sequences).Select(_ => random.Next(MinLength, MaxLength + 1))];
int positions = lengths.Sum();
int[] tokens = [.. Enumerable.Range(0, positions).Select(_ => random.Next(Vocabulary))];
int[] tags = [.. Enumerable.Range(0, positions).Select(_ => random.Next(Tags))];
SequenceSet set = SequenceSet.FromTokens(tokens, lengths, TargetKind.StepClasses, tags, []);
// The encoding given, not fitted: V is 10K whichever ids the random draw happened to use.
TaskEncoding encoding = new(Vocabulary, 0, TargetKind.StepClasses, Tags)
{
    Labels = LabelSet.FromNames(Enumerable.Range(0, Tags).Select(c => c.ToString(CultureInfo.InvariantCulture))),
};
TaskData data = TaskData.FromSet(set, encoding, "random tagging sequences");
TaskModelOptions modelOptions = new() { HiddenSize = Hidden, Layers = 1, EmbeddingSize = Embedding, Bidirectional = true };
TrainingOptions options = new(BatchSize: Batch, ClipNorm: 5f, MaxUpdates: int.MaxValue, EvaluateEvery: 0) { Seed = 1 }; // Adam 2e-3 by default

TaskTraining bucketed = new(TaskModel.Create(TaskKind.Tagging, data, modelOptions), data, validation: null, options, validationFraction: 0);
string bucketedRow = Row("bucketed", bucketed.Loop, bucketed.PaddedFraction);
// PyTorch's side draws random batches; the same loop over the same model walks them in BatchOrder.Shuffled.
SequenceTask shuffled = new(TaskModel.Create(TaskKind.Tagging, data, modelOptions).Model, set, null, options, BatchOrder.Shuffled);
string shuffledRow = Row("shuffled", new TrainingLoop(shuffled, options), new SequenceBatcher(set, Batch, BatchOrder.Shuffled, options.Seed).PaddedFraction());

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"version\": \"{typeof(TaskModel).Assembly.GetName().Version}\", \"path\": \"{KernelPaths.Active}\", \"threads\": {Parallelism.ThreadCount}, " +
    $"\"tagging\": {{{bucketedRow}, {shuffledRow}}}}}"));

// A tenth as many warm-up updates (at least 2), then `updates` timed, as compare.time_updates; the loop's own
// count of real tokens per second of training (its progress callbacks excluded).
string Row(string order, TrainingLoop loop, double paddedFraction)
{
    loop.Run(updates: Math.Max(2, updates / 10));
    TrainingProgress? last = null;
    loop.Progress = progress => last = progress;
    long start = Stopwatch.GetTimestamp();
    loop.Run(updates: updates);
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ours  tagging, {order} batches: {last!.TokensPerSecond:N0} tokens/s, padded {paddedFraction:P1}"));
    return string.Create(CultureInfo.InvariantCulture,
        $"\"{order}\": {{\"tokens_per_s\": {last.TokensPerSecond:R}, \"updates\": {updates}, \"seconds\": {seconds:R}, \"loss\": {last.TrainingLoss:R}, \"padded_fraction\": {paddedFraction:R}}}");
}

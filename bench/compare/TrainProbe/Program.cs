using System.Diagnostics;
using System.Globalization;
using RnnNative.Cells;
using RnnNative.Data;
using RnnNative.Kernels.Threading;
using RnnNative.Model;
using RnnNative.Runs;
using RnnNative.Training;

// Training updates of the bench/compare rows (Adam, clip 5, state carried), timed as the CPU time
// of the process, which a busy shared machine disturbs far less than wall time when the engine
// runs on one thread (it also counts the JIT's background compiles, a few % of a short run). Prints one JSON object: per row, the median CPU and wall microseconds per
// update over rounds of updates. Usage:
//   dotnet run -c Release -- [--threads N] [--updates N] [--rounds N] [--rows lstm128,lstm512,...]
Dictionary<string, string> options = [];
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
int threads = int.Parse(options.GetValueOrDefault("threads", "1"), CultureInfo.InvariantCulture);
int updates = int.Parse(options.GetValueOrDefault("updates", "10"), CultureInfo.InvariantCulture);
int rounds = int.Parse(options.GetValueOrDefault("rounds", "5"), CultureInfo.InvariantCulture);
string[] picked = options.GetValueOrDefault("rows", "lstm128,lstm512").Split(',');
Parallelism.ThreadCount = threads;

(string Key, string Name, CellType Cell, int Hidden, int T, int B)[] rows =
[
    ("lstm128", "LSTM 2x128 T=50 B=50", CellType.Lstm, 128, 50, 50),
    ("lstm256", "LSTM 2x256 T=64 B=32", CellType.Lstm, 256, 64, 32),
    ("lstm512", "LSTM 2x512 T=100 B=32", CellType.Lstm, 512, 100, 32),
    ("gru256", "GRU 2x256 T=64 B=32", CellType.Gru, 256, 64, 32),
    ("elman512", "Elman 2x512 T=100 B=32", CellType.Elman, 512, 100, 32),
];
const int Vocabulary = 65;
Random random = new(1);
int[] ids = Enumerable.Range(0, 1_000_000).Select(_ => random.Next(Vocabulary)).ToArray();
CorpusSplit data = CorpusSplit.Create(TokenSequence.FromIds(ids, Vocabulary), 0.0);

List<string> results = [];
foreach (var row in rows.Where(r => picked.Contains(r.Key)))
{
    LanguageModel model = new(new LanguageModelConfig(Vocabulary, row.Hidden, row.Cell, row.Hidden, 2));
    Trainer trainer = new(model, data, new TrainingOptions(row.T, row.B, ClipNorm: 5f, MaxUpdates: 1_000_000_000, EvaluateEvery: 0));
    trainer.Run(Math.Max(2, updates / 2)); // warm-up: tiering, buffers, worker threads
    List<double> cpu = [], wall = [];
    for (int round = 0; round < rounds; round++)
    {
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        long wallStart = Stopwatch.GetTimestamp();
        trainer.Run(updates);
        wall.Add(Stopwatch.GetElapsedTime(wallStart).TotalMicroseconds / updates);
        cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMicroseconds / updates);
    }
    double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    results.Add(string.Create(CultureInfo.InvariantCulture,
        $"\"{row.Name}\": {{\"cpu_us\": {Median(cpu):F0}, \"wall_us\": {Median(wall):F0}, \"tokens_per_cpu_s\": {row.T * row.B / Median(cpu) * 1e6:F0}, \"tokens_per_s\": {row.T * row.B / Median(wall) * 1e6:F0}}}"));
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"threads\": {threads}, \"updates\": {updates}, \"rows\": {{{string.Join(", ", results)}}}}}"));

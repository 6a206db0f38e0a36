// The strongest peers for bench/compare/compare.py (issue 17); JSON on stdout, progress on stderr.
//   PeersProbe torch N SPEC       libtorch (TorchSharp) training and sampling, torch.set_num_threads(N)
//   PeersProbe ort N SPEC DIR     ONNX Runtime sampling with N intra-op threads, DIR/{cell}-{hidden}.onnx
// SPEC is compare.py's JSON of the rows (Spec below), so the rows are defined in one place.
using System.Text.Json;
using PeersProbe;

if (args.Length < 3 || args[0] is not ("torch" or "ort") || (args[0] == "ort" && args.Length < 4))
{
    Console.Error.WriteLine("usage: PeersProbe torch THREADS SPEC | PeersProbe ort THREADS SPEC MODEL_DIR");
    return 2;
}
int threads = int.Parse(args[1]);
var spec = JsonSerializer.Deserialize<Spec>(args[2], Spec.Json)!;
var training = new Dictionary<string, object>();
var sampling = new Dictionary<string, object>();
string version;
if (args[0] == "torch")
{
    TorchSharp.torch.set_num_threads(threads);  // before any other torch work
    version = Version.Parse(TorchSharp.torch.__version__).ToString(3);  // "2.10.0.0" -> "2.10.0"
    foreach (var row in spec.Training)
    {
        var m = TorchTraining.Run(row, spec.Vocab, spec.Layers);
        Console.Error.WriteLine($"  libtorch/{threads} {row.Name}: {m.TokensPerSecond:N0} tokens/s ({m.Tokens / m.Clock.CpuSeconds:N0} per CPU second)");
        training[row.Name] = new { tokens_per_s = m.TokensPerSecond, updates = row.Updates, seconds = m.Clock.Seconds, cpu_seconds = m.Clock.CpuSeconds, loss = m.Loss };
    }
    foreach (var row in spec.Sampling)
        sampling[row.Name] = Sample("libtorch", row, () => new TorchStep(row.Cell, spec.Vocab, row.Hidden, spec.Layers, row.Batch));
}
else
{
    version = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version!.ToString(3);
    foreach (var row in spec.Sampling)
        sampling[row.Name] = Sample("onnxruntime", row, () => new OrtStep(Path.Combine(args[3], $"{row.Cell}-{row.Hidden}.onnx"),
            stateCount: row.Cell == "lstm" ? 2 : 1, spec.Layers, row.Hidden, spec.Vocab, row.Batch, threads));
}
Console.WriteLine(JsonSerializer.Serialize(new { version, threads, training, sampling }));
return 0;

object Sample(string peer, SamplingRow row, Func<IStepModel> create)
{
    using var model = create();
    var best = Sampling.Best(model, spec.Vocab, row.Tokens);
    double usPerStep = best.Seconds / row.Tokens * 1e6;
    Console.Error.WriteLine($"  {peer}/{threads} sampling {row.Name}: {usPerStep:F1} us/step ({best.CpuSeconds / row.Tokens * 1e6:F1} CPU us)");
    return new { us_per_token = usPerStep, tokens_per_s = row.Batch * row.Tokens / best.Seconds, tokens = row.Tokens,
                 seconds = best.Seconds, cpu_seconds = best.CpuSeconds };
}

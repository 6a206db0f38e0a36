using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PeersProbe;

/// <summary>
/// The ONNX Runtime step over export_onnx.py's model (inputs "tokens" [1, B] int64 and "state0".. 
/// [layers, B, H], outputs "logits" [1, B, V] and "next0".. of the state's shape), run with IOBinding
/// over buffers allocated once: two bindings whose state buffers swap roles (one reads A and writes
/// B, the other reads B and writes A), so a step writes the token and runs, nothing is bound or
/// allocated per step. `threads` intra-op threads, sequential execution, all graph optimisations.
/// </summary>
sealed class OrtStep : IStepModel
{
    readonly InferenceSession session;
    readonly RunOptions options = new();
    readonly OrtValue tokens, logits;
    readonly OrtValue[][] states;        // [2][state tensors]: buffer sets A and B
    readonly OrtIoBinding[] bindings;    // [0]: A -> B, [1]: B -> A
    int current;

    public OrtStep(string path, int stateCount, int layers, int hidden, int vocab, int batch, int threads)
    {
        using var settings = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        session = new InferenceSession(path, settings);
        Batch = batch;
        var allocator = OrtAllocator.DefaultInstance;
        tokens = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Int64, [1, batch]);
        logits = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, [1, batch, vocab]);
        states = [.. Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, stateCount)
            .Select(_ => OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.Float, [layers, batch, hidden])).ToArray())];
        bindings = [Bind(states[0], states[1]), Bind(states[1], states[0])];
    }

    OrtIoBinding Bind(OrtValue[] from, OrtValue[] to)
    {
        var binding = session.CreateIoBinding();
        binding.BindInput("tokens", tokens);
        binding.BindOutput("logits", logits);
        for (int i = 0; i < from.Length; i++)
        {
            binding.BindInput($"state{i}", from[i]);
            binding.BindOutput($"next{i}", to[i]);
        }
        return binding;
    }

    public int Batch { get; }

    public void Reset()
    {
        current = 0;
        foreach (var s in states[0])
            s.GetTensorMutableDataAsSpan<float>().Clear();
    }

    public ReadOnlySpan<float> Step(ReadOnlySpan<long> next)
    {
        next.CopyTo(tokens.GetTensorMutableDataAsSpan<long>());
        session.RunWithBinding(options, bindings[current]);
        current ^= 1;
        return logits.GetTensorDataAsSpan<float>();
    }

    public void Dispose()
    {
        foreach (var b in bindings) b.Dispose();
        foreach (var set in states)
            foreach (var s in set) s.Dispose();
        tokens.Dispose();
        logits.Dispose();
        options.Dispose();
        session.Dispose();
    }
}

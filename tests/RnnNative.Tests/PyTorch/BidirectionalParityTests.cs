using Xunit.Abstractions;
using RnnNative.Cells;
using RnnNative.IO;

namespace RnnNative.Tests.PyTorch;

/// <summary>
/// Bidirectional stacks against PyTorch's <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN(bidirectional=True)</c> on the
/// same weights (their <c>_reverse</c> names loaded with strict=True), input and initial states: outputs
/// [T, B, 2H], final states [2L, B, H], and the gradients of every weight, of the input and of the initial
/// states for <c>L = Σ G_out ⊙ output + Σ G_h ⊙ h_n (+ Σ G_c ⊙ c_n)</c>. The *-lengths cases give the
/// sequences of the batch their own lengths (PyTorch: a packed sequence); G_out is zero past each length and
/// the outputs there, which PyTorch pads with zeros, are not compared. One PyTorch run for all cases.
/// </summary>
public sealed class BidirectionalParityFixture : IDisposable
{
    public const int Steps = 13, Batch = 3, InputSize = 5, HiddenSize = 7, Layers = 2;

    /// <summary>The lengths of the *-lengths cases: one full, one short, one of a single timestep.</summary>
    public static readonly int[] Lengths = [5, 13, 1];

    private readonly string _directory = Directory.CreateTempSubdirectory("rnn-bidirectional-").FullName;

    public BidirectionalParityFixture()
    {
        (string Name, CellType Cell, Activation Activation)[] cases =
            [("lstm", CellType.Lstm, Activation.Tanh), ("gru", CellType.Gru, Activation.Tanh), ("rnn-tanh", CellType.Elman, Activation.Tanh), ("rnn-relu", CellType.Elman, Activation.Relu),
             ("lstm-lengths", CellType.Lstm, Activation.Tanh), ("gru-lengths", CellType.Gru, Activation.Tanh), ("rnn-relu-lengths", CellType.Elman, Activation.Relu)];
        List<string> jobs = [];
        Dictionary<string, (RecurrentStack Stack, SafetensorsReader Data)> ours = [];
        int seed = 40;
        foreach ((string name, CellType cell, Activation activation) in cases)
        {
            int[] lengths = name.EndsWith("-lengths", StringComparison.Ordinal) ? Lengths : [];
            RecurrentStack stack = new(new RecurrentConfig(cell, InputSize, HiddenSize, Layers, activation) { Bidirectional = true });
            stack.Initialize(new Random(seed++));
            SafetensorsWriter weights = new();
            foreach (ParameterTensor tensor in stack.Tensors)
            {
                weights.AddTensor(tensor.Name, tensor.Shape, stack.Parameters.AsSpan(tensor.Offset, tensor.Length));
            }
            weights.WriteFileAtomically(PathOf(name + ".weights.safetensors"));

            Random random = new(seed++);
            float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            int state = stack.StateLength(Batch), layers = stack.Config.StateLayers;
            SafetensorsWriter data = new();
            data.AddTensor("input", [Steps, Batch, InputSize], Random(Steps * Batch * InputSize));
            data.AddTensor("h0", [layers, Batch, HiddenSize], Random(state));
            data.AddTensor("c0", [layers, Batch, HiddenSize], Random(state));
            data.AddTensor("g_output", [Steps, Batch, 2 * HiddenSize], PastLengthsZero(Random(Steps * Batch * 2 * HiddenSize), lengths));
            data.AddTensor("g_hidden", [layers, Batch, HiddenSize], Random(state));
            data.AddTensor("g_cell", [layers, Batch, HiddenSize], Random(state));
            if (lengths.Length > 0)
            {
                data.AddTensor("lengths", [Batch], [.. lengths.Select(length => (float)length)]);
            }
            byte[] bytes = data.ToArray();
            File.WriteAllBytes(PathOf(name + ".data.safetensors"), bytes);
            ours[name] = (stack, SafetensorsReader.Read(bytes));

            string config = $$"""{"cell": "{{CellKind.Of(cell).PyTorchName}}", "nonlinearity": "{{(activation == Activation.Relu ? "relu" : "tanh")}}", "input_size": {{InputSize}}, "hidden_size": {{HiddenSize}}, "num_layers": {{Layers}}, "bidirectional": true}""";
            jobs.Add($$"""{"op": "stack", "config": {{config}}, "weights": "{{Escaped(PathOf(name + ".weights.safetensors"))}}", "data": "{{Escaped(PathOf(name + ".data.safetensors"))}}", "out": "{{Escaped(PathOf(name + ".torch.safetensors"))}}"}""");
        }
        File.WriteAllText(PathOf("jobs.json"), "[" + string.Join(",\n", jobs) + "]");
        TorchScript.Run(PathOf("jobs.json"), TimeSpan.FromMinutes(3));

        foreach ((string name, (RecurrentStack stack, SafetensorsReader data)) in ours)
        {
            int[] lengths = data.Contains("lengths") ? Lengths : [];
            Cases[name] = (Compute(stack, data, lengths), SafetensorsReader.ReadFile(PathOf(name + ".torch.safetensors")));
        }
    }

    /// <summary>Per case: this engine's results under the names the PyTorch side writes, and PyTorch's.</summary>
    public Dictionary<string, (Dictionary<string, float[]> Ours, SafetensorsReader Torch)> Cases { get; } = [];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Zeroes the rows [T, B, ·] of <paramref name="values"/> at timesteps past each sequence's length.</summary>
    private static float[] PastLengthsZero(float[] values, int[] lengths)
    {
        int width = values.Length / (Steps * Batch);
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < lengths.Length; b++)
            {
                if (t >= lengths[b]) values.AsSpan((t * Batch + b) * width, width).Clear();
            }
        }
        return values;
    }

    private static Dictionary<string, float[]> Compute(RecurrentStack stack, SafetensorsReader data, int[] lengths)
    {
        bool hasCell = stack.Config.Kind.HasCellState;
        int state = stack.StateLength(Batch);
        float[] output = new float[Steps * Batch * stack.Config.OutputSize], finalHidden = new float[state], finalCell = hasCell ? new float[state] : [];
        stack.Forward(data.GetFloats("input"), Steps, Batch, data.GetFloats("h0"), hasCell ? data.GetFloats("c0") : [], output, finalHidden, finalCell, lengths: lengths);
        PastLengthsZero(output, lengths);   // not meaningful here, zeros in PyTorch
        float[] dInput = new float[Steps * Batch * InputSize], dHidden0 = new float[state], dCell0 = hasCell ? new float[state] : [];
        stack.ZeroGradients();
        stack.Backward(data.GetFloats("g_output"), data.GetFloats("g_hidden"), hasCell ? data.GetFloats("g_cell") : [], dInput, dHidden0, dCell0);

        Dictionary<string, float[]> results = new() { ["output"] = output, ["h_n"] = finalHidden, ["grad.input"] = dInput, ["grad.h0"] = dHidden0 };
        if (hasCell)
        {
            results["c_n"] = finalCell;
            results["grad.c0"] = dCell0;
        }
        foreach (ParameterTensor tensor in stack.Tensors)
        {
            results["grad." + tensor.Name] = stack.Gradients.AsSpan(tensor.Offset, tensor.Length).ToArray();
        }
        return results;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}

/// <summary>Tolerance, for every element a (ours) and b (PyTorch's): |a - b| &lt;= 1e-5 * max(1, |b|) for values, 1e-4 for gradients.</summary>
public sealed class BidirectionalParityTests(BidirectionalParityFixture fixture, ITestOutputHelper output) : IClassFixture<BidirectionalParityFixture>
{
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn-tanh")]
    [InlineData("rnn-relu")]
    [InlineData("lstm-lengths")]
    [InlineData("gru-lengths")]
    [InlineData("rnn-relu-lengths")]
    public void Outputs_final_states_and_gradients_match_pytorchs_bidirectional_module(string name)
    {
        (Dictionary<string, float[]> ours, SafetensorsReader torch) = fixture.Cases[name];
        Assert.Equal(torch.Tensors.Select(t => t.Name).Order(), ours.Keys.Order());
        Assert.Contains("grad.weight_hh_l1_reverse", ours.Keys);
        foreach ((string tensor, float[] values) in ours)
        {
            double tolerance = tensor.StartsWith("grad.", StringComparison.Ordinal) ? 1e-4 : 1e-5;
            TorchComparison.AssertClose(output, name, tensor, values, torch.GetFloats(tensor), tolerance);
        }
    }

    [Fact]
    public void The_reverse_direction_is_not_the_forward_one_run_twice()
    {
        // Negative control: PyTorch's output at the last timestep differs between the two halves, so a
        // stack that ran both directions forwards would fail the comparison above.
        (Dictionary<string, float[]> _, SafetensorsReader torch) = fixture.Cases["gru"];
        float[] outputs = torch.GetFloats("output");
        int width = 2 * BidirectionalParityFixture.HiddenSize;
        Assert.NotEqual(outputs.AsSpan(0, BidirectionalParityFixture.HiddenSize).ToArray(), outputs.AsSpan(BidirectionalParityFixture.HiddenSize, BidirectionalParityFixture.HiddenSize).ToArray());
        Assert.True(outputs.Length == BidirectionalParityFixture.Steps * BidirectionalParityFixture.Batch * width);
    }
}

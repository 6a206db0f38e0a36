using Xunit.Abstractions;
using RnnNative.IO;
using RnnNative.Kernels;

namespace RnnNative.Tests.PyTorch;

/// <summary>One tensor of ours against PyTorch's, element by element.</summary>
internal static class TorchComparison
{
    /// <summary>Every |ours - theirs| / max(1, |theirs|) within <paramref name="tolerance"/>; the worst is written to
    /// <paramref name="output"/>, so a run shows how close each tensor came.</summary>
    public static void AssertClose(ITestOutputHelper output, string name, string tensor, float[] values, float[] expected, double tolerance)
    {
        Assert.Equal(expected.Length, values.Length);
        double worst = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double scaled = Math.Abs((double)values[i] - expected[i]) / Math.Max(1, Math.Abs((double)expected[i]));
            Assert.True(scaled <= tolerance, $"{name} {tensor}[{i}]: {values[i]:R} here, {expected[i]:R} in PyTorch.");
            worst = Math.Max(worst, scaled);
        }
        output.WriteLine($"{name} {tensor}: worst scaled difference {worst:E2}");
    }

    /// <summary>Every gradient of a model (its <c>NamedTensors(gradients: true)</c>) within <paramref name="tolerance"/> of PyTorch's
    /// <c>grad.&lt;name&gt;</c>, and no PyTorch gradient left unmatched.</summary>
    public static void AssertEveryGradient(ITestOutputHelper output, string name, IEnumerable<(string Name, int[] Shape, Memory<float> Values)> gradients, SafetensorsReader torch, double tolerance)
    {
        List<string> names = [];
        foreach ((string tensor, int[] _, Memory<float> gradient) in gradients)
        {
            AssertClose(output, name, "grad." + tensor, gradient.ToArray(), torch.GetFloats("grad." + tensor), tolerance);
            names.Add("grad." + tensor);
        }
        Assert.Equal(torch.Tensors.Select(t => t.Name).Where(n => n.StartsWith("grad.", StringComparison.Ordinal)).Order(), names.Order());
    }

    /// <summary>Writes a model's <c>NamedTensors()</c> as the safetensors file a mirror loads with <c>strict=True</c>.</summary>
    public static void WriteWeights(string path, IEnumerable<(string Name, int[] Shape, Memory<float> Values)> tensors)
    {
        SafetensorsWriter weights = new();
        foreach ((string tensor, int[] shape, Memory<float> values) in tensors)
        {
            weights.AddTensor(tensor, shape, values.Span);
        }
        weights.WriteFileAtomically(path);
    }

    /// <summary>xunit data: every case on every kernel path this machine runs.</summary>
    public static TheoryData<string, KernelPath> OnEveryPath(IEnumerable<string> cases)
    {
        TheoryData<string, KernelPath> data = [];
        foreach (string name in cases)
        {
            foreach (KernelPath path in KernelPaths.Available) data.Add(name, path);
        }
        return data;
    }
}

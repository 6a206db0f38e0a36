using Xunit.Abstractions;
using RnnNative.IO;

namespace RnnNative.Tests.PyTorch;

/// <summary>
/// This engine against PyTorch (float32, CPU) on the same weights and tokens. Tolerance, for every
/// element a (ours) and b (PyTorch's): |a - b| &lt;= tol * max(1, |b|), tol = 1e-5 for logits and
/// losses, 1e-4 for gradients. Needs /usr/bin/python3 with torch and numpy (see <see cref="TorchScript"/>).
/// </summary>
public sealed class PyTorchParityTests(PyTorchParityFixture fixture, ITestOutputHelper output) : IClassFixture<PyTorchParityFixture>
{
    private const double LogitTolerance = 1e-5, GradientTolerance = 1e-4;

    /// <summary>Asserts the tolerance element by element, naming the worst element; returns the largest |a - b|.</summary>
    private double AssertClose(string what, ReadOnlySpan<float> ours, ReadOnlySpan<float> torch, double tolerance)
    {
        Assert.True(ours.Length == torch.Length, $"{what}: {ours.Length} values here, {torch.Length} in PyTorch.");
        double worst = 0, largest = 0;
        int worstAt = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double difference = Math.Abs((double)ours[i] - torch[i]);
            double ratio = difference / Math.Max(1, Math.Abs((double)torch[i]));
            largest = Math.Max(largest, difference);
            if (!(ratio <= worst)) { worst = ratio; worstAt = i; }
        }
        Assert.True(worst <= tolerance, $"{what}: element {worstAt} is {ours[worstAt]:R} here and {torch[worstAt]:R} in PyTorch (scaled difference {worst:E2} > {tolerance:E0}).");
        return largest;
    }

    private double AssertLogits(ParityCase c)
    {
        double largest = AssertClose($"{c.Name} logits", c.Logits, c.TorchLogits, LogitTolerance);
        Assert.True(Math.Abs(c.Loss - c.TorchLoss) <= LogitTolerance * Math.Max(1, c.TorchLoss), $"{c.Name}: mean loss {c.Loss:R} here, {c.TorchLoss:R} in PyTorch.");
        output.WriteLine($"{c.Name}: max |logit difference| {largest:E2}, loss {c.Loss:F6} vs {c.TorchLoss:F6}");
        return largest;
    }

    private double AssertGradients(ParityCase c)
    {
        double largest = 0;
        foreach (SafetensorsTensor tensor in c.Gradients.Tensors)
        {
            largest = Math.Max(largest, AssertClose($"{c.Name} d{tensor.Name}", c.Gradients.GetFloats(tensor.Name), c.Torch.GetFloats("grad." + tensor.Name), GradientTolerance));
        }
        Assert.Equal(c.Gradients.Tensors.Count, c.Torch.Tensors.Count(t => t.Name.StartsWith("grad.", StringComparison.Ordinal)));
        output.WriteLine($"{c.Name}: max |gradient difference| {largest:E2}");
        return largest;
    }

    public static TheoryData<string> RandomCases => new(["random-lstm-1", "random-lstm-2", "random-rnn-tanh-1", "random-rnn-tanh-2", "random-rnn-relu-1", "random-rnn-relu-2", "random-lstm-onehot-2",
        "random-gru-1", "random-gru-2", "random-gru-3-h37", "random-gru-onehot-2-h37"]);

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Logits_match_pytorch_for_random_weights(string name) => AssertLogits(fixture.Cases[name]);

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Gradients_of_the_mean_cross_entropy_match_pytorch(string name) => AssertGradients(fixture.Cases[name]);

    [Fact]
    public void A_model_trained_here_loads_strictly_into_pytorch_and_gives_the_same_logits()
    {
        // The Python side loads with load_state_dict(strict=True): any missing, extra or misshapen tensor fails the run.
        ParityCase trained = fixture.Cases["trained"];
        AssertLogits(trained);
        AssertGradients(trained);
    }

    [Theory]
    [InlineData("torch-lstm-2")]      // a bare state_dict: config inferred from shapes, vocabulary passed
    [InlineData("torch-rnn-relu-2")]  // config from metadata, vocabulary passed
    [InlineData("torch-lstm-onehot-1")]  // a bare one-hot state_dict (no embedding.weight), vocabulary passed
    [InlineData("torch-gru-2")]       // a bare nn.GRU state_dict: GRU inferred from its 3 gate blocks
    public void A_model_initialized_by_pytorch_imports_here_with_the_same_logits(string name)
    {
        ParityCase c = fixture.Cases[name];
        AssertLogits(c);
        AssertGradients(c);
    }

    /// <summary>Weights after <c>TrajectoryUpdates</c> Adam updates with clipping and state carried between
    /// windows; differences compound over updates, hence the gradient tolerance.</summary>
    [Theory]
    [InlineData("trajectory-gru-2")]
    [InlineData("trajectory-lstm-2")]
    [InlineData("trajectory-rnn-relu-2")]
    public void Adam_updates_with_clipping_follow_pytorchs_trajectory(string name)
    {
        (SafetensorsReader ours, SafetensorsReader torch) = fixture.Trajectories[name];
        double largest = 0;
        foreach (SafetensorsTensor tensor in ours.Tensors)
        {
            largest = Math.Max(largest, AssertClose($"{name} {tensor.Name}", ours.GetFloats(tensor.Name), torch.GetFloats(tensor.Name), GradientTolerance));
        }
        Assert.Equal(ours.Tensors.Count, torch.Tensors.Count);
        output.WriteLine($"{name}: max |weight difference| {largest:E2}");
    }

    [Fact]
    public void The_comparison_can_fail()
    {
        ParityCase c = fixture.Cases["random-lstm-1"];
        float[] perturbed = c.Logits.ToArray();
        perturbed[5] += 1e-3f * Math.Max(1, Math.Abs(perturbed[5]));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertClose("perturbed", perturbed, c.TorchLogits, LogitTolerance));
    }
}

using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Tests.Support;
using Xunit.Sdk;

namespace RnnNative.Tests.Cells;

public class JordanLayerTests
{
    private const int InputSize = 3, HiddenSize = 5, OutputSize = 4, Steps = 4, Batch = 3;
    private static readonly int[] MixedLengths = [4, 2, 1];

    public static TheoryData<JordanOutput, Activation> Kinds => new()
    {
        { JordanOutput.Softmax, Activation.Tanh },
        { JordanOutput.Softmax, Activation.Relu },
        { JordanOutput.Identity, Activation.Tanh },
        { JordanOutput.Identity, Activation.Relu },
    };

    public static TheoryData<KernelPath, JordanOutput> PathsAndOutputs
    {
        get
        {
            TheoryData<KernelPath, JordanOutput> data = [];
            foreach (KernelPath path in KernelPaths.Available)
            {
                data.Add(path, JordanOutput.Softmax);
                data.Add(path, JordanOutput.Identity);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Gradients_of_every_parameter_and_the_input_match_finite_differences(JordanOutput output, Activation activation)
    {
        // dLogits everywhere, padding included: a row past a sequence's end holds its last z, so its gradient goes there.
        Case c = new(InputSize, HiddenSize, OutputSize, Steps, Batch, MixedLengths, activation, output, seed: 3);
        float[] dInput = c.Backward();
        AssertGradientsMatch(c, dInput);
    }

    [Fact]
    public void The_finite_difference_check_detects_a_wrong_feedback_gradient()
    {
        Case c = new(InputSize, HiddenSize, OutputSize, Steps, Batch, MixedLengths, Activation.Tanh, JordanOutput.Softmax, seed: 3);
        float[] dInput = c.Backward();
        // As if BPTT forgot a small part of the path through y_{t-1}: one element of dW_yh off by 1e-3.
        c.Layer.Gradients[c.Layer.Tensors[1].Offset + 2] += 1e-3f;
        Assert.ThrowsAny<XunitException>(() => AssertGradientsMatch(c, dInput));
    }

    [Theory]
    [MemberData(nameof(PathsAndOutputs))]
    public void Forward_matches_the_double_reference_on_every_kernel_path(KernelPath path, JordanOutput output)
    {
        // Odd sizes, longer than one register of every path, and every length from 1 to T in one batch.
        Case c = new(inputSize: 7, hiddenSize: 37, outputSize: 19, steps: 6, batch: 6, lengths: [6, 1, 3, 5, 2, 4], Activation.Tanh, output, seed: 5, KernelSet.For(path));
        JordanReference.Result expected = c.Reference();
        AssertClose(expected.Logits, c.Layer.Logits, "z");
        AssertClose(expected.Outputs, c.Layer.Outputs, "y");
        AssertClose(expected.Hidden, c.Layer.Hidden, "h");
    }

    [Theory]
    [MemberData(nameof(PathsAndOutputs))]
    public void Gradients_on_every_kernel_path_match_the_scalar_path(KernelPath path, JordanOutput output)
    {
        Case scalar = new(inputSize: 7, hiddenSize: 37, outputSize: 19, steps: 6, batch: 6, lengths: [6, 1, 3, 5, 2, 4], Activation.Relu, output, seed: 7, KernelSet.For(KernelPath.Scalar));
        Case other = new(inputSize: 7, hiddenSize: 37, outputSize: 19, steps: 6, batch: 6, lengths: [6, 1, 3, 5, 2, 4], Activation.Relu, output, seed: 7, KernelSet.For(path));
        float[] expectedInput = scalar.Backward(), actualInput = other.Backward();
        AssertClose([.. scalar.Layer.Gradients.Select(g => (double)g)], other.Layer.Gradients, "gradients");
        AssertClose([.. expectedInput.Select(g => (double)g)], actualInput, "dInput");
    }

    [Fact]
    public void Padding_content_changes_no_result_and_no_gradient()
    {
        Case zeros = new(InputSize, HiddenSize, OutputSize, Steps, Batch, MixedLengths, Activation.Tanh, JordanOutput.Softmax, seed: 11);
        Case garbage = new(InputSize, HiddenSize, OutputSize, Steps, Batch, MixedLengths, Activation.Tanh, JordanOutput.Softmax, seed: 11);
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                if (t < MixedLengths[b]) continue;
                for (int i = 0; i < InputSize; i++)
                {
                    zeros.Input[(t * Batch + b) * InputSize + i] = 0;
                    garbage.Input[(t * Batch + b) * InputSize + i] = 1000 + t + i;
                }
            }
        }
        float[] zerosInput = zeros.Backward(), garbageInput = garbage.Backward();
        Assert.Equal(zeros.Layer.Logits.ToArray(), garbage.Layer.Logits.ToArray());
        Assert.Equal(zeros.Layer.Outputs.ToArray(), garbage.Layer.Outputs.ToArray());
        Assert.Equal(zeros.Layer.Gradients, garbage.Layer.Gradients);
        Assert.Equal(zerosInput, garbageInput);
    }

    [Fact]
    public void Rows_past_the_end_carry_the_last_timestep_so_the_final_logits_are_each_sequences_own()
    {
        Case c = new(InputSize, HiddenSize, OutputSize, Steps, Batch, MixedLengths, Activation.Tanh, JordanOutput.Softmax, seed: 13);
        c.Layer.Forward(c.Input, Steps, Batch, MixedLengths);
        float[] final = c.Layer.FinalLogits.ToArray();
        for (int b = 0; b < Batch; b++)
        {
            int last = (MixedLengths[b] - 1) * Batch + b;
            Assert.Equal(c.Layer.Logits.Slice(last * OutputSize, OutputSize).ToArray(), final.AsSpan(b * OutputSize, OutputSize).ToArray());
        }
        // The negative control: sequence 0 runs all T timesteps, and its last logits differ from the earlier ones.
        Assert.NotEqual(c.Layer.Logits.Slice(0, OutputSize).ToArray(), final.AsSpan(0, OutputSize).ToArray());
    }

    [Fact]
    public void With_the_feedback_cut_every_timestep_is_a_feedforward_network_and_with_it_not()
    {
        Case c = new(InputSize, HiddenSize, OutputSize, Steps, Batch, lengths: [], Activation.Tanh, JordanOutput.Softmax, seed: 17);
        float[] withFeedback = RunEachTimestepAlone(c.Layer, c.Input);
        Assert.Contains(withFeedback, difference => difference > 1e-3);   // y_{t-1} reaches h_t

        ParameterTensor weightYh = c.Layer.Tensors[1];
        c.Layer.Parameters.AsSpan(weightYh.Offset, weightYh.Length).Clear();
        float[] cut = RunEachTimestepAlone(c.Layer, c.Input);
        Assert.All(cut, difference => Assert.True(difference <= 1e-6, $"difference {difference}"));
    }

    [Fact]
    public void Stacks_refuse_the_Jordan_cell_with_its_name_and_language_models_its_second_layer()
    {
        CellKind kind = CellKind.Find("jordan")!;
        Assert.Equal(CellType.Jordan, kind.Type);
        Assert.Null(kind.PyTorchName);
        Assert.False(kind.IsStackCell);
        Assert.True(CellKind.Of(CellType.Gru).IsStackCell);

        ArgumentException layers = Assert.ThrowsAny<ArgumentException>(() => new RecurrentConfig(CellType.Jordan, 3, 4, Layers: 2).Validate());
        Assert.Equal("Layers", layers.ParamName);
        Assert.Contains("one recurrent layer", layers.Message);
        ArgumentException bidirectional = Assert.ThrowsAny<ArgumentException>(() => new RecurrentConfig(CellType.Jordan, 3, 4) { Bidirectional = true }.Validate());
        Assert.Equal("Bidirectional", bidirectional.ParamName);
        ArgumentException identity = Assert.ThrowsAny<ArgumentException>(() => new RecurrentConfig(CellType.Jordan, 3, 4) { Initialization = RecurrentInitialization.Identity }.Validate());
        Assert.Contains("Jordan", identity.Message);

        ArgumentException stack = Assert.ThrowsAny<ArgumentException>(() => new RecurrentStack(new RecurrentConfig(CellType.Jordan, 3, 4)));
        Assert.Contains("Jordan", stack.Message);
        new RnnNative.Model.LanguageModelConfig(10, 4, CellType.Jordan, 8, Layers: 1).Validate();
        ArgumentException model = Assert.ThrowsAny<ArgumentException>(() => new RnnNative.Model.LanguageModelConfig(10, 4, CellType.Jordan, 8, Layers: 2).Validate());
        Assert.Equal("Layers", model.ParamName);
        Assert.Contains("Jordan", model.Message);
    }

    [Fact]
    public void Tensors_have_the_documented_names_and_shapes()
    {
        JordanLayer layer = new(InputSize, HiddenSize, OutputSize, Activation.Tanh, JordanOutput.Identity);
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_yh_l0", "rnn.bias_l0", "decoder.weight", "decoder.bias"], layer.Tensors.Select(t => t.Name));
        Assert.Equal([[5, 3], [5, 4], [5], [4, 5], [4]], layer.Tensors.Select(t => t.Shape));
        Assert.Equal(5 * 3 + 5 * 4 + 5 + 4 * 5 + 4, layer.Parameters.Length);
        Assert.Equal(layer.Parameters.Length, layer.Tensors[^1].Offset + layer.Tensors[^1].Length);
    }

    /// <summary>|z_t of the window - z of a window of x_t alone| for every element: 0 without feedback.</summary>
    private static float[] RunEachTimestepAlone(JordanLayer layer, float[] input)
    {
        layer.Forward(input, Steps, Batch);
        float[] window = layer.Logits.ToArray(), differences = new float[window.Length];
        for (int t = 0; t < Steps; t++)
        {
            layer.Forward(input.AsSpan(t * Batch * InputSize, Batch * InputSize), 1, Batch);
            for (int i = 0; i < Batch * OutputSize; i++)
            {
                differences[t * Batch * OutputSize + i] = Math.Abs(window[t * Batch * OutputSize + i] - layer.Logits[i]);
            }
        }
        return differences;
    }

    private static void AssertGradientsMatch(Case c, float[] dInput)
    {
        double[][] blocks = [.. c.Weights, c.InputAsDouble];
        double Loss()
        {
            double[] logits = JordanReference.Forward(blocks[..5], blocks[5], c.Steps, c.Batch, c.Lengths, c.Layer.InputSize, c.Layer.HiddenSize, c.Layer.OutputSize, c.Layer.Activation, c.Layer.Output).Logits;
            return logits.Select((z, i) => z * c.DLogits[i]).Sum();
        }
        BlockGradientCheck.AssertMatches(blocks, Loss, b => b < 5 ? c.Layer.Tensors[b].Name : "input",
            (b, i) => b < 5 ? c.Layer.Gradients[c.Layer.Tensors[b].Offset + i] : dInput[i]);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + 1e-4 * Math.Abs(expected[i]), $"{name}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }

    /// <summary>A layer with random weights, a random padded window and a random dLogits (the gradient of the loss Σ dLogits ⊙ z).</summary>
    private sealed class Case
    {
        public Case(int inputSize, int hiddenSize, int outputSize, int steps, int batch, int[] lengths, Activation activation, JordanOutput output, int seed, KernelSet? kernels = null)
        {
            Random random = new(seed);
            Layer = new JordanLayer(inputSize, hiddenSize, outputSize, activation, output, kernels);
            Layer.Initialize(random);
            Steps = steps;
            Batch = batch;
            Lengths = lengths.Length == 0 ? [.. Enumerable.Repeat(steps, batch)] : lengths;
            Input = [.. Enumerable.Range(0, steps * batch * inputSize).Select(_ => (float)(random.NextDouble() * 2 - 1))];
            DLogits = [.. Enumerable.Range(0, steps * batch * outputSize).Select(_ => (float)(random.NextDouble() * 2 - 1))];
            Layer.Forward(Input, steps, batch, lengths);
        }

        public JordanLayer Layer { get; }

        public int Steps { get; }

        public int Batch { get; }

        public int[] Lengths { get; }

        public float[] Input { get; }

        public float[] DLogits { get; }

        public double[][] Weights => [.. Layer.Tensors.Select(t => Layer.Parameters.AsSpan(t.Offset, t.Length).ToArray().Select(v => (double)v).ToArray())];

        public double[] InputAsDouble => [.. Input.Select(v => (double)v)];

        public JordanReference.Result Reference() =>
            JordanReference.Forward(Weights, InputAsDouble, Steps, Batch, Lengths, Layer.InputSize, Layer.HiddenSize, Layer.OutputSize, Layer.Activation, Layer.Output);

        /// <summary>Forward and backward of the window; returns dInput.</summary>
        public float[] Backward()
        {
            Layer.Forward(Input, Steps, Batch, Lengths);
            Layer.ZeroGradients();
            float[] dInput = new float[Input.Length];
            Layer.Backward(DLogits, dInput);
            return dInput;
        }
    }
}

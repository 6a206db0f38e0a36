using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Cells;

public class RecurrentStackTests
{
    [Fact]
    public void Tensors_use_pytorch_names_and_shapes_and_tile_the_parameter_vector()
    {
        RecurrentStack stack = new(new RecurrentConfig(CellType.Lstm, InputSize: 5, HiddenSize: 7, Layers: 2));
        string[] names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"];
        Assert.Equal(names, stack.Tensors.Select(t => t.Name));
        Assert.Equal([28, 5], stack.Tensors[0].Shape);
        Assert.Equal([28, 7], stack.Tensors[1].Shape);
        Assert.Equal([28], stack.Tensors[2].Shape);
        Assert.Equal([28, 7], stack.Tensors[4].Shape);
        int offset = 0;
        foreach (ParameterTensor tensor in stack.Tensors)
        {
            Assert.Equal(offset, tensor.Offset);
            offset += tensor.Length;
        }
        Assert.Equal(offset, stack.Parameters.Length);
        Assert.Equal(offset, stack.Gradients.Length);
    }

    [Fact]
    public void Elman_has_one_gate_block()
    {
        RecurrentStack stack = new(new RecurrentConfig(CellType.Elman, InputSize: 3, HiddenSize: 4));
        Assert.Equal(4 * 3 + 4 * 4 + 4 + 4, stack.Parameters.Length);
    }

    [Fact]
    public void Default_initialization_is_pytorchs_uniform_bound()
    {
        RecurrentStack stack = new(new RecurrentConfig(CellType.Lstm, 8, 16, 2));
        stack.Initialize(new Random(1));
        Assert.All(stack.Parameters, p => Assert.InRange(p, -0.25f, 0.25f));
        Assert.True(stack.Parameters.Max() > 0.24f && stack.Parameters.Min() < -0.24f);
    }

    [Theory]
    [InlineData(0, 4, 1)]
    [InlineData(3, 0, 1)]
    [InlineData(3, 4, 0)]
    [InlineData(3, 1 << 17, 1)]
    public void Invalid_config_is_rejected(int input, int hidden, int layers)
    {
        Assert.ThrowsAny<ArgumentException>(() => new RecurrentStack(new RecurrentConfig(CellType.Lstm, input, hidden, layers)));
    }

    [Fact]
    public void Wrong_buffer_lengths_name_the_argument()
    {
        RecurrentStack stack = new(new RecurrentConfig(CellType.Lstm, 3, 4, 2));
        ArgumentException error = Assert.Throws<ArgumentException>(() => stack.Forward(new float[3 * 2 * 3 - 1], 3, 2, [], [], [], [], []));
        Assert.Equal("input", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => stack.Forward(new float[3 * 2 * 3], 3, 2, new float[5], [], [], [], []));
        Assert.Equal("initialHidden", error.ParamName);
        Assert.Throws<InvalidOperationException>(() => stack.Backward(new float[24], [], [], [], [], []));
    }

    [Fact]
    public void Zero_initial_state_equals_an_empty_one()
    {
        RecurrentStack stack = new(new RecurrentConfig(CellType.Lstm, 3, 5, 2));
        stack.Initialize(new Random(2));
        float[] input = RandomArray(new Random(3), 4 * 2 * 3);
        float[] withEmpty = new float[4 * 2 * 5], withZeros = new float[4 * 2 * 5];
        stack.Forward(input, 4, 2, [], [], withEmpty, [], []);
        stack.Forward(input, 4, 2, new float[stack.StateLength(2)], new float[stack.StateLength(2)], withZeros, [], []);
        Assert.Equal(withEmpty, withZeros);
    }

    [Fact]
    public void Carrying_the_state_across_windows_equals_one_long_window()
    {
        // Truncated BPTT carries h and c from one window to the next: two windows of 3 must give the outputs of one window of 6.
        RecurrentStack stack = new(new RecurrentConfig(CellType.Lstm, 3, 5, 2));
        stack.Initialize(new Random(4));
        int batch = 2, state = stack.StateLength(batch), stepSize = batch * 3, outSize = batch * 5;
        float[] input = RandomArray(new Random(5), 6 * stepSize);
        float[] whole = new float[6 * outSize];
        stack.Forward(input, 6, batch, [], [], whole, [], []);

        float[] first = new float[3 * outSize], second = new float[3 * outSize], h = new float[state], c = new float[state];
        stack.Forward(input.AsSpan(0, 3 * stepSize), 3, batch, [], [], first, h, c);
        stack.Forward(input.AsSpan(3 * stepSize), 3, batch, h.ToArray(), c.ToArray(), second, h, c);
        Assert.Equal(whole, first.Concat(second).ToArray());
    }

    internal static float[] RandomArray(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}

[Collection("Parallelism")]
public class RecurrentThreadingTests
{
    public static TheoryData<CellType> Cells => [CellType.Lstm, CellType.Elman];

    [Theory]
    [MemberData(nameof(Cells))]
    public void One_thread_and_all_cores_give_identical_bits(CellType cell)
    {
        // Large enough that the GEMMs and the pointwise steps really split across threads.
        const int steps = 4, batch = 32, input = 48, hidden = 131;   // H no multiple of any width: the remainders count too
        float[] x = RecurrentStackTests.RandomArray(new Random(7), steps * batch * input);
        float[] dOutput = RecurrentStackTests.RandomArray(new Random(8), steps * batch * hidden);

        (float[] Output, float[] Gradients, float[] DInput) Run(int threads) => WithThreads.Run(threads, () =>
        {
            RecurrentStack stack = new(new RecurrentConfig(cell, input, hidden, 2), KernelSet.Active);
            stack.Initialize(new Random(9));
            float[] output = new float[steps * batch * hidden], dInput = new float[x.Length];
            stack.Forward(x, steps, batch, [], [], output, [], []);
            stack.Backward(dOutput, [], [], dInput, [], []);
            return (output, stack.Gradients, dInput);
        });

        var single = Run(1);
        foreach (int threads in new[] { Environment.ProcessorCount, 3 })
        {
            var multi = Run(threads);
            Assert.Equal(single.Output, multi.Output);
            Assert.Equal(single.Gradients, multi.Gradients);
            Assert.Equal(single.DInput, multi.DInput);
        }
    }
}

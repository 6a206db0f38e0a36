using RnnNative.Cells;
using RnnNative.Kernels;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Cells;

/// <summary>
/// Forward values against the double-precision reference, and BPTT gradients against central
/// differences of that reference, for every weight, bias, input and initial state. The loss is a
/// random linear function of every output and final state, so every gradient path is exercised:
/// <c>L = Σ G_out ⊙ output + Σ G_h ⊙ h_T + Σ G_c ⊙ c_T</c>.
/// </summary>
public class RecurrentGradientTests
{
    private const int Steps = 3, Batch = 2, InputSize = 3, HiddenSize = 4;

    public static TheoryData<KernelPath, CellType, Activation, int, bool> Cases()
    {
        TheoryData<KernelPath, CellType, Activation, int, bool> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            foreach (int layers in new[] { 1, 2 })
            {
                foreach (bool bidirectional in new[] { false, true })
                {
                    data.Add(path, CellType.Lstm, Activation.Tanh, layers, bidirectional);
                    data.Add(path, CellType.Gru, Activation.Tanh, layers, bidirectional);
                    data.Add(path, CellType.Elman, Activation.Tanh, layers, bidirectional);
                    data.Add(path, CellType.Elman, Activation.Relu, layers, bidirectional);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_double_reference(KernelPath path, CellType cell, Activation activation, int layers, bool bidirectional)
    {
        Problem problem = Problem.Create(cell, activation, layers, path, seed: 11, bidirectional);
        (float[] output, float[] finalHidden, float[] finalCell) = problem.RunForward();
        ReferenceRecurrent.Result expected = problem.Reference(problem.Parameters(), problem.Input, problem.InitialHidden, problem.InitialCell);

        AssertClose(expected.Output, output, "output");
        AssertClose(expected.FinalHidden, finalHidden, "h_T");
        if (CellKind.Of(cell).HasCellState)
        {
            AssertClose(expected.FinalCell, finalCell, "c_T");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_matches_central_differences(KernelPath path, CellType cell, Activation activation, int layers, bool bidirectional)
    {
        Problem problem = Problem.Create(cell, activation, layers, path, seed: 5, bidirectional);
        RecurrentStack stack = problem.Stack;
        problem.RunForward();
        float[] dInput = new float[problem.Input.Length];
        float[] dInitialHidden = new float[problem.InitialHidden.Length];
        float[] dInitialCell = CellKind.Of(cell).HasCellState ? new float[problem.InitialCell.Length] : [];
        stack.ZeroGradients();
        stack.Backward(ToFloat(problem.GOutput), ToFloat(problem.GHidden), CellKind.Of(cell).HasCellState ? ToFloat(problem.GCell) : [], dInput, dInitialHidden, dInitialCell);

        double[] parameters = problem.Parameters();
        AssertClose(Numeric(parameters, v => problem.Loss(v, problem.Input, problem.InitialHidden, problem.InitialCell)), stack.Gradients, "dParameters");
        AssertClose(Numeric(problem.Input, v => problem.Loss(parameters, v, problem.InitialHidden, problem.InitialCell)), dInput, "dInput");
        AssertClose(Numeric(problem.InitialHidden, v => problem.Loss(parameters, problem.Input, v, problem.InitialCell)), dInitialHidden, "dh0");
        if (CellKind.Of(cell).HasCellState)
        {
            AssertClose(Numeric(problem.InitialCell, v => problem.Loss(parameters, problem.Input, problem.InitialHidden, v)), dInitialCell, "dc0");
        }
    }

    [Fact]
    public void Gradients_accumulate_across_backward_calls()
    {
        Problem problem = Problem.Create(CellType.Lstm, Activation.Tanh, 2, KernelPaths.Active, seed: 3);
        problem.RunForward();
        problem.Stack.ZeroGradients();
        problem.Stack.Backward(ToFloat(problem.GOutput), [], [], [], [], []);
        float[] once = (float[])problem.Stack.Gradients.Clone();
        problem.Stack.Backward(ToFloat(problem.GOutput), [], [], [], [], []);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], problem.Stack.Gradients[i], 1e-5f * Math.Max(1, Math.Abs(once[i])));
        }
    }

    /// <summary>Central differences of the reference loss in double: (L(v + ε) - L(v - ε)) / 2ε.</summary>
    private static double[] Numeric(double[] values, Func<double[], double> loss)
    {
        const double epsilon = 1e-6;
        double[] gradient = new double[values.Length];
        double[] probe = (double[])values.Clone();
        for (int i = 0; i < values.Length; i++)
        {
            probe[i] = values[i] + epsilon;
            double plus = loss(probe);
            probe[i] = values[i] - epsilon;
            double minus = loss(probe);
            probe[i] = values[i];
            gradient[i] = (plus - minus) / (2 * epsilon);
        }
        return gradient;
    }

    /// <summary>|actual - expected| ≤ 1e-5 + 1e-4·|expected|: far tighter than any indexing or sign error, looser than float rounding.</summary>
    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-5 + 1e-4 * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    /// <summary>A small random problem: a stack, its inputs and the weights of the linear loss.</summary>
    private sealed class Problem
    {
        public required RecurrentStack Stack { get; init; }
        public required double[] Input { get; init; }
        public required double[] InitialHidden { get; init; }
        public required double[] InitialCell { get; init; }
        public required double[] GOutput { get; init; }
        public required double[] GHidden { get; init; }
        public required double[] GCell { get; init; }

        public static Problem Create(CellType cell, Activation activation, int layers, KernelPath path, int seed, bool bidirectional = false)
        {
            Random random = new(seed);
            RecurrentStack stack = new(new RecurrentConfig(cell, InputSize, HiddenSize, layers, activation) { Bidirectional = bidirectional }, KernelSet.For(path));
            // Larger than PyTorch's default init so the nonlinearities are well inside their curved range.
            for (int i = 0; i < stack.Parameters.Length; i++)
            {
                stack.Parameters[i] = (float)(random.NextDouble() * 1.6 - 0.8);
            }
            int state = stack.StateLength(Batch);
            double[] Random(int n) => Enumerable.Range(0, n).Select(_ => (double)(float)(random.NextDouble() * 2 - 1)).ToArray();
            return new Problem
            {
                Stack = stack,
                Input = Random(Steps * Batch * InputSize),
                InitialHidden = Random(state),
                InitialCell = CellKind.Of(cell).HasCellState ? Random(state) : new double[state],
                GOutput = Random(Steps * Batch * stack.Config.OutputSize),
                GHidden = Random(state),
                GCell = Random(state),
            };
        }

        public double[] Parameters() => Stack.Parameters.Select(v => (double)v).ToArray();

        public (float[] Output, float[] FinalHidden, float[] FinalCell) RunForward()
        {
            int state = Stack.StateLength(Batch);
            bool lstm = Stack.Config.Kind.HasCellState;
            float[] output = new float[Steps * Batch * Stack.Config.OutputSize], finalHidden = new float[state], finalCell = lstm ? new float[state] : [];
            Stack.Forward(ToFloat(Input), Steps, Batch, ToFloat(InitialHidden), lstm ? ToFloat(InitialCell) : [], output, finalHidden, finalCell);
            return (output, finalHidden, finalCell);
        }

        public ReferenceRecurrent.Result Reference(double[] parameters, double[] input, double[] initialHidden, double[] initialCell) =>
            ReferenceRecurrent.Forward(Stack.Config, Stack.Tensors, parameters, input, Steps, Batch, initialHidden, initialCell);

        public double Loss(double[] parameters, double[] input, double[] initialHidden, double[] initialCell)
        {
            ReferenceRecurrent.Result result = Reference(parameters, input, initialHidden, initialCell);
            double loss = 0;
            for (int i = 0; i < result.Output.Length; i++) loss += GOutput[i] * result.Output[i];
            for (int i = 0; i < result.FinalHidden.Length; i++) loss += GHidden[i] * result.FinalHidden[i];
            if (Stack.Config.Kind.HasCellState)
            {
                for (int i = 0; i < result.FinalCell.Length; i++) loss += GCell[i] * result.FinalCell[i];
            }
            return loss;
        }
    }
}

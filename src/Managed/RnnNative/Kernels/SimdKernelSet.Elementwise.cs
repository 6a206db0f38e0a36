using RnnNative.Kernels.Cells;
using RnnNative.Kernels.Elementwise;

namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Unary<TVec, TSimd, SigmoidOperator>(x, y, default);

    public override void Tanh(ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Unary<TVec, TSimd, TanhOperator>(x, y, default);

    public override void Relu(ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Unary<TVec, TSimd, ReluOperator>(x, y, default);

    public override void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        => ElementwiseDriver.Binary<TVec, TSimd, TanhBackwardOperator>(y, dy, dx, default);

    public override void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
        => ElementwiseDriver.Binary<TVec, TSimd, ReluBackwardOperator>(y, dy, dx, default);

    public override void AddRowVector(Span<float> x, int rows, ReadOnlySpan<float> v)
        => RowOperations.AddRowVector<TVec, TSimd>(x, rows, v);

    public override void AccumulateColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sums)
        => RowOperations.AccumulateColumnSums<TVec, TSimd>(x, rows, sums);

    public override void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        => ElementwiseDriver.Binary<TVec, TSimd, AddOperator>(a, b, y, default);

    public override void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
        => ElementwiseDriver.Binary<TVec, TSimd, AxpyOperator>(x, y, y, new AxpyOperator(alpha));

    public override void Scale(float alpha, Span<float> x)
        => ElementwiseDriver.Unary<TVec, TSimd, ScaleOperator>(x, x, new ScaleOperator(alpha));

    public override void Clamp(Span<float> x, float min, float max)
        => ElementwiseDriver.Unary<TVec, TSimd, ClampOperator>(x, x, new ClampOperator(min, max));

    public override double SumOfSquares(ReadOnlySpan<float> x)
        => Reductions.SumOfSquares<TVec, TSimd>(x);

    public override void LstmForwardPointwise(Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> tanhCell, Span<float> hidden, int batch, int hiddenSize)
        => LstmPointwise.Forward<TVec, TSimd>(gates, cellPrev, cell, tanhCell, hidden, batch, hiddenSize);

    public override void LstmBackwardPointwise(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int batch, int hiddenSize)
        => LstmPointwise.Backward<TVec, TSimd>(gates, cellPrev, tanhCell, dHidden, dCell, dGates, batch, hiddenSize);

    public override void GruForwardPointwise(Span<float> gates, Span<float> recurrentGates, ReadOnlySpan<float> recurrentBiasN, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int batch, int hiddenSize)
        => GruPointwise.Forward<TVec, TSimd>(gates, recurrentGates, recurrentBiasN, hiddenPrev, hidden, batch, hiddenSize);

    public override void GruBackwardPointwise(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> hiddenPrev, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dRecurrentGates, Span<float> dHiddenPrev, int batch, int hiddenSize)
        => GruPointwise.Backward<TVec, TSimd>(gates, recurrentGates, hiddenPrev, dHidden, dGates, dRecurrentGates, dHiddenPrev, batch, hiddenSize);

    public override double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> targets, Span<float> dLogits, float gradScale)
        => Elementwise.SoftmaxCrossEntropy.Compute<TVec, TSimd>(logits, rows, classes, targets, dLogits, gradScale);

    public override void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
        => Elementwise.SoftmaxCrossEntropy.Softmax<TVec, TSimd>(logits, probabilities);

    public override void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities)
        => Elementwise.SoftmaxCrossEntropy.LogSoftmax<TVec, TSimd>(logits, logProbabilities);

    public override void SoftmaxBackward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dProbabilities, Span<float> dLogits)
        => Elementwise.SoftmaxCrossEntropy.SoftmaxBackward<TVec, TSimd>(probabilities, dProbabilities, dLogits);
}

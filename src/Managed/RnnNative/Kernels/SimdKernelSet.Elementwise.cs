namespace RnnNative.Kernels;

internal sealed partial class SimdKernelSet<TVec, TSimd>
{
    public override void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();

    public override void Tanh(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();

    public override void Relu(ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();

    public override void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

    public override void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => throw new NotImplementedException();

    public override void AddRowVector(Span<float> x, int rows, ReadOnlySpan<float> v) => throw new NotImplementedException();

    public override void AccumulateColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sums) => throw new NotImplementedException();

    public override void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => throw new NotImplementedException();

    public override void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => throw new NotImplementedException();

    public override void Scale(float alpha, Span<float> x) => throw new NotImplementedException();

    public override void Clamp(Span<float> x, float min, float max) => throw new NotImplementedException();

    public override double SumOfSquares(ReadOnlySpan<float> x) => throw new NotImplementedException();

    public override void LstmForwardPointwise(Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> tanhCell, Span<float> hidden, int batch, int hiddenSize) => throw new NotImplementedException();

    public override void LstmBackwardPointwise(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int batch, int hiddenSize) => throw new NotImplementedException();

    public override double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> targets, Span<float> dLogits, float gradScale) => throw new NotImplementedException();

    public override void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities) => throw new NotImplementedException();
}

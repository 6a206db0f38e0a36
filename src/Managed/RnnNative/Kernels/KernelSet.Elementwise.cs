namespace RnnNative.Kernels;

public abstract partial class KernelSet
{
    /// <summary>A target that is not predicted (padding), as PyTorch's <c>ignore_index</c>.</summary>
    public const int IgnoreTarget = -1;

    /// <summary><c>y = 1 / (1 + exp(-x))</c>. In place allowed (x and y the same span).</summary>
    public abstract void Sigmoid(ReadOnlySpan<float> x, Span<float> y);

    /// <summary><c>y = tanh(x)</c>. In place allowed.</summary>
    public abstract void Tanh(ReadOnlySpan<float> x, Span<float> y);

    /// <summary><c>y = max(x, 0)</c>. In place allowed.</summary>
    public abstract void Relu(ReadOnlySpan<float> x, Span<float> y);

    /// <summary><c>dx = dy * (1 - y^2)</c> given y = tanh(x). In place allowed (dx may be dy).</summary>
    public abstract void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary><c>dx = y &gt; 0 ? dy : 0</c> given y = relu(x). In place allowed (dx may be dy).</summary>
    public abstract void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    /// <summary><c>x[r, :] += v</c> for each of <paramref name="rows"/> rows of x [rows, v.Length] (bias add).</summary>
    public abstract void AddRowVector(Span<float> x, int rows, ReadOnlySpan<float> v);

    /// <summary><c>sums[j] += sum over r of x[r, j]</c> for x [rows, sums.Length] (bias gradient);
    /// rows are added in order, so the result is deterministic.</summary>
    public abstract void AccumulateColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sums);

    /// <summary><c>y = a + b</c>. y may be a or b.</summary>
    public abstract void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);

    /// <summary><c>y += alpha * x</c>.</summary>
    public abstract void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y);

    /// <summary><c>x *= alpha</c>.</summary>
    public abstract void Scale(float alpha, Span<float> x);

    /// <summary><c>x = min(max(x, min), max)</c> (gradient clipping by value).</summary>
    public abstract void Clamp(Span<float> x, float min, float max);

    /// <summary>Sum of squares accumulated in double (global-norm clipping).</summary>
    public abstract double SumOfSquares(ReadOnlySpan<float> x);

    /// <summary>
    /// LSTM pointwise forward for a batch, PyTorch gate order (i, f, g, o):
    /// <code>
    /// i = σ(gates_i), f = σ(gates_f), g = tanh(gates_g), o = σ(gates_o)
    /// c = f ⊙ cPrev + i ⊙ g,  tanhC = tanh(c),  h = o ⊙ tanhC
    /// </code>
    /// <paramref name="gates"/> [batch, 4*hidden] holds pre-activations on entry and the activated
    /// gates on exit (kept for the backward pass). Other spans are [batch, hidden].
    /// </summary>
    public abstract void LstmForwardPointwise(Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> tanhCell, Span<float> hidden, int batch, int hiddenSize);

    /// <summary>
    /// LSTM pointwise backward for a batch, the inverse of <see cref="LstmForwardPointwise"/>:
    /// <code>
    /// dc  = dCell + dh ⊙ o ⊙ (1 - tanhC²)
    /// dGates_i = dc ⊙ g ⊙ i(1-i),   dGates_f = dc ⊙ cPrev ⊙ f(1-f)
    /// dGates_g = dc ⊙ i ⊙ (1-g²),   dGates_o = dh ⊙ tanhC ⊙ o(1-o)
    /// dCell  ← dc ⊙ f               (the gradient for the previous step's cell)
    /// </code>
    /// <paramref name="gates"/> are the activated gates [batch, 4*hidden]; <paramref name="dGates"/>
    /// [batch, 4*hidden] receives the pre-activation gradients; other spans are [batch, hidden].
    /// </summary>
    public abstract void LstmBackwardPointwise(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int batch, int hiddenSize);

    /// <summary>
    /// Softmax cross-entropy over <paramref name="rows"/> rows of <paramref name="logits"/> [rows, classes]:
    /// returns the summed loss in nats, <c>Σ_r (log Σ_j exp(z_rj) - z_r,target)</c>, accumulated in
    /// double, and when <paramref name="dLogits"/> is not empty writes
    /// <c>dLogits = gradScale * (softmax(z) - onehot(target))</c>. dLogits may be logits (in place).
    /// A target equal to <see cref="IgnoreTarget"/> adds no loss and gets a zero gradient row (padding);
    /// any other target outside [0, classes) throws <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public abstract double SoftmaxCrossEntropy(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> targets, Span<float> dLogits, float gradScale);

    /// <summary>Softmax of one row: <c>p = exp(z - max z) / Σ exp(z - max z)</c>. In place allowed.</summary>
    public abstract void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities);
}

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
    /// GRU pointwise forward for a batch, PyTorch gate order (r, z, n) and PyTorch's n gate
    /// (<c>b_hn</c> inside the reset product):
    /// <code>
    /// r  = σ(a_r + rec_r),  z = σ(a_z + rec_z)
    /// hn = rec_n + b_hn,    n = tanh(a_n + r ⊙ hn)
    /// h  = (1 - z) ⊙ n + z ⊙ hPrev
    /// </code>
    /// <paramref name="gates"/> [batch, 3*hidden] holds the input side a = x·W_ihᵀ + b_ih + [b_hr, b_hz, 0]
    /// on entry (the r and z blocks carry both biases, the n block b_in only) and the activations
    /// (r, z, n) on exit. <paramref name="recurrentGates"/> [batch, 3*hidden] holds rec = hPrev·W_hhᵀ
    /// (no bias) on entry; on exit its n block is hn (kept for the backward pass) and its r and z
    /// blocks are unchanged. <paramref name="recurrentBiasN"/> [hidden] is b_hn;
    /// <paramref name="hiddenPrev"/> and <paramref name="hidden"/> are [batch, hidden] and must not
    /// overlap (throws <see cref="ArgumentException"/>). Paths differ by rounding only (FMA);
    /// σ and tanh have the error bounds of <c>VectorMath</c> (9e-8 and 4e-7 absolute).
    /// </summary>
    public abstract void GruForwardPointwise(Span<float> gates, Span<float> recurrentGates, ReadOnlySpan<float> recurrentBiasN, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int batch, int hiddenSize);

    /// <summary>
    /// GRU pointwise backward for a batch, the inverse of <see cref="GruForwardPointwise"/>:
    /// <code>
    /// dn = dh ⊙ (1 - z),  da_n = dn ⊙ (1 - n²)
    /// da_z = dh ⊙ (hPrev - n) ⊙ z(1 - z)
    /// dr = da_n ⊙ hn,     da_r = dr ⊙ r(1 - r)
    /// </code>
    /// <paramref name="gates"/> [batch, 3*hidden] are the activations (r, z, n) and the n block of
    /// <paramref name="recurrentGates"/> [batch, 3*hidden] is hn, both as the forward left them;
    /// <paramref name="dHidden"/> [batch, hidden] is the whole dL/dh of this timestep. Written (not added):
    /// <paramref name="dGates"/> [batch, 3*hidden] = [da_r, da_z, da_n], the gradient of the input side
    /// (its rows sum to db_ih); <paramref name="dRecurrentGates"/> [batch, 3*hidden] = [da_r, da_z, r ⊙ da_n],
    /// the gradient of hPrev·W_hhᵀ + b_hh; <paramref name="dHiddenPrev"/> [batch, hidden] = dh ⊙ z, the
    /// direct path only (the caller adds dRecurrentGates · W_hh). dHiddenPrev may be dHidden (in place);
    /// other outputs must not overlap the inputs.
    /// </summary>
    public abstract void GruBackwardPointwise(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> hiddenPrev, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dRecurrentGates, Span<float> dHiddenPrev, int batch, int hiddenSize);

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

    /// <summary>Log-softmax of one row: <c>log p = z - max z - log Σ exp(z - max z)</c>, exact for probabilities far below
    /// float's smallest (no log of a rounded-to-0 p). In place allowed. The sum's lane order differs across paths (rounding).</summary>
    public abstract void LogSoftmax(ReadOnlySpan<float> logits, Span<float> logProbabilities);

    /// <summary>
    /// The gradient through the softmax of one row, given its <paramref name="probabilities"/> p and the
    /// gradient <paramref name="dProbabilities"/> dp reaching them (the Jacobian <c>diag(p) - p pᵀ</c> applied to dp):
    /// <c>dz = p ⊙ (dp - Σ_j p_j dp_j)</c>. Written, not added; dLogits may be dProbabilities (in place).
    /// The dot product sums in float lanes, so paths differ by rounding.
    /// </summary>
    public abstract void SoftmaxBackward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dProbabilities, Span<float> dLogits);
}

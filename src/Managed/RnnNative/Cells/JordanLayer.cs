using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Sizes;

namespace RnnNative.Cells;

/// <summary>
/// A Jordan network (Jordan 1986, "Serial order: a parallel distributed processing approach"): one recurrent
/// layer that feeds back its previous output instead of its hidden state, so it owns its output layer, over a
/// window of T timesteps and B padded sequences (time-major, row t*B + b), with BPTT through the output.
/// <code>
/// forward:  a_t = W_ih x_t + b + W_yh y_{t-1}      [B, H]   (X · W_ihᵀ + b for all T*B rows in one GEMM)
///           h_t = f(a_t)                            f = tanh or relu
///           z_t = W_out h_t + b_out                 [B, O]   the logits
///           y_t = g(z_t)                            g = softmax or identity; y before the first timestep: 0,
///                                                   or the y a language model carries from its previous window
/// backward: dy_t = W_yhᵀ da_{t+1}                   (the feedback; 0 at a sequence's last timestep)
///           dz_t = dLogits_t + J_gᵀ dy_t           softmax: J_gᵀ dy = y ⊙ (dy - Σ y ⊙ dy); identity: dy
///           dh_t = W_outᵀ dz_t,   da_t = dh_t ⊙ f'(h_t)
///           dW_out += dZᵀ H,  db_out += Σ_rows dZ,  dW_ih += dAᵀ X,  dW_yh += dAᵀ [y_{-1} .. y_{T-2}],  db += Σ_rows dA
///           dX = dA · W_ih                          (none reaches the y before the window: truncated BPTT)
/// </code>
/// Past a sequence's length its h, z and y carry its last timestep's values (time-major, so a classifier reads every
/// sequence's final logits in the last timestep's rows, <see cref="FinalLogits"/>); a gradient a loss puts on such a
/// row reaches that last timestep, as the carry's derivative says. The parameters live in one flat vector with
/// PyTorch-style names (<see cref="Tensors"/>); there is no PyTorch module to exchange them with.
/// </summary>
/// <remarks>Not thread-safe: one window at a time per instance. The GEMMs use every engine thread, with
/// results independent of their number.</remarks>
public sealed class JordanLayer
{
    private readonly int _weightYhOffset, _biasOffset, _weightOutOffset, _biasOutOffset;
    private PackedMatrix? _packedFeedback;   // W_yhᵀ [O, H] forward, W_yh [H, O] backward
    private PackedMatrix? _packedOutput;     // W_outᵀ [H, O] forward, W_out [O, H] backward
    private float[] _input = [];        // [T*B, I]: X of the last forward pass, for dW_ih
    private float[] _hidden = [];       // [T*B, H]: a_t, then h_t
    private float[] _logits = [];       // [T*B, O]: z_t
    private float[] _outputs = [];      // [(T+1)*B, O]: block 0 the y before the window (the feedback of the first timestep), block t+1 y_t
    private float[] _dPre = [];         // [T*B, H]: dh_t, then da_t
    private float[] _dLogits = [];      // [T*B, O]: dz_t, the whole gradient of z_t
    private float[] _dFeedback = [];    // [B, O]: dy_t = W_yhᵀ da_{t+1}
    private float[] _dAhead = [];       // [B, O]: the loss's dLogits not yet given to a timestep (rows past a sequence's end)
    private int[] _lengths = [];        // [B]: each sequence's timesteps in the last forward pass
    private int _timesteps;             // T and B of the last forward pass; 0 before the first
    private int _batch;

    /// <summary>A Jordan network reading <paramref name="inputSize"/> features per timestep, with
    /// <paramref name="hiddenSize"/> units of nonlinearity <paramref name="activation"/> and
    /// <paramref name="outputSize"/> outputs through <paramref name="output"/>; its own parameters (zero until
    /// initialized) and gradients, computed with <paramref name="kernels"/> (default: this machine's best path).
    /// g is fixed here, not per window: the gradients follow the g of the forward pass.</summary>
    public JordanLayer(int inputSize, int hiddenSize, int outputSize, Activation activation, JordanOutput output, KernelSet? kernels = null)
        : this(inputSize, hiddenSize, outputSize, activation, output, kernels, sharedParameters: null)
    {
    }

    /// <summary>A layer over <paramref name="sharedParameters"/> (another layer's <see cref="Parameters"/>, not copied),
    /// with its own scratch buffers and no gradients: an inference replica.</summary>
    private JordanLayer(int inputSize, int hiddenSize, int outputSize, Activation activation, JordanOutput output, KernelSet? kernels, float[]? sharedParameters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1, nameof(inputSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputSize, RecurrentConfig.MaxInputSize, nameof(inputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1, nameof(hiddenSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hiddenSize, 1 << 16, nameof(hiddenSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1, nameof(outputSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputSize, 1 << 22, nameof(outputSize));
        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown activation");
        }
        if (!Enum.IsDefined(output))
        {
            throw new ArgumentOutOfRangeException(nameof(output), output, "unknown Jordan output");
        }
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        OutputSize = outputSize;
        Activation = activation;
        Output = output;
        Kernels = kernels ?? KernelSet.Active;
        int parameterCount = ParameterCount(inputSize, hiddenSize, outputSize);
        List<ParameterTensor> tensors = [];
        int offset = 0;
        foreach ((string name, int[] shape) in TensorShapes(inputSize, hiddenSize, outputSize))
        {
            tensors.Add(new ParameterTensor(name, offset, shape));
            offset += tensors[^1].Length;
        }
        Tensors = tensors;
        (_weightYhOffset, _biasOffset, _weightOutOffset, _biasOutOffset) = (tensors[1].Offset, tensors[2].Offset, tensors[3].Offset, tensors[4].Offset);
        Parameters = sharedParameters ?? new float[parameterCount];
        Gradients = sharedParameters is null ? new float[parameterCount] : [];
    }

    /// <summary>H*I + H*O + H + O*H + O: the parameters of a layer of these sizes in one vector (and as many gradients);
    /// throws <see cref="ArgumentOutOfRangeException"/> naming HiddenSize when they do not fit one array.</summary>
    internal static int ParameterCount(int inputSize, int hiddenSize, int outputSize) =>
        BufferLength.Sum("HiddenSize", $"the parameters of a Jordan network (I={inputSize}, H={hiddenSize}, O={outputSize})",
            hiddenSize * (inputSize + 2L * outputSize + 1), outputSize);

    /// <summary>The names and shapes of the parameters, in the order of <see cref="Parameters"/>:
    /// <c>rnn.weight_ih_l0</c> W_ih [H, I], <c>rnn.weight_yh_l0</c> W_yh [H, O], <c>rnn.bias_l0</c> b [H],
    /// <c>decoder.weight</c> W_out [O, H], <c>decoder.bias</c> b_out [O]. Lets a model list them before allocating one.</summary>
    public static IEnumerable<(string Name, int[] Shape)> TensorShapes(int inputSize, int hiddenSize, int outputSize) =>
    [
        ("rnn.weight_ih_l0", [hiddenSize, inputSize]),
        ("rnn.weight_yh_l0", [hiddenSize, outputSize]),
        ("rnn.bias_l0", [hiddenSize]),
        ("decoder.weight", [outputSize, hiddenSize]),
        ("decoder.bias", [outputSize]),
    ];

    /// <summary>A layer that reads this one's weights (shared, so later updates show through) with its own
    /// scratch buffers, so it can run <see cref="Forward"/> on another thread; no gradients, no <see cref="Backward"/>.</summary>
    public JordanLayer CreateInferenceReplica() => new(InputSize, HiddenSize, OutputSize, Activation, Output, Kernels, Parameters);

    /// <summary>I: features of x_t.</summary>
    public int InputSize { get; }

    /// <summary>H: units of h_t.</summary>
    public int HiddenSize { get; }

    /// <summary>O: outputs z_t and y_t (classes, tags or values), which are also what is fed back.</summary>
    public int OutputSize { get; }

    /// <summary>f, the nonlinearity of h_t.</summary>
    public Activation Activation { get; }

    /// <summary>g, the output activation: softmax probabilities or the linear output.</summary>
    public JordanOutput Output { get; }

    /// <summary>The kernels every computation of this layer runs.</summary>
    public KernelSet Kernels { get; }

    /// <summary>All weights and biases, laid out as <see cref="Tensors"/> says.</summary>
    public float[] Parameters { get; }

    /// <summary>dLoss/dParameters, same layout; <see cref="Backward"/> adds to it, <see cref="ZeroGradients"/> clears it.
    /// Empty on an inference replica.</summary>
    public float[] Gradients { get; }

    /// <summary>The parameter tensors (<see cref="TensorShapes"/>) with their offsets in <see cref="Parameters"/>.</summary>
    public IReadOnlyList<ParameterTensor> Tensors { get; }

    /// <summary>Draws every weight and bias from U(-1/sqrt(H), 1/sqrt(H)), in parameter order: PyTorch's default for
    /// nn.RNN's W_ih, W_hh (here W_yh) and biases, and for an nn.Linear of H inputs (the output layer).</summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        float bound = 1f / MathF.Sqrt(HiddenSize);
        for (int i = 0; i < Parameters.Length; i++)
        {
            Parameters[i] = (float)(random.NextDouble() * 2 - 1) * bound;
        }
    }

    /// <summary>Sets every gradient to zero (backward passes add to them).</summary>
    public void ZeroGradients() => Gradients.AsSpan().Clear();

    /// <summary>[T*B, O]: the logits z_t of the last forward pass (a loss reads these).</summary>
    public ReadOnlySpan<float> Logits => _logits.AsSpan(0, _timesteps * _batch * OutputSize);

    /// <summary>[T*B, O]: the outputs y_t = g(z_t) of the last forward pass (probabilities or values).</summary>
    public ReadOnlySpan<float> Outputs => _outputs.AsSpan(_batch * OutputSize, _timesteps * _batch * OutputSize);

    /// <summary>[T*B, H]: the hidden states h_t of the last forward pass.</summary>
    public ReadOnlySpan<float> Hidden => _hidden.AsSpan(0, _timesteps * _batch * HiddenSize);

    /// <summary>[B, O]: every sequence's logits at its own last timestep (the last timestep's rows, which carry them).</summary>
    public ReadOnlySpan<float> FinalLogits => _logits.AsSpan((_timesteps - 1) * _batch * OutputSize, _batch * OutputSize);

    /// <summary>[B, O]: every sequence's output y at its own last timestep.</summary>
    public ReadOnlySpan<float> FinalOutputs => _outputs.AsSpan(_timesteps * _batch * OutputSize, _batch * OutputSize);

    /// <summary>
    /// Runs the window: <paramref name="input"/> [T*B, I] (time-major, row t*B + b; copied, so the caller may reuse it),
    /// <paramref name="lengths"/> [B] each sequence's timesteps in [1, T] (empty: all T). Rows past a sequence's end
    /// are padding: their input is never read into a result (it must be finite), and their h, z and y repeat the
    /// sequence's last timestep. <paramref name="initialOutput"/> [B, O]: the y before the window, which the first timestep feeds back (empty: 0;
    /// a language model passes the y its previous window ended with, <see cref="FinalOutputs"/>). Results are in
    /// <see cref="Logits"/>, <see cref="Outputs"/> and <see cref="Hidden"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, int timesteps, int batch, ReadOnlySpan<int> lengths = default, ReadOnlySpan<float> initialOutput = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 1, nameof(timesteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1, nameof(batch));
        int rows = BufferLength.Of(nameof(timesteps), $"a window of {timesteps} timesteps x {batch} sequences", timesteps, batch);
        BufferLength.Of(nameof(timesteps), $"the inputs and states of a window of {timesteps} timesteps x {batch} sequences", rows + batch, Math.Max(InputSize, Math.Max(HiddenSize, OutputSize)));
        RecurrentStack.CheckLengths(lengths, timesteps, batch);
        RecurrentStack.RequireLength(input, rows * InputSize, nameof(input));
        RecurrentStack.RequireOptionalLength(initialOutput, batch * OutputSize, nameof(initialOutput));
        EnsureWindow(timesteps, batch, lengths);
        input.CopyTo(_input);
        int hiddenSize = HiddenSize, outputSize = OutputSize;

        // a[T*B, H] = X · W_ihᵀ + b
        Span<float> pre = _hidden.AsSpan(0, rows * hiddenSize);
        Kernels.Gemm(false, true, rows, hiddenSize, InputSize, 1f, _input.AsSpan(0, rows * InputSize), InputSize, WeightIh, InputSize, 0f, pre, hiddenSize);
        Kernels.AddRowVector(pre, rows, Parameters.AsSpan(_biasOffset, hiddenSize));

        _packedFeedback = Kernels.PackB(true, outputSize, hiddenSize, WeightYh, outputSize, _packedFeedback);
        _packedOutput = Kernels.PackB(true, hiddenSize, outputSize, WeightOut, hiddenSize, _packedOutput);
        if (initialOutput.IsEmpty) Block(_outputs, outputSize, 0).Clear(); else initialOutput.CopyTo(Block(_outputs, outputSize, 0));
        for (int t = 0; t < timesteps; t++)
        {
            // a_t += y_{t-1} · W_yhᵀ ;  h_t = f(a_t)
            Span<float> hidden = Block(_hidden, hiddenSize, t);
            Kernels.Gemm(false, batch, 1f, Block(_outputs, outputSize, t), outputSize, _packedFeedback, 1f, hidden, hiddenSize);
            if (Activation == Activation.Relu) Kernels.Relu(hidden, hidden); else Kernels.Tanh(hidden, hidden);
            // z_t = h_t · W_outᵀ + b_out ;  y_t = g(z_t), row by row
            Span<float> logits = Block(_logits, outputSize, t);
            Kernels.Gemm(false, batch, 1f, hidden, hiddenSize, _packedOutput, 0f, logits, outputSize);
            Kernels.AddRowVector(logits, batch, Parameters.AsSpan(_biasOutOffset, outputSize));
            for (int b = 0; b < batch; b++)
            {
                if (t >= _lengths[b])
                {
                    // Past the end: h, z and y carry the last timestep's.
                    Row(_hidden, hiddenSize, t - 1, b).CopyTo(Row(_hidden, hiddenSize, t, b));
                    Row(_logits, outputSize, t - 1, b).CopyTo(Row(_logits, outputSize, t, b));
                    Row(_outputs, outputSize, t, b).CopyTo(Row(_outputs, outputSize, t + 1, b));
                }
                else if (Output == JordanOutput.Softmax)
                {
                    Kernels.Softmax(Row(_logits, outputSize, t, b), Row(_outputs, outputSize, t + 1, b));
                }
                else
                {
                    Row(_logits, outputSize, t, b).CopyTo(Row(_outputs, outputSize, t + 1, b));
                }
            }
        }
    }

    /// <summary>
    /// Backpropagates through the window of the last <see cref="Forward"/> and adds every parameter's gradient to
    /// <see cref="Gradients"/>. <paramref name="dLogits"/> [T*B, O]: dLoss/dz_t from the loss, zero where a timestep has
    /// no loss; a row past a sequence's end (which holds its last timestep's z) gives its gradient to that timestep.
    /// Writes <paramref name="dInput"/> [T*B, I] (skipped when empty), zero at padding.
    /// </summary>
    public void Backward(ReadOnlySpan<float> dLogits, Span<float> dInput = default)
    {
        if (_timesteps == 0) throw new InvalidOperationException("Backward needs a Forward pass first.");
        if (Gradients.Length == 0) throw new InvalidOperationException("an inference replica has no gradients: run Backward on the layer it was made from.");
        int timesteps = _timesteps, batch = _batch, rows = timesteps * batch, hiddenSize = HiddenSize, outputSize = OutputSize;
        RecurrentStack.RequireLength(dLogits, rows * outputSize, nameof(dLogits));
        RecurrentStack.RequireOptionalLength(dInput, rows * InputSize, nameof(dInput));

        _packedFeedback = Kernels.PackB(false, hiddenSize, outputSize, WeightYh, outputSize, _packedFeedback);
        _packedOutput = Kernels.PackB(false, outputSize, hiddenSize, WeightOut, hiddenSize, _packedOutput);
        Span<float> dFeedback = _dFeedback.AsSpan(0, batch * outputSize), dAhead = _dAhead.AsSpan(0, batch * outputSize);
        dFeedback.Clear();
        dAhead.Clear();
        for (int t = timesteps - 1; t >= 0; t--)
        {
            // dy_t = da_{t+1} · W_yh (a row whose t+1 is padding has da_{t+1} = 0)
            if (t < timesteps - 1)
            {
                Kernels.Gemm(false, batch, 1f, Block(_dPre, hiddenSize, t + 1), hiddenSize, _packedFeedback, 0f, dFeedback, outputSize);
            }
            // dz_t = dLogits_t (+ those of the padding after it) + J_gᵀ dy_t; zero past the end
            Kernels.Add(dLogits.Slice(t * batch * outputSize, batch * outputSize), dAhead, dAhead);
            for (int b = 0; b < batch; b++)
            {
                Span<float> dz = Row(_dLogits, outputSize, t, b);
                if (t >= _lengths[b])
                {
                    dz.Clear();
                    continue;
                }
                Span<float> dy = dFeedback.Slice(b * outputSize, outputSize), ahead = dAhead.Slice(b * outputSize, outputSize);
                if (Output == JordanOutput.Softmax) Kernels.SoftmaxBackward(Row(_outputs, outputSize, t + 1, b), dy, dz); else dy.CopyTo(dz);
                Kernels.Add(dz, ahead, dz);
                ahead.Clear();
            }
            // dh_t = dz_t · W_out ;  da_t = dh_t ⊙ f'(h_t)
            Span<float> dPre = Block(_dPre, hiddenSize, t);
            Kernels.Gemm(false, batch, 1f, Block(_dLogits, outputSize, t), outputSize, _packedOutput, 0f, dPre, hiddenSize);
            if (Activation == Activation.Relu) Kernels.ReluBackward(Block(_hidden, hiddenSize, t), dPre, dPre); else Kernels.TanhBackward(Block(_hidden, hiddenSize, t), dPre, dPre);
        }

        ReadOnlySpan<float> dZ = _dLogits.AsSpan(0, rows * outputSize), dA = _dPre.AsSpan(0, rows * hiddenSize);
        // dW_out += dZᵀ · H ;  db_out += Σ_rows dZ
        Kernels.Gemm(true, false, outputSize, hiddenSize, rows, 1f, dZ, outputSize, _hidden.AsSpan(0, rows * hiddenSize), hiddenSize, 1f, Gradients.AsSpan(_weightOutOffset, outputSize * hiddenSize), hiddenSize);
        Kernels.AccumulateColumnSums(dZ, rows, Gradients.AsSpan(_biasOutOffset, outputSize));
        // dW_ih += dAᵀ · X ;  dW_yh += dAᵀ · [y_{-1} .. y_{T-2}] (output blocks 0..T-1) ;  db += Σ_rows dA
        Kernels.Gemm(true, false, hiddenSize, InputSize, rows, 1f, dA, hiddenSize, _input.AsSpan(0, rows * InputSize), InputSize, 1f, Gradients.AsSpan(0, hiddenSize * InputSize), InputSize);
        Kernels.Gemm(true, false, hiddenSize, outputSize, rows, 1f, dA, hiddenSize, _outputs.AsSpan(0, rows * outputSize), outputSize, 1f, Gradients.AsSpan(_weightYhOffset, hiddenSize * outputSize), outputSize);
        Kernels.AccumulateColumnSums(dA, rows, Gradients.AsSpan(_biasOffset, hiddenSize));
        if (!dInput.IsEmpty)
        {
            // dX[T*B, I] = dA · W_ih
            Kernels.Gemm(false, false, rows, InputSize, hiddenSize, 1f, dA, hiddenSize, WeightIh, InputSize, 0f, dInput, InputSize);
        }
    }

    private ReadOnlySpan<float> WeightIh => Parameters.AsSpan(0, HiddenSize * InputSize);

    private ReadOnlySpan<float> WeightYh => Parameters.AsSpan(_weightYhOffset, HiddenSize * OutputSize);

    private ReadOnlySpan<float> WeightOut => Parameters.AsSpan(_weightOutOffset, OutputSize * HiddenSize);

    /// <summary>The B rows of block t of a buffer of rows <paramref name="width"/> wide.</summary>
    private Span<float> Block(float[] buffer, int width, int t) => buffer.AsSpan(t * _batch * width, _batch * width);

    /// <summary>Row b of block t of a buffer of rows <paramref name="width"/> wide.</summary>
    private Span<float> Row(float[] buffer, int width, int t, int b) => buffer.AsSpan((t * _batch + b) * width, width);

    /// <summary>Sizes the buffers for a window (growing only) and records its lengths (empty: all T).</summary>
    private void EnsureWindow(int timesteps, int batch, ReadOnlySpan<int> lengths)
    {
        int rows = timesteps * batch;
        if (_hidden.Length < rows * HiddenSize || _outputs.Length < (rows + batch) * OutputSize || _input.Length < rows * InputSize || _lengths.Length < batch)
        {
            _input = new float[rows * InputSize];
            _hidden = new float[rows * HiddenSize];
            _logits = new float[rows * OutputSize];
            _outputs = new float[(rows + batch) * OutputSize];
            _dPre = new float[rows * HiddenSize];
            _dLogits = new float[rows * OutputSize];
            _dFeedback = new float[batch * OutputSize];
            _dAhead = new float[batch * OutputSize];
            _lengths = new int[batch];
        }
        _timesteps = timesteps;
        _batch = batch;
        if (lengths.IsEmpty) _lengths.AsSpan(0, batch).Fill(timesteps); else lengths.CopyTo(_lengths);
    }
}

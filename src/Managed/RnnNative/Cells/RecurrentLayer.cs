using RnnNative.Kernels;
using RnnNative.Kernels.Gemm;
using RnnNative.Kernels.Threading;

namespace RnnNative.Cells;

/// <summary>
/// One recurrent layer over a window of T timesteps and a batch of B sequences: the GEMMs and the
/// window loops, shared by every cell. A cell (<see cref="LstmLayer"/>, <see cref="ElmanLayer"/>)
/// supplies only its pointwise step, forward and backward.
/// <code>
/// forward:  gates[T*B, G*H]  = X[T*B, I] · W_ihᵀ + b_ih + b_hh        (all T timesteps in one GEMM)
///           gates_t[B, G*H] += h_{t-1}[B, H] · W_hhᵀ                 (t = 0..T-1, W_hhᵀ packed once)
///           h_t, (c_t) = cell pointwise(gates_t, h_{t-1}, c_{t-1})
/// backward: dGates_t = cell pointwise backward(dH_t + dh, ...)        (t = T-1..0)
///           dh = dGates_t · W_hh                                      (gradient for h_{t-1})
///           dW_ih += dGatesᵀ · X,  dW_hh += dGatesᵀ · [h_0 .. h_{T-1}], db_ih = db_hh += Σ_rows dGates
///           dX = dGates · W_ih                                        (for the layer below)
/// </code>
/// A cell whose recurrent term is not simply added to the gates (GRU: <c>r ⊙ (W_hn h + b_hn)</c>) keeps it
/// apart: <c>recurrentGates_t = h_{t-1} · W_hhᵀ</c> in its own buffer, and its backward pass gives the
/// gradients of both sides (dW_hh from dRecurrentGates) and writes the direct part of dh_{t-1} itself.
/// A reverse layer (the second direction of a bidirectional stack) runs time backwards, t = T-1..0, from
/// an initial state that follows the last timestep; every buffer stays in time order and only the
/// blocks of the state buffers move (<see cref="PreviousBlock"/>, <see cref="NewBlock"/>).
/// Sequences of a batch may end before the window does (padded batches): with per-row lengths, a row's
/// timesteps at t &gt;= length carry its state through unchanged (its outputs there repeat that state and must
/// not reach a loss) and pass its gradient straight back, as PyTorch's packed sequences do; a reverse
/// layer then starts each row at its own last timestep.
/// The buffers of the last forward pass are kept for the backward pass (BPTT truncated at the window).
/// The B sequences of a batch only share the weights, so each thread runs all T timesteps, both
/// directions, for its own group of batch rows (see <see cref="WindowWork"/>): the steps need no
/// synchronization between threads, where splitting every step's GEMM and pointwise work would
/// need two per step.
/// </summary>
internal abstract class RecurrentLayer
{
    /// <summary>Fewest batch rows a thread takes: one register tile's height, below which a
    /// step's GEMM would mostly compute padding; smaller batches split each step instead.</summary>
    private const int MinimumRowsPerGroup = 8;

    private readonly WindowWork _window;
    private readonly GateRowsWork _gateRows;
    private readonly StepWork _forwardStep;
    private readonly StepWork _backwardStep;
    private PackedMatrix? _packedRecurrent;
    private readonly float[] _biasSum;
    private readonly float[] _dBias;
    private readonly bool _separateRecurrentGates;

    /// <param name="separateRecurrentGates">Keep h_{t-1} · W_hhᵀ apart from the input gates (see the class summary).</param>
    /// <param name="reverse">Run time backwards (see the class summary).</param>
    protected RecurrentLayer(KernelSet kernels, int inputSize, int hiddenSize, int gateCount, int parameterOffset, bool reverse, bool separateRecurrentGates = false)
    {
        Reverse = reverse;
        _separateRecurrentGates = separateRecurrentGates;
        Kernels = kernels;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        GateWidth = gateCount * hiddenSize;
        WeightIhOffset = parameterOffset;
        WeightHhOffset = WeightIhOffset + GateWidth * inputSize;
        BiasIhOffset = WeightHhOffset + GateWidth * hiddenSize;
        BiasHhOffset = BiasIhOffset + GateWidth;
        _biasSum = new float[GateWidth];
        _dBias = new float[GateWidth];
        _window = new WindowWork(this);
        _gateRows = new GateRowsWork(kernels);
        _forwardStep = new StepWork(this, backward: false);
        _backwardStep = new StepWork(this, backward: true);
    }

    protected KernelSet Kernels { get; }

    /// <summary>True when the layer runs time backwards (t = T-1..0).</summary>
    public bool Reverse { get; }

    /// <summary>
    /// The block of a state buffer [(T+1)*B, H] holding the state the step at time t starts from:
    /// forward h_{t-1} at block t (block 0: the initial state); reverse h_{t+1} at block t+1 (block T: the initial state).
    /// </summary>
    protected int PreviousBlock(int t) => Reverse ? t + 1 : t;

    /// <summary>The block of a state buffer [(T+1)*B, H] the step at time t writes: forward t+1, reverse t.</summary>
    protected int NewBlock(int t) => Reverse ? t : t + 1;

    /// <summary>The block of the initial state: forward 0, reverse T.</summary>
    protected int InitialBlock => Reverse ? Timesteps : 0;

    /// <summary>The block of the final state: forward T, reverse 0.</summary>
    protected int FinalBlock => Reverse ? 0 : Timesteps;

    public int InputSize { get; }

    public int HiddenSize { get; }

    /// <summary>G*H: width of the gate pre-activations of one step.</summary>
    public int GateWidth { get; }

    public int WeightIhOffset { get; }

    public int WeightHhOffset { get; }

    public int BiasIhOffset { get; }

    public int BiasHhOffset { get; }

    /// <summary>Parameters of this layer in the flat vector: W_ih, W_hh, b_ih, b_hh.</summary>
    public int ParameterCount => BiasHhOffset + GateWidth - WeightIhOffset;

    protected int Timesteps { get; private set; }

    protected int Batch { get; private set; }

    /// <summary>[(T+1)*B, H]: block 0 is h_0 (the initial state), block t+1 is h_t, the layer's output at step t.</summary>
    public float[] Hidden { get; private set; } = [];

    /// <summary>[T*B, G*H]: pre-activations, then whatever the cell keeps of them for the backward pass.</summary>
    protected float[] Gates { get; private set; } = [];

    /// <summary>[T*B, G*H]: gradients of the loss with respect to the pre-activations.</summary>
    protected float[] DGates { get; private set; } = [];

    /// <summary>[T*B, G*H]: h_{t-1} · W_hhᵀ, then what the cell keeps of it, when kept apart; else empty.</summary>
    protected float[] RecurrentGates { get; private set; } = [];

    /// <summary>[T*B, G*H]: dLoss/d(h_{t-1} · W_hhᵀ + b_hh) when the recurrent gates are kept apart; else <see cref="DGates"/>.</summary>
    protected float[] DRecurrentGates { get; private set; } = [];

    /// <summary>The rows [first, first + count) of step t of a [T*B, G*H] buffer.</summary>
    protected Span<float> GateRows(float[] buffer, int t, int first, int count) => buffer.AsSpan((t * Batch + first) * GateWidth, count * GateWidth);

    /// <summary>The rows [first, first + count) of block t of a [(T+1)*B, H] or [B, H] buffer.</summary>
    protected Span<float> StateRows(float[] buffer, int t, int first, int count) => buffer.AsSpan((t * Batch + first) * HiddenSize, count * HiddenSize);

    /// <summary>[B, H]: the gradient reaching h_t from the layer above and from step t+1, for the step being undone.</summary>
    protected float[] DHiddenTotal { get; private set; } = [];

    /// <summary>[B, H]: the gradient reaching h_{t-1} through W_hh.</summary>
    protected float[] DHiddenCarry { get; private set; } = [];

    // [B, G*H]: per batch row b, Σ_t dGates[t, b] (t = T-1..0), summed by the thread that undoes
    // row b's timesteps while dGates_t is still in its cache; the bias gradient is their column sums.
    private float[] _dBiasRows = [];
    private float[] _dRecurrentBiasRows = [];   // likewise Σ_t dRecurrentGates[t, b], when kept apart

    private unsafe float* _dOutput;   // dOutput of the running Backward, pinned for its pieces
    private int[] _lengths = [];      // [B]: each row's timesteps in the last forward pass, when some end early
    private bool _hasLengths;
    private float[] _input = [];
    private int _inputOffset;
    private bool _inputProjected;   // the last forward got X · W_ihᵀ from the caller (ForwardGathered)

    /// <summary>
    /// Runs the window. <paramref name="input"/> [T*B, I] starting at <paramref name="inputOffset"/>
    /// is kept by reference until <see cref="Backward"/>, so the caller must not change it in between.
    /// <paramref name="initialHidden"/> [B, H] (empty: zeros); <paramref name="initialCell"/> likewise for cells with a cell state;
    /// <paramref name="lengths"/> [B] each row's timesteps, in [1, T] (checked by the caller; empty: all T).
    /// </summary>
    public void Forward(float[] parameters, float[] input, int inputOffset, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, ReadOnlySpan<int> lengths = default)
    {
        ReadOnlySpan<float> hidden0 = BeginWindow(timesteps, batch, initialHidden, initialCell, lengths);
        _input = input;
        _inputOffset = inputOffset;
        _inputProjected = false;
        int rows = timesteps * batch;
        ReadOnlySpan<float> weightIh = parameters.AsSpan(WeightIhOffset, GateWidth * InputSize);

        // gates[T*B, G*H] = X · W_ihᵀ + (b_ih + b_hh)
        Span<float> gates = Gates.AsSpan(0, rows * GateWidth);
        if (rows == 1)
        {
            // One token of one stream (sampling): GEMV reads each weight once where GEMM would first
            // pack (copy) W_ih and W_hh, which costs more than the product itself. Its dot products
            // sum in another order than GEMM's, so results differ from the batched path by rounding.
            // gates = W_ih x + (b_ih + b_hh) + W_hh h_0
            Kernels.Gemv(false, GateWidth, InputSize, 1f, weightIh, InputSize, input.AsSpan(inputOffset, InputSize), 0f, gates);
            Kernels.AddRowVector(gates, 1, SumBiases(parameters));
            Kernels.Gemv(false, GateWidth, HiddenSize, 1f, parameters.AsSpan(WeightHhOffset, GateWidth * HiddenSize), HiddenSize, hidden0,
                _separateRecurrentGates ? 0f : 1f, _separateRecurrentGates ? RecurrentGates.AsSpan(0, GateWidth) : gates);
            ForwardRows(0, 0, 1);
            return;
        }
        Kernels.Gemm(false, true, rows, GateWidth, InputSize, 1f, input.AsSpan(inputOffset, rows * InputSize), InputSize, weightIh, InputSize, 0f, gates, GateWidth);
        _gateRows.AddBias(gates, rows, SumBiases(parameters));
        RunRecurrence(parameters, timesteps, batch);
    }

    /// <summary>
    /// Runs the window from input projections the caller computed once per token:
    /// row r of the window's X · W_ihᵀ is row <c>tokens[r]</c> of <paramref name="tokenGates"/>
    /// [V, G*H] (no biases). A language model's inputs are embeddings of V tokens, so
    /// embedding · W_ihᵀ costs V rows instead of T*B. <see cref="Backward"/> then leaves dW_ih and
    /// dX to the caller, which reads <see cref="InputGateGradients"/>.
    /// </summary>
    public void ForwardGathered(float[] parameters, ReadOnlySpan<float> tokenGates, ReadOnlySpan<int> tokens, int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell)
    {
        BeginWindow(timesteps, batch, initialHidden, initialCell, lengths: default);
        _input = [];
        _inputProjected = true;
        int rows = timesteps * batch;
        _gateRows.GatherAddBias(Gates.AsSpan(0, rows * GateWidth), tokenGates, tokens[..rows], SumBiases(parameters));
        RunRecurrence(parameters, timesteps, batch);
    }

    /// <summary>Sizes the buffers, sets h_0 (and c_0) and the rows' lengths; returns h_0 [B, H].</summary>
    private ReadOnlySpan<float> BeginWindow(int timesteps, int batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, ReadOnlySpan<int> lengths)
    {
        EnsureWindow(timesteps, batch);
        _hasLengths = false;
        foreach (int length in lengths)
        {
            _hasLengths |= length < timesteps;
        }
        if (_hasLengths)
        {
            if (_lengths.Length < batch) _lengths = new int[batch];
            lengths.CopyTo(_lengths);
        }
        Span<float> hidden0 = StateRows(Hidden, InitialBlock, 0, batch);
        if (initialHidden.IsEmpty) hidden0.Clear(); else initialHidden.CopyTo(hidden0);
        SetInitialCell(initialCell);
        return hidden0;
    }

    /// <summary>The bias every row of input gates gets (<see cref="SumBiases(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>).</summary>
    private ReadOnlySpan<float> SumBiases(float[] parameters)
    {
        SumBiases(parameters.AsSpan(BiasIhOffset, GateWidth), parameters.AsSpan(BiasHhOffset, GateWidth), _biasSum);
        return _biasSum;
    }

    /// <summary>The bias of the input gates: b_ih + b_hh, as both enter the pre-activation unchanged. A cell
    /// that keeps part of b_hh with its recurrent gates (GRU's b_hn) sums the rest and keeps that part.</summary>
    protected virtual void SumBiases(ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, Span<float> inputBias) => Kernels.Add(biasIh, biasHh, inputBias);

    /// <summary>Runs the T timesteps from the input gates (projections and biases) in <see cref="Gates"/>.</summary>
    private void RunRecurrence(float[] parameters, int timesteps, int batch)
    {
        ReadOnlySpan<float> weightHh = parameters.AsSpan(WeightHhOffset, GateWidth * HiddenSize);

        _packedRecurrent = Kernels.PackB(true, HiddenSize, GateWidth, weightHh, HiddenSize, _packedRecurrent);
        _window.Backward = false;
        _window.Run(batch, 1);
    }

    /// <summary>The forward timesteps t = 0..T-1 of batch rows [first, first + count).</summary>
    private void ForwardSteps(int first, int count)
    {
        for (int i = 0; i < Timesteps; i++)
        {
            int t = Reverse ? Timesteps - 1 - i : i;
            // gates_t += h_{t-1} · W_hhᵀ, or recurrentGates_t = h_{t-1} · W_hhᵀ when kept apart (reverse: h_{t+1})
            Span<float> target = GateRows(_separateRecurrentGates ? RecurrentGates : Gates, t, first, count);
            Kernels.Gemm(false, count, 1f, StateRows(Hidden, PreviousBlock(t), first, count), HiddenSize, _packedRecurrent!, _separateRecurrentGates ? 0f : 1f, target, GateWidth);
            PointwiseStep(backward: false, t, first, count);
        }
    }

    /// <summary>
    /// Backpropagates through the window of the last <see cref="Forward"/>. Weight and bias
    /// gradients are added to <paramref name="gradients"/> (same layout as the parameters).
    /// <paramref name="dOutput"/> [T*B, H]: dLoss/dh_t from above; <paramref name="dFinalHidden"/> and
    /// <paramref name="dFinalCell"/> [B, H] (empty: zero). Writes <paramref name="dInput"/> [T*B, I]
    /// (skipped when empty), <paramref name="dInitialHidden"/> and <paramref name="dInitialCell"/> [B, H] (skipped when empty).
    /// </summary>
    public void Backward(float[] parameters, float[] gradients, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dFinalHidden, ReadOnlySpan<float> dFinalCell, Span<float> dInput, Span<float> dInitialHidden, Span<float> dInitialCell)
    {
        int timesteps = Timesteps, batch = Batch, rows = timesteps * batch, stateSize = batch * HiddenSize;
        ReadOnlySpan<float> weightIh = parameters.AsSpan(WeightIhOffset, GateWidth * InputSize);
        ReadOnlySpan<float> weightHh = parameters.AsSpan(WeightHhOffset, GateWidth * HiddenSize);

        Span<float> carry = DHiddenCarry.AsSpan(0, stateSize);
        if (dFinalHidden.IsEmpty) carry.Clear(); else dFinalHidden.CopyTo(carry);
        SetFinalCellGradient(dFinalCell);

        _packedRecurrent = Kernels.PackB(false, GateWidth, HiddenSize, weightHh, HiddenSize, _packedRecurrent);
        // The pieces read dOutput through a pointer, past any span's bounds check: check it here.
        ArgumentOutOfRangeException.ThrowIfLessThan(dOutput.Length, rows * HiddenSize, nameof(dOutput));
        unsafe
        {
            fixed (float* pOutput = dOutput)
            {
                // Pinned for the pieces, which cannot hold a span; they finish before the call returns.
                _dOutput = pOutput;
                try
                {
                    _window.Backward = true;
                    _window.Run(batch, 1);
                }
                finally
                {
                    _dOutput = null;
                }
            }
        }
        if (!dInitialHidden.IsEmpty) carry.CopyTo(dInitialHidden);
        GetInitialCellGradient(dInitialCell);

        ReadOnlySpan<float> dGates = DGates.AsSpan(0, rows * GateWidth), dRecurrentGates = DRecurrentGates.AsSpan(0, rows * GateWidth);
        // dW_ih += dGatesᵀ · X ;  dW_hh += dRecurrentGatesᵀ · [h_0 .. h_{T-1}] (reverse: [h_2 .. h_{T+1}], blocks 1..T)
        if (!_inputProjected)
        {
            Kernels.Gemm(true, false, GateWidth, InputSize, rows, 1f, dGates, GateWidth, _input.AsSpan(_inputOffset, rows * InputSize), InputSize, 1f, gradients.AsSpan(WeightIhOffset, GateWidth * InputSize), InputSize);
        }
        Kernels.Gemm(true, false, GateWidth, HiddenSize, rows, 1f, dRecurrentGates, GateWidth, Hidden.AsSpan(PreviousBlock(0) * stateSize, rows * HiddenSize), HiddenSize, 1f, gradients.AsSpan(WeightHhOffset, GateWidth * HiddenSize), HiddenSize);
        // Both biases enter the pre-activation unchanged, so both get Σ_rows dGates (b_hh: Σ_rows
        // dRecurrentGates when kept apart), summed per batch row during the steps (BackwardSteps) and
        // over the B rows here: an order that does not depend on how the rows were split between threads.
        AddBiasGradient(_dBiasRows, batch, gradients.AsSpan(BiasIhOffset, GateWidth));
        AddBiasGradient(_separateRecurrentGates ? _dRecurrentBiasRows : _dBiasRows, batch, gradients.AsSpan(BiasHhOffset, GateWidth));

        if (!dInput.IsEmpty && !_inputProjected)
        {
            // dX[T*B, I] = dGates · W_ih
            Kernels.Gemm(false, false, rows, InputSize, GateWidth, 1f, dGates, GateWidth, weightIh, InputSize, 0f, dInput, InputSize);
        }
    }

    /// <summary>gradient += the column sums of <paramref name="rowSums"/> [B, G*H].</summary>
    private void AddBiasGradient(float[] rowSums, int batch, Span<float> gradient)
    {
        _dBias.AsSpan().Clear();
        Kernels.AccumulateColumnSums(rowSums.AsSpan(0, batch * GateWidth), batch, _dBias);
        Kernels.Axpy(1f, _dBias, gradient);
    }

    /// <summary>The backward timesteps t = T-1..0 of batch rows [first, first + count).</summary>
    private unsafe void BackwardSteps(int first, int count)
    {
        int rowStart = first * HiddenSize, length = count * HiddenSize, stateSize = Batch * HiddenSize;
        Span<float> carry = DHiddenCarry.AsSpan(rowStart, length);
        Span<float> dBiasRows = _dBiasRows.AsSpan(first * GateWidth, count * GateWidth);
        Span<float> dRecurrentBiasRows = _separateRecurrentGates ? _dRecurrentBiasRows.AsSpan(first * GateWidth, count * GateWidth) : [];
        dBiasRows.Clear();
        dRecurrentBiasRows.Clear();
        for (int i = Timesteps - 1; i >= 0; i--)
        {
            int t = Reverse ? Timesteps - 1 - i : i;
            ReadOnlySpan<float> dOutput = new(_dOutput + t * stateSize + rowStart, length);
            Kernels.Add(dOutput, carry, DHiddenTotal.AsSpan(rowStart, length));
            PointwiseStep(backward: true, t, first, count);
            Kernels.Add(GateRows(DGates, t, first, count), dBiasRows, dBiasRows);
            if (_separateRecurrentGates)
            {
                Kernels.Add(GateRows(DRecurrentGates, t, first, count), dRecurrentBiasRows, dRecurrentBiasRows);
            }
            // dh_{t-1} = dRecurrentGates_t · W_hh, added to the direct part the cell wrote when its gates are kept apart
            Kernels.Gemm(false, count, 1f, GateRows(DRecurrentGates, t, first, count), GateWidth, _packedRecurrent!, _separateRecurrentGates ? 1f : 0f, carry, HiddenSize);
            if (_hasLengths)
            {
                // A row past its end carried its state: the gradient passes straight back.
                for (int row = first; row < first + count; row++)
                {
                    if (t >= _lengths[row]) StateRows(DHiddenTotal, 0, row, 1).CopyTo(StateRows(DHiddenCarry, 0, row, 1));
                }
            }
        }
    }

    /// <summary>dLoss/d(X · W_ihᵀ) [T*B, G*H] after <see cref="Backward"/>: for a caller that fed
    /// <see cref="ForwardGathered"/>, the gradient it turns into dW_ih and dX itself.</summary>
    public ReadOnlySpan<float> InputGateGradients => DGates.AsSpan(0, Timesteps * Batch * GateWidth);

    /// <summary>h_T [B, H] of the last forward pass.</summary>
    public ReadOnlySpan<float> FinalHidden => StateRows(Hidden, FinalBlock, 0, Batch);

    /// <summary>The outputs of timesteps 0..T-1 [T*B, H] of the last forward pass, in time order.</summary>
    public ReadOnlySpan<float> Output => Hidden.AsSpan(OutputOffset, Timesteps * Batch * HiddenSize);

    /// <summary>Offset of the outputs inside <see cref="Hidden"/>: after the initial state forward, before it reverse.</summary>
    public int OutputOffset => Reverse ? 0 : Batch * HiddenSize;

    /// <summary>c_T [B, H] for cells with a cell state; empty otherwise.</summary>
    public virtual ReadOnlySpan<float> FinalCell => [];

    /// <summary>Cell pointwise forward of step <paramref name="t"/> for batch rows [first, first + count):
    /// reads gates_t (pre-activations, recurrent term included), writes h_t into <see cref="Hidden"/>.</summary>
    protected abstract void ForwardRows(int t, int first, int count);

    /// <summary>Cell pointwise backward of step <paramref name="t"/> for batch rows [first, first + count):
    /// reads <see cref="DHiddenTotal"/> (dLoss/dh_t), writes dGates_t into <see cref="DGates"/>; a cell whose
    /// recurrent gates are kept apart also writes <see cref="DRecurrentGates"/> and the direct part of
    /// dLoss/dh_{t-1} (not through W_hh) into <see cref="DHiddenCarry"/>.</summary>
    protected abstract void BackwardRows(int t, int first, int count);

    /// <summary>Sizes cell-specific buffers for a window; called when the window grows.</summary>
    protected virtual void AllocateCellBuffers(int rows, int batch)
    {
    }

    protected virtual void SetInitialCell(ReadOnlySpan<float> initialCell)
    {
    }

    protected virtual void SetFinalCellGradient(ReadOnlySpan<float> dFinalCell)
    {
    }

    protected virtual void GetInitialCellGradient(Span<float> dInitialCell)
    {
    }

    private void EnsureWindow(int timesteps, int batch)
    {
        int rows = timesteps * batch;
        bool fits = Gates.Length >= rows * GateWidth && Hidden.Length >= (rows + batch) * HiddenSize && DHiddenTotal.Length >= batch * HiddenSize;
        if (!fits)
        {
            Hidden = new float[(rows + batch) * HiddenSize];
            Gates = new float[rows * GateWidth];
            DGates = new float[rows * GateWidth];
            RecurrentGates = _separateRecurrentGates ? new float[rows * GateWidth] : [];
            DRecurrentGates = _separateRecurrentGates ? new float[rows * GateWidth] : DGates;
            _dRecurrentBiasRows = _separateRecurrentGates ? new float[batch * GateWidth] : [];
            DHiddenTotal = new float[batch * HiddenSize];
            DHiddenCarry = new float[batch * HiddenSize];
            _dBiasRows = new float[batch * GateWidth];
            AllocateCellBuffers(rows, batch);
        }
        Timesteps = timesteps;
        Batch = batch;
    }

    /// <summary>The pointwise step t of rows [first, first + count): spread over the threads when
    /// these are the whole batch (one group), on this thread when other groups run beside it.</summary>
    private void PointwiseStep(bool backward, int t, int first, int count)
    {
        if (count == Batch)
        {
            (backward ? _backwardStep : _forwardStep).RunStep(t, count);
        }
        else
        {
            CellRows(backward, t, first, count);
        }
    }

    /// <summary>The cell's pointwise step t of rows [first, first + count), in runs of rows that have not
    /// ended; a row past its end carries its state (forward) or gets no gate gradients (backward).</summary>
    private void CellRows(bool backward, int t, int first, int count)
    {
        int end = first + count;
        for (int row = first; row < end;)
        {
            if (_hasLengths && t >= _lengths[row])
            {
                if (backward)
                {
                    GateRows(DGates, t, row, 1).Clear();
                    GateRows(DRecurrentGates, t, row, 1).Clear();
                }
                else
                {
                    CarryRow(t, row);
                }
                row++;
                continue;
            }
            int runEnd = row + 1;
            while (runEnd < end && !(_hasLengths && t >= _lengths[runEnd])) runEnd++;
            if (backward) BackwardRows(t, row, runEnd - row); else ForwardRows(t, row, runEnd - row);
            row = runEnd;
        }
    }

    /// <summary>Row <paramref name="row"/> has ended before timestep t: its state passes through unchanged.</summary>
    protected virtual void CarryRow(int t, int row) => StateRows(Hidden, PreviousBlock(t), row, 1).CopyTo(StateRows(Hidden, NewBlock(t), row, 1));

    /// <summary>
    /// The timesteps of a window, cut into groups of at least <see cref="MinimumRowsPerGroup"/> batch
    /// rows, one per thread; each group runs every step of its rows (a step's GEMM and pointwise
    /// work then run on that thread alone). Rows are computed the same whatever group they fall
    /// in, so results do not depend on the thread count.
    /// </summary>
    private sealed class WindowWork(RecurrentLayer layer) : RowParallelWork
    {
        public bool Backward { get; set; }

        protected override int MinimumElementsPerPiece => MinimumRowsPerGroup;

        protected override void RunRows(int first, int count)
        {
            if (Backward)
            {
                layer.BackwardSteps(first, count);
            }
            else
            {
                layer.ForwardSteps(first, count);
            }
        }
    }

    /// <summary>The pointwise step of the whole batch as row pieces for the worker team; one per direction, reused.</summary>
    private sealed class StepWork(RecurrentLayer layer, bool backward) : RowParallelWork
    {
        private int _step;

        public void RunStep(int step, int rows)
        {
            _step = step;
            Run(rows, layer.GateWidth);
        }

        protected override void RunRows(int first, int count) => layer.CellRows(backward, _step, first, count);
    }
}

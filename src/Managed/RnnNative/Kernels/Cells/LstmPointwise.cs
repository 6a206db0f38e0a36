using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Cells;

/// <summary>
/// The LSTM cell's elementwise part, fused: one pass per batch row reads the four gate blocks
/// (i, f, g, o, PyTorch order) at the same column j of the row <c>gates[b, :]</c> [4H] together with
/// the [H] state rows, so each element is loaded and stored once. The step functions are the math;
/// the loops only walk columns (registers, then a scalar remainder running the same step).
/// </summary>
internal static class LstmPointwise
{
    /// <summary>See <see cref="KernelSet.LstmForwardPointwise"/>.</summary>
    public static void Forward<TVec, TSimd>(Span<float> gates, ReadOnlySpan<float> cellPrev, Span<float> cell, Span<float> tanhCell, Span<float> hidden, int batch, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        CheckShapes(gates.Length, batch, hiddenSize);
        long stateSize = (long)batch * hiddenSize;
        KernelArguments.AtLeast(cellPrev.Length, stateSize, nameof(cellPrev), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(cell.Length, stateSize, nameof(cell), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(tanhCell.Length, stateSize, nameof(tanhCell), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(hidden.Length, stateSize, nameof(hidden), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");

        int width = TSimd.Count;
        for (int b = 0; b < batch; b++)
        {
            ref float gatesRow = ref MemoryMarshal.GetReference(gates.Slice(b * 4 * hiddenSize));
            ref float cellPrevRow = ref MemoryMarshal.GetReference(cellPrev.Slice(b * hiddenSize));
            ref float cellRow = ref MemoryMarshal.GetReference(cell.Slice(b * hiddenSize));
            ref float tanhCellRow = ref MemoryMarshal.GetReference(tanhCell.Slice(b * hiddenSize));
            ref float hiddenRow = ref MemoryMarshal.GetReference(hidden.Slice(b * hiddenSize));
            int j = 0;
            for (; j <= hiddenSize - width; j += width)
            {
                ForwardStep<TVec, TSimd>(ref gatesRow, in cellPrevRow, ref cellRow, ref tanhCellRow, ref hiddenRow, j, hiddenSize);
            }
            for (; j < hiddenSize; j++)
            {
                ForwardStep<float, ScalarSimd>(ref gatesRow, in cellPrevRow, ref cellRow, ref tanhCellRow, ref hiddenRow, j, hiddenSize);
            }
        }
    }

    /// <summary>See <see cref="KernelSet.LstmBackwardPointwise"/>.</summary>
    public static void Backward<TVec, TSimd>(ReadOnlySpan<float> gates, ReadOnlySpan<float> cellPrev, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, int batch, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        CheckShapes(gates.Length, batch, hiddenSize);
        long stateSize = (long)batch * hiddenSize;
        KernelArguments.AtLeast(dGates.Length, 4 * stateSize, nameof(dGates), $"[{batch}, 4 * {hiddenSize}] (batch, 4 * hiddenSize)");
        KernelArguments.AtLeast(cellPrev.Length, stateSize, nameof(cellPrev), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(tanhCell.Length, stateSize, nameof(tanhCell), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(dHidden.Length, stateSize, nameof(dHidden), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(dCell.Length, stateSize, nameof(dCell), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");

        int width = TSimd.Count;
        for (int b = 0; b < batch; b++)
        {
            ref float gatesRow = ref MemoryMarshal.GetReference(gates.Slice(b * 4 * hiddenSize));
            ref float dGatesRow = ref MemoryMarshal.GetReference(dGates.Slice(b * 4 * hiddenSize));
            ref float cellPrevRow = ref MemoryMarshal.GetReference(cellPrev.Slice(b * hiddenSize));
            ref float tanhCellRow = ref MemoryMarshal.GetReference(tanhCell.Slice(b * hiddenSize));
            ref float dHiddenRow = ref MemoryMarshal.GetReference(dHidden.Slice(b * hiddenSize));
            ref float dCellRow = ref MemoryMarshal.GetReference(dCell.Slice(b * hiddenSize));
            int j = 0;
            for (; j <= hiddenSize - width; j += width)
            {
                BackwardStep<TVec, TSimd>(in gatesRow, in cellPrevRow, in tanhCellRow, in dHiddenRow, ref dCellRow, ref dGatesRow, j, hiddenSize);
            }
            for (; j < hiddenSize; j++)
            {
                BackwardStep<float, ScalarSimd>(in gatesRow, in cellPrevRow, in tanhCellRow, in dHiddenRow, ref dCellRow, ref dGatesRow, j, hiddenSize);
            }
        }
    }

    private static void CheckShapes(int gatesLength, int batch, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenSize);
        KernelArguments.AtLeast(gatesLength, 4L * batch * hiddenSize, "gates", $"[{batch}, 4 * {hiddenSize}] (batch, 4 * hiddenSize)");
    }

    // i = σ(gates_i), f = σ(gates_f), g = tanh(gates_g), o = σ(gates_o)
    // c = f ⊙ cPrev + i ⊙ g,  tanhC = tanh(c),  h = o ⊙ tanhC
    // gates keeps the activated values for the backward pass.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardStep<TVec, TSimd>(ref float gates, ref readonly float cellPrev, ref float cell, ref float tanhCell, ref float hidden, int j, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        ref float gateI = ref Unsafe.Add(ref gates, j);
        ref float gateF = ref Unsafe.Add(ref gates, hiddenSize + j);
        ref float gateG = ref Unsafe.Add(ref gates, 2 * hiddenSize + j);
        ref float gateO = ref Unsafe.Add(ref gates, 3 * hiddenSize + j);
        TVec i = VectorMath.Sigmoid<TVec, TSimd>(TSimd.Load(in gateI));
        TVec f = VectorMath.Sigmoid<TVec, TSimd>(TSimd.Load(in gateF));
        TVec g = VectorMath.Tanh<TVec, TSimd>(TSimd.Load(in gateG));
        TVec o = VectorMath.Sigmoid<TVec, TSimd>(TSimd.Load(in gateO));
        TVec c = TSimd.MultiplyAdd(f, TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in cellPrev), j)), TSimd.Multiply(i, g));
        TVec tanhC = VectorMath.Tanh<TVec, TSimd>(c);

        TSimd.Store(i, ref gateI);
        TSimd.Store(f, ref gateF);
        TSimd.Store(g, ref gateG);
        TSimd.Store(o, ref gateO);
        TSimd.Store(c, ref Unsafe.Add(ref cell, j));
        TSimd.Store(tanhC, ref Unsafe.Add(ref tanhCell, j));
        TSimd.Store(TSimd.Multiply(o, tanhC), ref Unsafe.Add(ref hidden, j));
    }

    // dc  = dCell + dh ⊙ o ⊙ (1 - tanhC²)
    // dGates_i = dc ⊙ g ⊙ i(1-i),   dGates_f = dc ⊙ cPrev ⊙ f(1-f)
    // dGates_g = dc ⊙ i ⊙ (1-g²),   dGates_o = dh ⊙ tanhC ⊙ o(1-o)
    // dCell  ← dc ⊙ f
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardStep<TVec, TSimd>(ref readonly float gates, ref readonly float cellPrev, ref readonly float tanhCell, ref readonly float dHidden, ref float dCell, ref float dGates, int j, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec one = TSimd.Broadcast(1f);
        ref float gatesRef = ref Unsafe.AsRef(in gates);
        TVec i = TSimd.Load(in Unsafe.Add(ref gatesRef, j));
        TVec f = TSimd.Load(in Unsafe.Add(ref gatesRef, hiddenSize + j));
        TVec g = TSimd.Load(in Unsafe.Add(ref gatesRef, 2 * hiddenSize + j));
        TVec o = TSimd.Load(in Unsafe.Add(ref gatesRef, 3 * hiddenSize + j));
        TVec cPrev = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in cellPrev), j));
        TVec tanhC = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in tanhCell), j));
        TVec dh = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in dHidden), j));
        ref float dCellJ = ref Unsafe.Add(ref dCell, j);

        TVec dhTimesO = TSimd.Multiply(dh, o);
        TVec dc = TSimd.MultiplyAdd(dhTimesO, TSimd.Subtract(one, TSimd.Multiply(tanhC, tanhC)), TSimd.Load(in dCellJ));
        TVec dGateI = TSimd.Multiply(TSimd.Multiply(dc, g), TSimd.Multiply(i, TSimd.Subtract(one, i)));
        TVec dGateF = TSimd.Multiply(TSimd.Multiply(dc, cPrev), TSimd.Multiply(f, TSimd.Subtract(one, f)));
        TVec dGateG = TSimd.Multiply(TSimd.Multiply(dc, i), TSimd.Subtract(one, TSimd.Multiply(g, g)));
        TVec dGateO = TSimd.Multiply(TSimd.Multiply(dh, tanhC), TSimd.Multiply(o, TSimd.Subtract(one, o)));

        TSimd.Store(dGateI, ref Unsafe.Add(ref dGates, j));
        TSimd.Store(dGateF, ref Unsafe.Add(ref dGates, hiddenSize + j));
        TSimd.Store(dGateG, ref Unsafe.Add(ref dGates, 2 * hiddenSize + j));
        TSimd.Store(dGateO, ref Unsafe.Add(ref dGates, 3 * hiddenSize + j));
        TSimd.Store(TSimd.Multiply(dc, f), ref dCellJ);
    }
}

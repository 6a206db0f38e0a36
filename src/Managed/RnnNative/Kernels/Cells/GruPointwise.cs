using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Elementwise;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Cells;

/// <summary>
/// The GRU cell's elementwise part, fused: one pass per batch row reads the three gate blocks
/// (r, z, n, PyTorch order) of the input-side row <c>gates[b, :]</c> [3H] and of the recurrent row
/// <c>recurrentGates[b, :]</c> [3H] at the same column j, with the [H] state rows, so each element is
/// loaded and stored once. The input and recurrent sides stay apart because n needs
/// <c>r ⊙ (W_hn h + b_hn)</c>, not the sum of both sides. The step functions are the math; the loops
/// only walk columns (registers, then a scalar remainder running the same step).
/// </summary>
internal static class GruPointwise
{
    /// <summary>See <see cref="KernelSet.GruForwardPointwise"/>.</summary>
    public static void Forward<TVec, TSimd>(Span<float> gates, Span<float> recurrentGates, ReadOnlySpan<float> recurrentBiasN, ReadOnlySpan<float> hiddenPrev, Span<float> hidden, int batch, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        CheckShapes(gates.Length, recurrentGates.Length, nameof(gates), nameof(recurrentGates), batch, hiddenSize);
        long stateSize = (long)batch * hiddenSize;
        KernelArguments.AtLeast(recurrentBiasN.Length, hiddenSize, nameof(recurrentBiasN), $"[{hiddenSize}] (hiddenSize)");
        KernelArguments.AtLeast(hiddenPrev.Length, stateSize, nameof(hiddenPrev), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(hidden.Length, stateSize, nameof(hidden), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.Disjoint(hiddenPrev[..(int)stateSize], hidden[..(int)stateSize], nameof(hiddenPrev), nameof(hidden));

        int width = TSimd.Count;
        ref float biasN = ref MemoryMarshal.GetReference(recurrentBiasN);
        for (int b = 0; b < batch; b++)
        {
            ref float gatesRow = ref MemoryMarshal.GetReference(gates.Slice(b * 3 * hiddenSize));
            ref float recurrentRow = ref MemoryMarshal.GetReference(recurrentGates.Slice(b * 3 * hiddenSize));
            ref float hiddenPrevRow = ref MemoryMarshal.GetReference(hiddenPrev.Slice(b * hiddenSize));
            ref float hiddenRow = ref MemoryMarshal.GetReference(hidden.Slice(b * hiddenSize));
            int j = 0;
            for (; j <= hiddenSize - width; j += width)
            {
                ForwardStep<TVec, TSimd>(ref gatesRow, ref recurrentRow, in biasN, in hiddenPrevRow, ref hiddenRow, j, hiddenSize);
            }
            for (; j < hiddenSize; j++)
            {
                ForwardStep<float, ScalarSimd>(ref gatesRow, ref recurrentRow, in biasN, in hiddenPrevRow, ref hiddenRow, j, hiddenSize);
            }
        }
    }

    /// <summary>See <see cref="KernelSet.GruBackwardPointwise"/>.</summary>
    public static void Backward<TVec, TSimd>(ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrentGates, ReadOnlySpan<float> hiddenPrev, ReadOnlySpan<float> dHidden, Span<float> dGates, Span<float> dRecurrentGates, Span<float> dHiddenPrev, int batch, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        CheckShapes(gates.Length, recurrentGates.Length, nameof(gates), nameof(recurrentGates), batch, hiddenSize);
        CheckShapes(dGates.Length, dRecurrentGates.Length, nameof(dGates), nameof(dRecurrentGates), batch, hiddenSize);
        long stateSize = (long)batch * hiddenSize;
        KernelArguments.AtLeast(hiddenPrev.Length, stateSize, nameof(hiddenPrev), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(dHidden.Length, stateSize, nameof(dHidden), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.AtLeast(dHiddenPrev.Length, stateSize, nameof(dHiddenPrev), $"[{batch}, {hiddenSize}] (batch, hiddenSize)");
        KernelArguments.InPlaceOrDisjoint(dHidden[..(int)stateSize], dHiddenPrev[..(int)stateSize], nameof(dHidden), nameof(dHiddenPrev));

        int width = TSimd.Count;
        for (int b = 0; b < batch; b++)
        {
            ref float gatesRow = ref MemoryMarshal.GetReference(gates.Slice(b * 3 * hiddenSize));
            ref float recurrentRow = ref MemoryMarshal.GetReference(recurrentGates.Slice(b * 3 * hiddenSize));
            ref float hiddenPrevRow = ref MemoryMarshal.GetReference(hiddenPrev.Slice(b * hiddenSize));
            ref float dHiddenRow = ref MemoryMarshal.GetReference(dHidden.Slice(b * hiddenSize));
            ref float dGatesRow = ref MemoryMarshal.GetReference(dGates.Slice(b * 3 * hiddenSize));
            ref float dRecurrentRow = ref MemoryMarshal.GetReference(dRecurrentGates.Slice(b * 3 * hiddenSize));
            ref float dHiddenPrevRow = ref MemoryMarshal.GetReference(dHiddenPrev.Slice(b * hiddenSize));
            int j = 0;
            for (; j <= hiddenSize - width; j += width)
            {
                BackwardStep<TVec, TSimd>(in gatesRow, in recurrentRow, in hiddenPrevRow, in dHiddenRow, ref dGatesRow, ref dRecurrentRow, ref dHiddenPrevRow, j, hiddenSize);
            }
            for (; j < hiddenSize; j++)
            {
                BackwardStep<float, ScalarSimd>(in gatesRow, in recurrentRow, in hiddenPrevRow, in dHiddenRow, ref dGatesRow, ref dRecurrentRow, ref dHiddenPrevRow, j, hiddenSize);
            }
        }
    }

    private static void CheckShapes(int gatesLength, int recurrentGatesLength, string gatesName, string recurrentGatesName, int batch, int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenSize);
        long gateSize = 3L * batch * hiddenSize;
        KernelArguments.AtLeast(gatesLength, gateSize, gatesName, $"[{batch}, 3 * {hiddenSize}] (batch, 3 * hiddenSize)");
        KernelArguments.AtLeast(recurrentGatesLength, gateSize, recurrentGatesName, $"[{batch}, 3 * {hiddenSize}] (batch, 3 * hiddenSize)");
    }

    // r = σ(a_r + rec_r),  z = σ(a_z + rec_z),  hn = rec_n + b_hn,  n = tanh(a_n + r ⊙ hn)
    // h = (1 - z) ⊙ n + z ⊙ hPrev, computed as n + z ⊙ (hPrev - n) (one FMA)
    // gates keeps (r, z, n) and recurrentGates' n block keeps hn for the backward pass.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardStep<TVec, TSimd>(ref float gates, ref float recurrentGates, ref readonly float recurrentBiasN, ref readonly float hiddenPrev, ref float hidden, int j, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        ref float gateR = ref Unsafe.Add(ref gates, j);
        ref float gateZ = ref Unsafe.Add(ref gates, hiddenSize + j);
        ref float gateN = ref Unsafe.Add(ref gates, 2 * hiddenSize + j);
        ref float recurrentN = ref Unsafe.Add(ref recurrentGates, 2 * hiddenSize + j);
        TVec r = VectorMath.Sigmoid<TVec, TSimd>(TSimd.Add(TSimd.Load(in gateR), TSimd.Load(in Unsafe.Add(ref recurrentGates, j))));
        TVec z = VectorMath.Sigmoid<TVec, TSimd>(TSimd.Add(TSimd.Load(in gateZ), TSimd.Load(in Unsafe.Add(ref recurrentGates, hiddenSize + j))));
        TVec hn = TSimd.Add(TSimd.Load(in recurrentN), TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in recurrentBiasN), j)));
        TVec n = VectorMath.Tanh<TVec, TSimd>(TSimd.MultiplyAdd(r, hn, TSimd.Load(in gateN)));
        TVec hPrev = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in hiddenPrev), j));

        TSimd.Store(r, ref gateR);
        TSimd.Store(z, ref gateZ);
        TSimd.Store(n, ref gateN);
        TSimd.Store(hn, ref recurrentN);
        TSimd.Store(TSimd.MultiplyAdd(z, TSimd.Subtract(hPrev, n), n), ref Unsafe.Add(ref hidden, j));
    }

    // dn = dh ⊙ (1 - z),  da_n = dn ⊙ (1 - n²)
    // da_z = dh ⊙ (hPrev - n) ⊙ z(1 - z)
    // dr = da_n ⊙ hn,  da_r = dr ⊙ r(1 - r)
    // dGates = [da_r, da_z, da_n],  dRecurrentGates = [da_r, da_z, r ⊙ da_n],  dHiddenPrev = dh ⊙ z
    // All loads come before the first store, so dHiddenPrev may be dHidden.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardStep<TVec, TSimd>(ref readonly float gates, ref readonly float recurrentGates, ref readonly float hiddenPrev, ref readonly float dHidden, ref float dGates, ref float dRecurrentGates, ref float dHiddenPrev, int j, int hiddenSize)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec one = TSimd.Broadcast(1f);
        ref float gatesRef = ref Unsafe.AsRef(in gates);
        TVec r = TSimd.Load(in Unsafe.Add(ref gatesRef, j));
        TVec z = TSimd.Load(in Unsafe.Add(ref gatesRef, hiddenSize + j));
        TVec n = TSimd.Load(in Unsafe.Add(ref gatesRef, 2 * hiddenSize + j));
        TVec hn = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in recurrentGates), 2 * hiddenSize + j));
        TVec hPrev = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in hiddenPrev), j));
        TVec dh = TSimd.Load(in Unsafe.Add(ref Unsafe.AsRef(in dHidden), j));

        TVec dGateN = TSimd.Multiply(TSimd.Multiply(dh, TSimd.Subtract(one, z)), TSimd.Subtract(one, TSimd.Multiply(n, n)));
        TVec dGateZ = TSimd.Multiply(TSimd.Multiply(dh, TSimd.Subtract(hPrev, n)), TSimd.Multiply(z, TSimd.Subtract(one, z)));
        TVec dGateR = TSimd.Multiply(TSimd.Multiply(dGateN, hn), TSimd.Multiply(r, TSimd.Subtract(one, r)));

        TSimd.Store(dGateR, ref Unsafe.Add(ref dGates, j));
        TSimd.Store(dGateZ, ref Unsafe.Add(ref dGates, hiddenSize + j));
        TSimd.Store(dGateN, ref Unsafe.Add(ref dGates, 2 * hiddenSize + j));
        TSimd.Store(dGateR, ref Unsafe.Add(ref dRecurrentGates, j));
        TSimd.Store(dGateZ, ref Unsafe.Add(ref dRecurrentGates, hiddenSize + j));
        TSimd.Store(TSimd.Multiply(r, dGateN), ref Unsafe.Add(ref dRecurrentGates, 2 * hiddenSize + j));
        TSimd.Store(TSimd.Multiply(dh, z), ref Unsafe.Add(ref dHiddenPrev, j));
    }
}

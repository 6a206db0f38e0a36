using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>
/// The loops for optimizer steps: one pass loading weight, gradient and state(s) of a column,
/// updating them in registers and storing weight and state(s) back. Not unrolled: with four or five
/// streams per element the step is bound by memory, not by the few FMAs per register. Scalar
/// remainder with the same operator; every span must have exactly weights.Length elements.
/// </summary>
internal static class ParameterUpdateDriver
{
    public static void Run<TVec, TSimd, TUpdate>(
        Span<float> weights,
        ReadOnlySpan<float> gradients,
        Span<float> state,
        TUpdate update,
        [CallerArgumentExpression(nameof(state))] string stateName = "")
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        where TUpdate : struct, IParameterUpdate
    {
        KernelArguments.SameLength(weights.Length, gradients.Length, nameof(weights), nameof(gradients));
        KernelArguments.SameLength(weights.Length, state.Length, nameof(weights), stateName);

        int width = TSimd.Count;
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        ref float sRef = ref MemoryMarshal.GetReference(state);
        int k = 0;
        for (; k <= weights.Length - width; k += width)
        {
            TVec w = TSimd.Load(in Unsafe.Add(ref wRef, k));
            TVec s = TSimd.Load(in Unsafe.Add(ref sRef, k));
            update.Invoke<TVec, TSimd>(ref w, TSimd.Load(in Unsafe.Add(ref gRef, k)), ref s);
            TSimd.Store(w, ref Unsafe.Add(ref wRef, k));
            TSimd.Store(s, ref Unsafe.Add(ref sRef, k));
        }
        for (; k < weights.Length; k++)
        {
            update.Invoke<float, ScalarSimd>(ref Unsafe.Add(ref wRef, k), Unsafe.Add(ref gRef, k), ref Unsafe.Add(ref sRef, k));
        }
    }

    public static void Run<TVec, TSimd, TUpdate>(
        Span<float> weights,
        ReadOnlySpan<float> gradients,
        Span<float> state1,
        Span<float> state2,
        TUpdate update,
        [CallerArgumentExpression(nameof(state1))] string state1Name = "",
        [CallerArgumentExpression(nameof(state2))] string state2Name = "")
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        where TUpdate : struct, IParameterUpdate2
    {
        KernelArguments.SameLength(weights.Length, gradients.Length, nameof(weights), nameof(gradients));
        KernelArguments.SameLength(weights.Length, state1.Length, nameof(weights), state1Name);
        KernelArguments.SameLength(weights.Length, state2.Length, nameof(weights), state2Name);

        int width = TSimd.Count;
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        ref float gRef = ref MemoryMarshal.GetReference(gradients);
        ref float s1Ref = ref MemoryMarshal.GetReference(state1);
        ref float s2Ref = ref MemoryMarshal.GetReference(state2);
        int k = 0;
        for (; k <= weights.Length - width; k += width)
        {
            TVec w = TSimd.Load(in Unsafe.Add(ref wRef, k));
            TVec s1 = TSimd.Load(in Unsafe.Add(ref s1Ref, k));
            TVec s2 = TSimd.Load(in Unsafe.Add(ref s2Ref, k));
            update.Invoke<TVec, TSimd>(ref w, TSimd.Load(in Unsafe.Add(ref gRef, k)), ref s1, ref s2);
            TSimd.Store(w, ref Unsafe.Add(ref wRef, k));
            TSimd.Store(s1, ref Unsafe.Add(ref s1Ref, k));
            TSimd.Store(s2, ref Unsafe.Add(ref s2Ref, k));
        }
        for (; k < weights.Length; k++)
        {
            update.Invoke<float, ScalarSimd>(ref Unsafe.Add(ref wRef, k), Unsafe.Add(ref gRef, k), ref Unsafe.Add(ref s1Ref, k), ref Unsafe.Add(ref s2Ref, k));
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>
/// Softmax, its backward pass and softmax cross-entropy, a row at a time: <c>m = max z</c>, <c>e = exp(z - m)</c>,
/// <c>s = Σ e</c>, <c>p = e / s</c>, <c>loss = log s + m - z_target</c>. Shifting by the max keeps
/// every exp in [1.2e-38, 1] so logits of any magnitude give no overflow or NaN.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>Summed loss over rows (double); when dLogits is not empty,
    /// <c>dLogits = gradScale·(p - onehot(target))</c>. dLogits may be logits.</summary>
    public static double Compute<TVec, TSimd>(ReadOnlySpan<float> logits, int rows, int classes, ReadOnlySpan<int> targets, Span<float> dLogits, float gradScale)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        long size = (long)rows * classes;
        KernelArguments.AtLeast(logits.Length, size, nameof(logits), $"[{rows}, {classes}] (rows, classes)");
        KernelArguments.AtLeast(targets.Length, rows, nameof(targets), $"{rows} rows");
        bool withGradient = !dLogits.IsEmpty;
        if (withGradient)
        {
            KernelArguments.AtLeast(dLogits.Length, size, nameof(dLogits), $"[{rows}, {classes}] (rows, classes)");
            KernelArguments.InPlaceOrDisjoint(logits[..(int)size], dLogits[..(int)size], nameof(logits), nameof(dLogits));
        }
        // Every target is checked before anything is written, so a bad batch leaves dLogits untouched.
        CheckTargets(targets, rows, classes);

        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            int target = targets[r];
            if (target == KernelSet.IgnoreTarget)
            {
                if (withGradient) dLogits.Slice(r * classes, classes).Clear();
                continue;
            }
            float zTarget = z[target];   // read before an in-place gradient overwrites it
            float max = Reductions.Max<TVec, TSimd>(z);
            Span<float> dz = withGradient ? dLogits.Slice(r * classes, classes) : [];
            double sum = ExpShiftedSum<TVec, TSimd>(z, max, dz);
            loss += Math.Log(sum) + max - zTarget;
            if (withGradient)
            {
                // dz = gradScale·e/s - gradScale·onehot(target)
                ElementwiseDriver.Unary<TVec, TSimd, ScaleOperator>(dz, dz, new ScaleOperator((float)(gradScale / sum)));
                dz[target] -= gradScale;
            }
        }
        return loss;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first of the first <paramref name="rows"/>
    /// targets outside [0, <paramref name="classes"/>) that is not <see cref="KernelSet.IgnoreTarget"/>.</summary>
    public static void CheckTargets(ReadOnlySpan<int> targets, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            if (targets[r] != KernelSet.IgnoreTarget && (uint)targets[r] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), targets[r], $"targets[{r}] must be in [0, {classes}) or {KernelSet.IgnoreTarget} (ignored).");
            }
        }
    }

    /// <summary><c>p = exp(z - max z) / Σ exp(z - max z)</c> for one row; p may be z.</summary>
    public static void Softmax<TVec, TSimd>(ReadOnlySpan<float> logits, Span<float> probabilities)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.AtLeast(probabilities.Length, logits.Length, nameof(probabilities), $"logits ({logits.Length} elements)");
        KernelArguments.InPlaceOrDisjoint(logits, probabilities, nameof(logits), nameof(probabilities));
        if (logits.IsEmpty)
        {
            return;
        }
        Span<float> p = probabilities[..logits.Length];
        double sum = ExpShiftedSum<TVec, TSimd>(logits, Reductions.Max<TVec, TSimd>(logits), p);
        ElementwiseDriver.Unary<TVec, TSimd, ScaleOperator>(p, p, new ScaleOperator((float)(1 / sum)));
    }

    /// <summary><c>log p = z - (max z + log Σ exp(z - max z))</c> for one row, without forming p (no log of an underflowed 0);
    /// log p may be z.</summary>
    public static void LogSoftmax<TVec, TSimd>(ReadOnlySpan<float> logits, Span<float> logProbabilities)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.AtLeast(logProbabilities.Length, logits.Length, nameof(logProbabilities), $"logits ({logits.Length} elements)");
        KernelArguments.InPlaceOrDisjoint(logits, logProbabilities, nameof(logits), nameof(logProbabilities));
        if (logits.IsEmpty)
        {
            return;
        }
        float max = Reductions.Max<TVec, TSimd>(logits);
        double sum = ExpShiftedSum<TVec, TSimd>(logits, max, []);
        ElementwiseDriver.Unary<TVec, TSimd, ShiftOperator>(logits, logProbabilities[..logits.Length], new ShiftOperator((float)(max + Math.Log(sum))));
    }

    /// <summary><c>y = x - shift</c>.</summary>
    private readonly struct ShiftOperator(float shift) : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVec Invoke<TVec, TSimd>(TVec x)
            where TVec : struct
            where TSimd : struct, ISimd<TVec>
            => TSimd.Subtract(x, TSimd.Broadcast(shift));
    }

    /// <summary><c>dz = p ⊙ (dp - Σ p ⊙ dp)</c> for one row; dz may be dp.</summary>
    public static void SoftmaxBackward<TVec, TSimd>(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> dProbabilities, Span<float> dLogits)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        KernelArguments.SameLength(probabilities.Length, dProbabilities.Length, nameof(probabilities), nameof(dProbabilities));
        float dot = (float)Reductions.Dot<TVec, TSimd>(probabilities, dProbabilities);
        ElementwiseDriver.Binary<TVec, TSimd, SoftmaxBackwardOperator>(probabilities, dProbabilities, dLogits, new SoftmaxBackwardOperator(dot));
    }

    /// <summary><c>dz = p ⊙ (dp - dot)</c> with a = p, b = dp.</summary>
    private readonly struct SoftmaxBackwardOperator(float dot) : IBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVec Invoke<TVec, TSimd>(TVec p, TVec dp)
            where TVec : struct
            where TSimd : struct, ISimd<TVec>
            => TSimd.Multiply(p, TSimd.Subtract(dp, TSimd.Broadcast(dot)));
    }

    // Float lanes sum one block, a double sums the blocks: a serial float sum over a 50k-word
    // vocabulary would be off by ~1e-5 relative, enough to show in gradient rows that should sum to 0.
    // A multiple of 16 lanes, so only the last block has a scalar remainder.
    private const int ExpSumBlock = 256;

    /// <summary><c>Σ exp(z - shift)</c>, also storing each exp into <paramref name="e"/> unless it
    /// is empty (loss only). e may be z. Deterministic per path; lane order differs across paths.</summary>
    private static double ExpShiftedSum<TVec, TSimd>(ReadOnlySpan<float> z, float shift, Span<float> e)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        bool store = !e.IsEmpty;
        int width = TSimd.Count;
        ref float zRef = ref MemoryMarshal.GetReference(z);
        ref float eRef = ref MemoryMarshal.GetReference(e);
        TVec shiftVector = TSimd.Broadcast(shift);
        double sum = 0;
        int k = 0;
        while (k < z.Length)
        {
            int blockEnd = Math.Min(z.Length, k + ExpSumBlock);
            TVec sumVector = TSimd.Zero;
            for (; k <= blockEnd - width; k += width)
            {
                TVec exp = VectorMath.Exp<TVec, TSimd>(TSimd.Subtract(TSimd.Load(in Unsafe.Add(ref zRef, k)), shiftVector));
                sumVector = TSimd.Add(sumVector, exp);
                if (store)
                {
                    TSimd.Store(exp, ref Unsafe.Add(ref eRef, k));
                }
            }
            float blockSum = TSimd.Sum(sumVector);
            for (; k < blockEnd; k++)
            {
                float exp = VectorMath.Exp<float, ScalarSimd>(Unsafe.Add(ref zRef, k) - shift);
                blockSum += exp;
                if (store)
                {
                    Unsafe.Add(ref eRef, k) = exp;
                }
            }
            sum += blockSum;
        }
        return sum;
    }
}

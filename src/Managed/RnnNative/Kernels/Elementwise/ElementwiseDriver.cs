using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>
/// The loops for <see cref="IUnaryOperator"/> and <see cref="IBinaryOperator"/>: four registers per
/// iteration (independent chains hide the latency of exp/tanh), then single registers, then a scalar
/// remainder running the same operator as <c>&lt;float, ScalarSimd&gt;</c>. Never touches memory
/// past <c>x.Length</c>. The output may be an input (in place) because every element is loaded
/// before it is stored and no vector overlaps another; a partial overlap is rejected.
/// </summary>
internal static class ElementwiseDriver
{
    /// <summary><c>y[k] = op(x[k])</c> for k &lt; x.Length; y must be at least as long as x.</summary>
    public static void Unary<TVec, TSimd, TOperator>(
        ReadOnlySpan<float> x,
        Span<float> y,
        TOperator op,
        [CallerArgumentExpression(nameof(x))] string xName = "",
        [CallerArgumentExpression(nameof(y))] string yName = "")
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        where TOperator : struct, IUnaryOperator
    {
        KernelArguments.AtLeast(y.Length, x.Length, yName, $"{xName} ({x.Length} elements)");
        KernelArguments.InPlaceOrDisjoint(x, y, xName, yName);

        int length = x.Length;
        int width = TSimd.Count;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        int k = 0;
        for (; k <= length - 4 * width; k += 4 * width)
        {
            TVec y0 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref xRef, k)));
            TVec y1 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref xRef, k + width)));
            TVec y2 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref xRef, k + 2 * width)));
            TVec y3 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref xRef, k + 3 * width)));
            TSimd.Store(y0, ref Unsafe.Add(ref yRef, k));
            TSimd.Store(y1, ref Unsafe.Add(ref yRef, k + width));
            TSimd.Store(y2, ref Unsafe.Add(ref yRef, k + 2 * width));
            TSimd.Store(y3, ref Unsafe.Add(ref yRef, k + 3 * width));
        }
        for (; k <= length - width; k += width)
        {
            TSimd.Store(op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref xRef, k))), ref Unsafe.Add(ref yRef, k));
        }
        for (; k < length; k++)
        {
            Unsafe.Add(ref yRef, k) = op.Invoke<float, ScalarSimd>(Unsafe.Add(ref xRef, k));
        }
    }

    /// <summary><c>y[k] = op(a[k], b[k])</c> for k &lt; a.Length; a and b of equal length, y at least as long.</summary>
    public static void Binary<TVec, TSimd, TOperator>(
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> y,
        TOperator op,
        [CallerArgumentExpression(nameof(a))] string aName = "",
        [CallerArgumentExpression(nameof(b))] string bName = "",
        [CallerArgumentExpression(nameof(y))] string yName = "")
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
        where TOperator : struct, IBinaryOperator
    {
        KernelArguments.SameLength(a.Length, b.Length, aName, bName);
        KernelArguments.AtLeast(y.Length, a.Length, yName, $"{aName} ({a.Length} elements)");
        KernelArguments.InPlaceOrDisjoint(a, y, aName, yName);
        KernelArguments.InPlaceOrDisjoint(b, y, bName, yName);

        int length = a.Length;
        int width = TSimd.Count;
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float bRef = ref MemoryMarshal.GetReference(b);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        int k = 0;
        for (; k <= length - 4 * width; k += 4 * width)
        {
            TVec y0 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref aRef, k)), TSimd.Load(in Unsafe.Add(ref bRef, k)));
            TVec y1 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref aRef, k + width)), TSimd.Load(in Unsafe.Add(ref bRef, k + width)));
            TVec y2 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref aRef, k + 2 * width)), TSimd.Load(in Unsafe.Add(ref bRef, k + 2 * width)));
            TVec y3 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref aRef, k + 3 * width)), TSimd.Load(in Unsafe.Add(ref bRef, k + 3 * width)));
            TSimd.Store(y0, ref Unsafe.Add(ref yRef, k));
            TSimd.Store(y1, ref Unsafe.Add(ref yRef, k + width));
            TSimd.Store(y2, ref Unsafe.Add(ref yRef, k + 2 * width));
            TSimd.Store(y3, ref Unsafe.Add(ref yRef, k + 3 * width));
        }
        for (; k <= length - width; k += width)
        {
            TVec y0 = op.Invoke<TVec, TSimd>(TSimd.Load(in Unsafe.Add(ref aRef, k)), TSimd.Load(in Unsafe.Add(ref bRef, k)));
            TSimd.Store(y0, ref Unsafe.Add(ref yRef, k));
        }
        for (; k < length; k++)
        {
            Unsafe.Add(ref yRef, k) = op.Invoke<float, ScalarSimd>(Unsafe.Add(ref aRef, k), Unsafe.Add(ref bRef, k));
        }
    }
}

using System.Runtime.CompilerServices;
using RnnNative.Kernels.Simd;

namespace RnnNative.Kernels.Elementwise;

/// <summary>
/// exp, sigmoid and tanh for one register of any width, written once over
/// <c>TSimd</c>; the scalar path runs the same code with <c>&lt;float, ScalarSimd&gt;</c>.
/// Errors below are measured against the double-precision function over a dense sweep and enforced
/// by <c>VectorMathAccuracyTests</c>; the FMA paths and the unfused scalar path differ by rounding only.
/// NaN inputs give NaN (the clamps keep <c>x</c> as the operand that NaN propagates through).
/// </summary>
internal static class VectorMath
{
    // exp: below ExpMinInput the result would be subnormal and 2^n would leave the exponent range,
    // above ExpMaxInput it would overflow; both are clamped so n stays in [-126, 127].
    private const float ExpMinInput = -87.3365478515625f;   // ≈ -126·ln2, exp = 1.18e-38
    private const float ExpMaxInput = 88.3762626647949f;    // ≈ 127.5·ln2, exp = 2.4e38
    private const float Log2E = 1.44269504088896341f;
    // ln2 = Ln2Hi + Ln2Lo with Ln2Hi holding 9 significant bits, so n·Ln2Hi is exact for |n| ≤ 127.
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    // exp(r) ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (Cephes expf coefficients).
    private const float ExpP0 = 1.9875691500e-4f;
    private const float ExpP1 = 1.3981999507e-3f;
    private const float ExpP2 = 8.3334519073e-3f;
    private const float ExpP3 = 4.1665795894e-2f;
    private const float ExpP4 = 1.6666665459e-1f;
    private const float ExpP5 = 5.0000001201e-1f;

    // tanh: Eigen's odd 13/6 rational minimax. Its own error stays below 1.2e-8 up to |x| = 9, where it
    // rounds to ±1 in float, so clamping at 9 (as onnxruntime's MLAS does) rather than Eigen's 7.9053
    // makes large inputs give exactly ±1 instead of ±(1 - 2.4e-7). Below TanhTiny it returns x
    // itself, since alpha1/beta0 = 1 - 1.3e-7 would cost relative accuracy near 0.
    private const float TanhClamp = 9f;
    private const float TanhTiny = 0.0004f;
    private const float TanhAlpha1 = 4.89352455891786e-03f;
    private const float TanhAlpha3 = 6.37261928875436e-04f;
    private const float TanhAlpha5 = 1.48572235717979e-05f;
    private const float TanhAlpha7 = 5.12229709037114e-08f;
    private const float TanhAlpha9 = -8.60467152213735e-11f;
    private const float TanhAlpha11 = 2.00018790482477e-13f;
    private const float TanhAlpha13 = -2.76076847742355e-16f;
    private const float TanhBeta0 = 4.89352518554385e-03f;
    private const float TanhBeta2 = 2.26843463243900e-03f;
    private const float TanhBeta4 = 1.18534705686654e-04f;
    private const float TanhBeta6 = 1.19825839466702e-06f;

    /// <summary>
    /// <c>exp(x) = 2^n · exp(r)</c>, <c>n = round(x / ln2)</c>, <c>r = x - n·ln2</c> (Cody-Waite, two-part ln2).
    /// Max relative error 1.19e-7 (1 ulp) on [-87.3, 88.3], every path; outside, saturates to 1.18e-38 / 2.4e38 (never 0 or Inf).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        x = TSimd.Min(TSimd.Broadcast(ExpMaxInput), TSimd.Max(TSimd.Broadcast(ExpMinInput), x));
        TVec n = TSimd.Round(TSimd.Multiply(x, TSimd.Broadcast(Log2E)));
        TVec r = TSimd.MultiplyAdd(n, TSimd.Broadcast(-Ln2Hi), x);
        r = TSimd.MultiplyAdd(n, TSimd.Broadcast(-Ln2Lo), r);

        TVec p = TSimd.MultiplyAdd(TSimd.Broadcast(ExpP0), r, TSimd.Broadcast(ExpP1));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(ExpP2));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(ExpP3));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(ExpP4));
        p = TSimd.MultiplyAdd(p, r, TSimd.Broadcast(ExpP5));
        TVec expR = TSimd.MultiplyAdd(p, TSimd.Multiply(r, r), TSimd.Add(r, TSimd.Broadcast(1f)));
        return TSimd.Multiply(expR, TSimd.Pow2(n));
    }

    /// <summary>
    /// <c>σ(x) = 1 / (1 + exp(-x))</c>. Through exp rather than tanh(x/2) so small outputs keep
    /// relative accuracy (0.5 + 0.5·tanh loses it below ~1e-3).
    /// Max absolute error 9.0e-8, max relative error 1.9e-7 on [-20, 20], every path; σ(x ≥ 17) = 1
    /// exactly, σ(x ≤ -88.4) ≈ 4e-39 (no NaN or Inf anywhere).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec one = TSimd.Broadcast(1f);
        return TSimd.Divide(one, TSimd.Add(one, Exp<TVec, TSimd>(TSimd.Subtract(TSimd.Zero, x))));
    }

    /// <summary>
    /// <c>tanh(x) ≈ x·P(x²) / Q(x²)</c> with x clamped to ±9 (Eigen's float rational).
    /// Max absolute error 3.3e-7 on the FMA paths, 4.0e-7 on the unfused scalar path; max relative
    /// error the same (the worst points are near |x| = 6..8.5, where tanh ≈ 1); |x| ≥ 9 gives ±1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TVec, TSimd>(TVec x)
        where TVec : struct
        where TSimd : struct, ISimd<TVec>
    {
        TVec clamped = TSimd.Min(TSimd.Broadcast(TanhClamp), TSimd.Max(TSimd.Broadcast(-TanhClamp), x));
        TVec x2 = TSimd.Multiply(clamped, clamped);

        TVec p = TSimd.MultiplyAdd(x2, TSimd.Broadcast(TanhAlpha13), TSimd.Broadcast(TanhAlpha11));
        p = TSimd.MultiplyAdd(x2, p, TSimd.Broadcast(TanhAlpha9));
        p = TSimd.MultiplyAdd(x2, p, TSimd.Broadcast(TanhAlpha7));
        p = TSimd.MultiplyAdd(x2, p, TSimd.Broadcast(TanhAlpha5));
        p = TSimd.MultiplyAdd(x2, p, TSimd.Broadcast(TanhAlpha3));
        p = TSimd.MultiplyAdd(x2, p, TSimd.Broadcast(TanhAlpha1));
        p = TSimd.Multiply(clamped, p);

        TVec q = TSimd.MultiplyAdd(x2, TSimd.Broadcast(TanhBeta6), TSimd.Broadcast(TanhBeta4));
        q = TSimd.MultiplyAdd(x2, q, TSimd.Broadcast(TanhBeta2));
        q = TSimd.MultiplyAdd(x2, q, TSimd.Broadcast(TanhBeta0));

        TVec tiny = TSimd.GreaterThan(TSimd.Broadcast(TanhTiny), TSimd.Abs(x));
        return TSimd.Select(tiny, x, TSimd.Divide(p, q));
    }
}

namespace RnnNative.Kernels.Simd;

/// <summary>
/// The operations every kernel is written against, for one register width. Each kernel is one
/// generic method over <c>TVec</c> (the register type) and <c>TSimd</c> (a struct implementing
/// this interface); the JIT and Native AOT specialize it per width and inline these calls, so the
/// math is written once and the four paths differ only in the struct they are instantiated with.
/// </summary>
/// <typeparam name="TVec">The register: <see cref="float"/>, or <c>Vector128/256/512&lt;float&gt;</c>.</typeparam>
internal interface ISimd<TVec> where TVec : struct
{
    /// <summary>Number of float lanes in <typeparamref name="TVec"/>.</summary>
    static abstract int Count { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Broadcast(float value);

    /// <summary>Loads <see cref="Count"/> floats starting at <paramref name="source"/> (no alignment needed).</summary>
    static abstract TVec Load(ref readonly float source);

    static abstract void Store(TVec value, ref float destination);

    /// <summary>Loads <see cref="Count"/> pairs of bfloat16 values (a bfloat16 is the high 16 bits of a
    /// float) starting at <paramref name="source"/>, pair i = (source[2i], source[2i+1]), and widens them
    /// exactly: <paramref name="first"/> gets the first of each pair (shifted into the high half),
    /// <paramref name="second"/> the second (masked in place): one load and two integer operations
    /// for two registers of weights.</summary>
    static abstract void LoadBFloat16Pairs(ref readonly ushort source, out TVec first, out TVec second);

    /// <summary>
    /// Integer dot products of byte quads (the int8 step, <see cref="Step.StepKernelsInt8{TVec, TSimd}"/>):
    /// <paramref name="sums"/> holds <see cref="Count"/> int32 (their bits in the register), and for each lane l
    /// <code>
    /// sums[l] += Σ_{i&lt;4} weights[4l + i] · x_i      x_i = byte i of <paramref name="quad"/> (little-endian), as sbyte
    /// </code>
    /// with every weight and x_i in [-127, 127]. Exact on every path (no saturation: see each path's notes).
    /// </summary>
    static abstract TVec DotInt8Quads(TVec sums, ref readonly sbyte weights, int quad);

    /// <summary>The int32 lanes of <paramref name="sums"/> (bits in the register, as <see cref="DotInt8Quads"/> leaves them) as floats.</summary>
    static abstract TVec Int32ToSingle(TVec sums);

    /// <summary>Transposes a <see cref="Count"/> x Count block: row r is the Count floats at
    /// <c>source + r * sourceStride</c> for r &lt; <paramref name="rows"/>, and zeros (never read) from
    /// there on; column q is written as Count floats at <c>destination + q * destinationStride</c>. GEMM
    /// packing turns rows of a matrix into k-major panels with it: register shuffles where the ISA has
    /// them (<see cref="BlockTranspose.ElementByElement"/> otherwise) instead of a scalar load and store per element.</summary>
    static abstract void TransposeBlock(ref readonly float source, nint sourceStride, int rows, ref float destination, nint destinationStride);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Subtract(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>Square root, correctly rounded (IEEE) on every path.</summary>
    static abstract TVec Sqrt(TVec value);

    /// <summary><c>a * b + c</c>, fused (one rounding) on paths with FMA hardware, unfused on the scalar path.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Min(TVec left, TVec right);

    static abstract TVec Max(TVec left, TVec right);

    static abstract TVec Abs(TVec value);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TVec Round(TVec value);

    /// <summary>Stores the <see cref="Count"/> lanes of <paramref name="integral"/>, whole numbers in [-128, 127], as that many
    /// bytes at <paramref name="destination"/> (the int8 quantiser's last step: a conversion and two narrowings, not a
    /// conversion per lane).</summary>
    static abstract unsafe void StoreSBytes(TVec integral, sbyte* destination);

    /// <summary>2^n for integral <paramref name="n"/> in [-126, 127], built from the exponent bits. The
    /// float-to-int conversion is the ISA's own (x86 does not saturate): outside that range, including
    /// NaN, the result is unspecified, so callers clamp first (exp does), which saves the four
    /// instructions of .NET's saturating conversion in every exp.</summary>
    static abstract TVec Pow2(TVec n);

    /// <summary>A lane mask: all ones where <c>left &gt; right</c>, zero elsewhere.</summary>
    static abstract TVec GreaterThan(TVec left, TVec right);

    /// <summary>Per lane: <paramref name="mask"/> ? <paramref name="whenTrue"/> : <paramref name="whenFalse"/>.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);

    /// <summary>Copies the sign bit of <paramref name="sign"/> onto <paramref name="magnitude"/>.</summary>
    static abstract TVec CopySign(TVec magnitude, TVec sign);

    /// <summary>Sum of the lanes (lane order fixed per width, so deterministic per path).</summary>
    static abstract float Sum(TVec value);

    static abstract float MaxAcross(TVec value);
}

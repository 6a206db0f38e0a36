using System.Runtime.CompilerServices;

namespace RnnNative.Kernels.Step;

/// <summary>
/// The B streams of a batched step (<see cref="BatchedStepKernels{TVec, TSimd, TFormat}"/>), as pointers into
/// buffers that hold one row per stream at a fixed stride. Stream s:
/// <code>
/// init   = Init + InitRows[s] · InitRowLength      its starting sums [panels, blocks, W] (a token's table row, or the one bias row)
/// x      = X + s · XStride                         [stored columns], zeros past K
/// c, h   = Cell, Hidden + s · StateStride          [padded units], c updated in place; hPrev likewise (GRU)
/// x_q    = QuantizedX + s · XStride, scale XScales[s]   (int8: x quantised per stream, <see cref="Int8Quantization"/>)
/// </code>
/// <see cref="Count"/> is a multiple of <see cref="StreamGroup"/> (callers pad with streams of zeros whose rows they ignore).
/// Valid for one call; the buffers are pinned by the caller.
/// </summary>
internal readonly unsafe struct StepStreams
{
    /// <summary>Streams a kernel sums together from one load of each weight register.</summary>
    public const int StreamGroup = 4;

    public int Count { get; init; }

    public float* Init { get; init; }

    public int* InitRows { get; init; }

    public nint InitRowLength { get; init; }

    public float* X { get; init; }

    public nint XStride { get; init; }

    public float* Cell { get; init; }

    public float* HiddenPrev { get; init; }

    public float* Hidden { get; init; }

    public nint StateStride { get; init; }

    public sbyte* QuantizedX { get; init; }

    public float* XScales { get; init; }

    /// <summary>Scratch for the sums between column chunks: [<see cref="Count"/> / 4 groups, blocks, 4 streams, W] floats
    /// (<see cref="SumsLength"/>), owned by the calling thread.</summary>
    public float* Sums { get; init; }

    /// <summary>Floats of <see cref="Sums"/> for <paramref name="count"/> streams of <paramref name="blocks"/> blocks of <paramref name="width"/> lanes.</summary>
    public static int SumsLength(int count, int blocks, int width) => count * blocks * width;

    /// <summary>The sums of stream group starting at <paramref name="first"/>, block <paramref name="block"/> of <paramref name="blocks"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* SumsAt(int first, int block, int blocks, int width) => Sums + ((nint)first * blocks + block * StreamGroup) * width;

    /// <summary>Stream <paramref name="stream"/>'s starting sums at <paramref name="offset"/> (panel p, block b: (p·blocks + b)·W).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* InitAt(int stream, nint offset) => Init + InitRows[stream] * InitRowLength + offset;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* XAt(int stream) => X + stream * XStride;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte* QuantizedXAt(int stream) => QuantizedX + stream * XStride;

    /// <summary>Stream <paramref name="stream"/>'s state row of <paramref name="state"/> (Cell, HiddenPrev or Hidden) at unit <paramref name="unit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* StateAt(float* state, int stream, nint unit) => state + stream * StateStride + unit;
}

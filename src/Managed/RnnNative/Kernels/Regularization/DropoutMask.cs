namespace RnnNative.Kernels.Regularization;

/// <summary>
/// Dropout masks from a counter-based generator: whether element i of a buffer is kept is a pure
/// function of the buffer's stream key and i, so a mask does not depend on the thread count, on which
/// piece of work fills which part, or on the kernel path, and a run resumed from a checkpoint draws
/// the masks the run that never stopped would have drawn.
/// <code>
/// key_place = mix(mix(mix(seed) ^ update) ^ place)      one stream per (seed, update, place)
/// z_j       = mix(key + (j + 1)·φ)                      SplitMix64's j-th output from state key
/// u_i       = high 32 bits of z_{i/2} for even i, low 32 bits for odd i   (one hash per two elements)
/// keep_i    = u_i ≥ ⌊p·2^32⌋                            P(keep) = 1 - p to within 2^-32
/// mask_i    = keep_i ? 1/(1 - p) : 0                    inverted dropout: inference uses the weights as they are
/// </code>
/// mix is SplitMix64's finalizer (Stafford's variant 13 of murmur3's fmix64), a bijection of 64 bits
/// whose outputs pass BigCrush as SplitMix64's stream.
/// </summary>
internal static class DropoutMask
{
    /// <summary>φ = 2^64 / golden ratio, SplitMix64's increment.</summary>
    private const ulong Golden = 0x9E3779B97F4A7C15;

    /// <summary>The stream of masks of one place in one update of a run with <paramref name="seed"/>.</summary>
    public static ulong StreamKey(ulong seed, long update, int place) => Mix(Mix(Mix(seed) ^ (ulong)update) ^ (ulong)place);

    /// <summary>⌊p·2^32⌋: a uniform 32-bit draw below it drops its element (p &lt; 1, so it fits).</summary>
    public static uint Threshold(float probability) => (uint)(probability * 4294967296.0);

    /// <summary>1/(1 - p), the factor of a kept element.</summary>
    public static float Scale(float probability) => 1f / (1f - probability);

    /// <summary>Whether element <paramref name="index"/> of stream <paramref name="key"/> is kept.</summary>
    public static bool Keeps(ulong key, long index, uint threshold)
    {
        ulong pair = Pair(key, index >> 1);
        return (uint)((index & 1) == 0 ? pair >> 32 : pair) >= threshold;
    }

    /// <summary><c>mask[k] = keep(key, first + k) ? 1/(1-p) : 0</c> for every k of <paramref name="mask"/>:
    /// <see cref="Keeps"/>, a pair of elements per hash.</summary>
    public static void Fill(ulong key, long firstIndex, float probability, Span<float> mask)
    {
        uint threshold = Threshold(probability);
        uint scale = BitConverter.SingleToUInt32Bits(Scale(probability));
        int k = 0;
        if ((firstIndex & 1) != 0 && mask.Length > 0)
        {
            // An odd first element is the second half of its pair.
            mask[k++] = Value((uint)Pair(key, firstIndex >> 1), threshold, scale);
        }
        for (; k + 1 < mask.Length; k += 2)
        {
            ulong pair = Pair(key, (firstIndex + k) >> 1);
            mask[k] = Value((uint)(pair >> 32), threshold, scale);
            mask[k + 1] = Value((uint)pair, threshold, scale);
        }
        if (k < mask.Length)
        {
            mask[k] = Value((uint)(Pair(key, (firstIndex + k) >> 1) >> 32), threshold, scale);
        }
    }

    /// <summary>u ≥ threshold ? scale : +0, without a branch: a kept element is a coin flip the branch
    /// predictor cannot learn, and a mispredicted branch per element cost more than the hash.</summary>
    private static float Value(uint u, uint threshold, uint scaleBits)
    {
        // u - threshold in 64 bits is negative (bit 63 set) exactly when u < threshold.
        uint dropped = (uint)(((ulong)u - threshold) >> 63);
        return BitConverter.UInt32BitsToSingle(scaleBits & (dropped - 1));
    }

    /// <summary>z_j: the 64 bits of elements 2j and 2j + 1.</summary>
    private static ulong Pair(ulong key, long pairIndex) => Mix(key + (ulong)(pairIndex + 1) * Golden);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

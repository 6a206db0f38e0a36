namespace RnnNative.Kernels.Regularization;

/// <summary>
/// Dropout masks from a counter-based generator: whether element i of a buffer is kept is a pure
/// function of the buffer's stream key and i, so a mask does not depend on the thread count, on which
/// piece of work fills which part, or on the kernel path, and a run resumed from a checkpoint draws
/// the masks the run that never stopped would have drawn.
/// <code>
/// key_place = mix(mix(mix(seed) ^ update) ^ place)      one stream per (seed, update, place)
/// u_i       = high 32 bits of mix(key + (i + 1)·φ)      SplitMix64's i-th output from state key
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
    public static bool Keeps(ulong key, long index, uint threshold) => (uint)(Mix(key + (ulong)(index + 1) * Golden) >> 32) >= threshold;

    /// <summary><c>mask[k] = keep(key, first + k) ? 1/(1-p) : 0</c> for every k of <paramref name="mask"/>.</summary>
    public static void Fill(ulong key, long firstIndex, float probability, Span<float> mask)
    {
        uint threshold = Threshold(probability);
        float scale = Scale(probability);
        for (int k = 0; k < mask.Length; k++)
        {
            mask[k] = Keeps(key, firstIndex + k, threshold) ? scale : 0f;
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

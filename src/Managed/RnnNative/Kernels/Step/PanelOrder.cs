namespace RnnNative.Kernels.Step;

/// <summary>
/// The order a single-token kernel visits its panels in. A sampler streams a layer's weights once per token, more of
/// them than a core's L2 holds from 2x256 float32 on; read in the same order every token, a least-recently-used cache
/// evicts each line just before it is read again and every byte comes from L3. Reading the panels backward on every
/// other token starts each token with the lines the previous one read last, still in L2 (see
/// <see cref="Model.SingleTokenStep"/>). Each panel's sums are the same either way, so results do not depend on it.
/// </summary>
internal static class PanelOrder
{
    /// <summary>The <paramref name="n"/>-th panel visited of [<paramref name="first"/>, + <paramref name="count"/>).</summary>
    public static int At(int first, int count, int n, bool backward) => backward ? first + count - 1 - n : first + n;
}

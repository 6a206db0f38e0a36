using RnnNative.Kernels;
using RnnNative.Kernels.Regularization;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Kernels;

/// <summary>
/// Inverted dropout and its counter-based masks: every path against the scalar path bit for bit over
/// lengths 0..257 and 100_003, pieces against the whole, the kept fraction within binomial bounds, and
/// masks that differ between seeds, updates and places (a generator that ignored a key would pass the
/// other tests).
/// </summary>
public class DropoutKernelTests
{
    private const float P = 0.3f;

    [Theory]
    [MemberData(nameof(KernelPathData.Available), MemberType = typeof(KernelPathData))]
    public void Every_path_gives_the_scalar_paths_mask_and_products_bit_for_bit(KernelPath path)
    {
        KernelSet kernels = KernelSet.For(path), scalar = KernelSet.For(KernelPath.Scalar);
        ulong key = DropoutMask.StreamKey(seed: 9, update: 4, place: 1);
        foreach (int length in KernelTestData.Lengths)
        {
            float[] x = KernelTestData.Inputs(length, seed: length);
            float[] mask = new float[length], y = KernelTestData.OutputWithCanary(length);
            float[] wantMask = new float[length], want = new float[length];
            kernels.DropoutForward(key, 17, P, x, mask, y.AsSpan(0, length));
            scalar.DropoutForward(key, 17, P, x, wantMask, want);
            Assert.Equal(wantMask, mask);
            Assert.Equal(want, y.AsSpan(0, length).ToArray());
            KernelTestData.AssertCanaryIntact(y, length);
            for (int k = 0; k < length; k++)
            {
                Assert.Equal(DropoutMask.Keeps(key, 17 + k, DropoutMask.Threshold(P)) ? x[k] * (1f / (1f - P)) : 0f, y[k]);
            }

            // In place, and the backward: dx = dy ⊙ mask.
            float[] inPlace = (float[])x.Clone();
            kernels.DropoutForward(key, 17, P, inPlace, mask, inPlace);
            Assert.Equal(want, inPlace);
            float[] dy = KernelTestData.Inputs(length, seed: length + 1000), dx = new float[length];
            kernels.DropoutBackward(mask, dy, dx);
            for (int k = 0; k < length; k++)
            {
                Assert.Equal(dy[k] * mask[k], dx[k]);
            }
        }
    }

    [Fact]
    public void A_buffer_cut_into_pieces_gets_the_mask_of_the_whole()
    {
        KernelSet kernels = KernelSet.Active;
        ulong key = DropoutMask.StreamKey(seed: 1, update: 2, place: 3);
        float[] x = KernelTestData.Inputs(10_000, seed: 1), whole = new float[x.Length], wholeMask = new float[x.Length];
        kernels.DropoutForward(key, 0, P, x, wholeMask, whole);
        float[] pieces = new float[x.Length], piecesMask = new float[x.Length];
        foreach ((int first, int end) in new[] { (0, 1), (1, 2049), (2049, 2050), (2050, 7777), (7777, 10_000) })
        {
            kernels.DropoutForward(key, first, P, x.AsSpan(first, end - first), piecesMask.AsSpan(first, end - first), pieces.AsSpan(first, end - first));
        }
        Assert.Equal(wholeMask, piecesMask);
        Assert.Equal(whole, pieces);
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    public void The_kept_fraction_is_within_five_binomial_sigmas_and_kept_values_are_scaled(float p)
    {
        const int n = 1_000_000;
        float[] x = Enumerable.Repeat(1f, n).ToArray(), mask = new float[n], y = new float[n];
        KernelSet.Active.DropoutForward(DropoutMask.StreamKey(seed: 3, update: 0, place: 0), 0, p, x, mask, y);
        int kept = y.Count(v => v != 0);
        double mean = n * (1 - p), sigma = Math.Sqrt(n * p * (1 - p));
        Assert.True(Math.Abs(kept - mean) <= 5 * sigma, $"kept {kept} of {n}, expected {mean} ± {5 * sigma}");
        Assert.All(y, v => Assert.True(v == 0f || v == 1f / (1f - p)));
        // Inverted dropout keeps the mean: Σ y ≈ Σ x.
        Assert.True(Math.Abs(y.Sum(v => (double)v) / n - 1) <= 5 * sigma / mean);
    }

    [Fact]
    public void Zero_probability_keeps_every_element_unchanged()
    {
        float[] x = KernelTestData.Inputs(1000, seed: 2), mask = new float[1000], y = new float[1000];
        KernelSet.Active.DropoutForward(DropoutMask.StreamKey(1, 1, 1), 0, 0f, x, mask, y);
        Assert.Equal(x, y);
        Assert.All(mask, m => Assert.Equal(1f, m));
    }

    [Fact]
    public void Masks_differ_between_seeds_updates_and_places()
    {
        // Independent masks at p = 1/2 agree on half the elements; one key's mask agrees with itself on all.
        const int n = 100_000;
        bool[] Mask(ulong seed, long update, int place)
        {
            ulong key = DropoutMask.StreamKey(seed, update, place);
            return Enumerable.Range(0, n).Select(i => DropoutMask.Keeps(key, i, DropoutMask.Threshold(0.5f))).ToArray();
        }
        bool[] reference = Mask(0, 0, 0);
        Assert.Equal(reference, Mask(0, 0, 0));
        foreach (bool[] other in new[] { Mask(1, 0, 0), Mask(0, 1, 0), Mask(0, 0, 1), Mask(0, 0, 2), Mask(0, 2, 1), Mask(ulong.MaxValue, 0, 0) })
        {
            double agreement = reference.Zip(other, (a, b) => a == b).Count(same => same) / (double)n;
            Assert.InRange(agreement, 0.5 - 5 * 0.5 / Math.Sqrt(n), 0.5 + 5 * 0.5 / Math.Sqrt(n));
        }
    }
}

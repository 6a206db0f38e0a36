using RnnNative.Kernels;
using RnnNative.Model;
using RnnNative.Tests.Support;

namespace RnnNative.Tests.Model;

/// <summary>
/// The training update's row-split works give, on any thread count, the bits of the serial code they
/// replaced: the head's loss and gradient (<see cref="SoftmaxLossWork"/>) against the kernel over all
/// rows, and layer 0's per-token gate sums (<see cref="TokenGateSumsWork"/>) against a row-by-row scatter.
/// </summary>
[Collection("Parallelism")]
public class ParallelHeadWorkTests
{
    public static TheoryData<KernelPath, int> PathsAndThreads()
    {
        TheoryData<KernelPath, int> data = [];
        foreach (KernelPath path in KernelPaths.Available)
        {
            data.Add(path, 1);
            data.Add(path, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Softmax_loss_work_gives_the_bits_of_the_kernel_over_all_rows(KernelPath path, int threads)
    {
        KernelSet kernels = KernelSet.For(path);
        const int rows = 700, classes = 67;
        Random random = new(4);
        float[] logits = Enumerable.Range(0, rows * classes).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        int[] targets = Enumerable.Range(0, rows).Select(r => r % 9 == 0 ? KernelSet.IgnoreTarget : random.Next(classes)).ToArray();
        float[] expected = (float[])logits.Clone();
        double expectedLoss = kernels.SoftmaxCrossEntropy(expected, rows, classes, targets, expected, 1f / rows);

        float[] actual = (float[])logits.Clone();
        double loss = WithThreads.Run(threads, () => new SoftmaxLossWork(kernels).Run(actual, rows, classes, targets, gradient: true, 1f / rows));
        double lossOnly = WithThreads.Run(threads, () => new SoftmaxLossWork(kernels).Run((float[])logits.Clone(), rows, classes, targets, gradient: false, 0f));

        Assert.Equal(expectedLoss, loss);
        Assert.Equal(expectedLoss, lossOnly);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Softmax_loss_work_rejects_a_bad_target_before_writing()
    {
        float[] logits = [1f, 2f, 3f, 4f, 5f, 6f];
        float[] before = (float[])logits.Clone();
        Assert.Throws<ArgumentOutOfRangeException>(() => new SoftmaxLossWork(KernelSet.Active).Run(logits, 2, 3, [1, 3], gradient: true, 1f));
        Assert.Equal(before, logits);
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Token_gate_sums_give_the_bits_of_a_row_by_row_scatter(KernelPath path, int threads)
    {
        KernelSet kernels = KernelSet.For(path);
        const int rows = 300, width = 4 * 131, vocabulary = 67;   // a width that is no whole number of blocks
        Random random = new(6);
        float[] dGates = Enumerable.Range(0, rows * width).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        int[] tokens = Enumerable.Range(0, rows).Select(_ => random.Next(vocabulary)).ToArray();
        float[] expected = new float[vocabulary * width];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                expected[tokens[r] * width + j] += dGates[r * width + j];
            }
        }

        float[] sums = Enumerable.Repeat(7f, vocabulary * width).ToArray();   // overwritten, not added to
        WithThreads.Run(threads, () =>
        {
            new TokenGateSumsWork(kernels).Run(dGates, tokens, width, sums);
            return 0;
        });

        Assert.Equal(expected, sums);
    }
}

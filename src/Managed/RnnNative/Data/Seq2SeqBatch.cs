using RnnNative.Kernels;

namespace RnnNative.Data;

/// <summary>
/// B (source, target) pairs for teacher forcing, each side padded to its longest and laid out time-major
/// (row <c>t*B + b</c> is timestep t of pair b). The decoder reads <see cref="SpecialTokens.Start"/> and then
/// the target, and predicts the target and then <see cref="SpecialTokens.End"/>:
/// <code>
/// target y_1..y_n     DecoderInputs  = BOS y_1 .. y_n       (n+1 timesteps, then PAD)
///                     DecoderTargets = y_1 .. y_n EOS       (n+1 timesteps, then IgnoreTarget)
/// </code>
/// Padding holds <see cref="SpecialTokens.Padding"/> in the inputs and <see cref="KernelSet.IgnoreTarget"/> in the
/// targets: it gives no loss and no gradient.
/// </summary>
public sealed class Seq2SeqBatch
{
    /// <summary>An all-padding batch of <paramref name="batch"/> pairs (lengths and tokens to be set by the filler).</summary>
    /// <param name="sourceTimesteps">Ts: the longest source's tokens.</param>
    /// <param name="targetTimesteps">Tt: the longest target's tokens + 1 (the BOS input / EOS target timestep).</param>
    public Seq2SeqBatch(int sourceTimesteps, int targetTimesteps, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceTimesteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTimesteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        SourceTimesteps = sourceTimesteps;
        TargetTimesteps = targetTimesteps;
        Batch = batch;
        SourceLengths = new int[batch];
        TargetLengths = new int[batch];
        Examples = new int[batch];
        SourceTokens = new int[sourceTimesteps * batch];
        DecoderInputs = new int[targetTimesteps * batch];
        DecoderTargets = new int[targetTimesteps * batch];
        DecoderTargets.AsSpan().Fill(KernelSet.IgnoreTarget);
    }

    /// <summary>Ts: the longest source's timesteps.</summary>
    public int SourceTimesteps { get; }

    /// <summary>Tt: the longest decoder run's timesteps (target tokens + 1).</summary>
    public int TargetTimesteps { get; }

    /// <summary>B: pairs in the batch.</summary>
    public int Batch { get; }

    /// <summary>[B] each source's tokens, in 1..Ts.</summary>
    public int[] SourceLengths { get; }

    /// <summary>[B] each pair's decoder timesteps: its target's tokens + 1, in 1..Tt.</summary>
    public int[] TargetLengths { get; }

    /// <summary>[B] each pair's index in its set (which pair sits in row b).</summary>
    public int[] Examples { get; }

    /// <summary>[Ts*B] time-major source token ids, <see cref="SpecialTokens.Padding"/> past a source's length.</summary>
    public int[] SourceTokens { get; }

    /// <summary>[Tt*B] time-major: <see cref="SpecialTokens.Start"/>, then the target's tokens; padding after.</summary>
    public int[] DecoderInputs { get; }

    /// <summary>[Tt*B] time-major: the target's tokens, then <see cref="SpecialTokens.End"/>; <see cref="KernelSet.IgnoreTarget"/> after.</summary>
    public int[] DecoderTargets { get; }

    /// <summary>Predicted timesteps, what a mean loss divides by: Σ TargetLengths.</summary>
    public int Positions
    {
        get
        {
            int sum = 0;
            foreach (int length in TargetLengths) sum += length;
            return sum;
        }
    }
}

using RnnNative.Data;
using RnnNative.Kernels;

namespace RnnNative.Datasets;

/// <summary>
/// N (source, target) pairs of token ids of sequence-to-sequence vocabularies (<see cref="TokenVocabulary.HasSpecialTokens"/>),
/// stored columnar as <see cref="SequenceSet"/> stores sequences: pair i's source is <c>SourceTokens[SourceOffsets[i] ..
/// SourceOffsets[i+1]-1]</c>, its target likewise. Every side has at least one token; tokens are symbols or
/// <see cref="SpecialTokens.Unknown"/>, never padding, start or end (those the batches add). Immutable after
/// construction (the arrays are not copied out: do not write into them).
/// </summary>
public sealed class PairSet
{
    private PairSet(int[] sourceOffsets, int[] sourceTokens, int[] targetOffsets, int[] targetTokens)
    {
        SourceOffsets = sourceOffsets;
        SourceTokens = sourceTokens;
        TargetOffsets = targetOffsets;
        TargetTokens = targetTokens;
        CheckTokens(sourceTokens, "source");
        CheckTokens(targetTokens, "target");
        for (int i = 0; i < Count; i++)
        {
            MaxSourceLength = Math.Max(MaxSourceLength, SourceLength(i));
            MaxTargetLength = Math.Max(MaxTargetLength, TargetLength(i));
        }
    }

    /// <summary>N: the pairs.</summary>
    public int Count => SourceOffsets.Length - 1;

    /// <summary>[N+1]: where each source starts in <see cref="SourceTokens"/>; the last entry is their total.</summary>
    public int[] SourceOffsets { get; }

    /// <summary>[Σ source lengths] the sources' token ids, concatenated.</summary>
    public int[] SourceTokens { get; }

    /// <summary>[N+1]: where each target starts in <see cref="TargetTokens"/>; the last entry is their total.</summary>
    public int[] TargetOffsets { get; }

    /// <summary>[Σ target lengths] the targets' token ids, concatenated.</summary>
    public int[] TargetTokens { get; }

    /// <summary>The longest source's tokens.</summary>
    public int MaxSourceLength { get; }

    /// <summary>The longest target's tokens (its decoder runs one timestep more, for the end token).</summary>
    public int MaxTargetLength { get; }

    /// <summary>Tokens of pair <paramref name="i"/>'s source.</summary>
    public int SourceLength(int i) => SourceOffsets[i + 1] - SourceOffsets[i];

    /// <summary>Tokens of pair <paramref name="i"/>'s target (without the end token).</summary>
    public int TargetLength(int i) => TargetOffsets[i + 1] - TargetOffsets[i];

    /// <summary>Pair <paramref name="i"/>'s source ids.</summary>
    public ReadOnlySpan<int> Source(int i) => SourceTokens.AsSpan(SourceOffsets[i], SourceLength(i));

    /// <summary>Pair <paramref name="i"/>'s target ids.</summary>
    public ReadOnlySpan<int> Target(int i) => TargetTokens.AsSpan(TargetOffsets[i], TargetLength(i));

    /// <summary>Pairs whose sources are concatenated in <paramref name="sourceTokens"/> with their <paramref name="sourceLengths"/>, and targets likewise (each length at least 1, as many targets as sources).</summary>
    /// <exception cref="ArgumentException">The lengths do not match, a side is empty, or a token is not a symbol (below <see cref="SpecialTokens.Unknown"/>).</exception>
    public static PairSet FromTokens(ReadOnlySpan<int> sourceTokens, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> targetTokens, ReadOnlySpan<int> targetLengths)
    {
        if (sourceLengths.Length != targetLengths.Length)
        {
            throw new ArgumentException($"{sourceLengths.Length} source lengths and {targetLengths.Length} target lengths; a pair has one of each", nameof(targetLengths));
        }
        int[] sourceOffsets = SequenceSet.OffsetsOf(sourceLengths), targetOffsets = SequenceSet.OffsetsOf(targetLengths);
        Expect("source", sourceTokens.Length, sourceOffsets[^1]);
        Expect("target", targetTokens.Length, targetOffsets[^1]);
        return new PairSet(sourceOffsets, sourceTokens.ToArray(), targetOffsets, targetTokens.ToArray());
    }

    /// <summary>Pairs of token-id arrays: source i is <paramref name="sources"/>[i], its target <paramref name="targets"/>[i].</summary>
    /// <exception cref="ArgumentException">See <see cref="FromTokens(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{int})"/>.</exception>
    public static PairSet FromTokens(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        return FromTokens([.. sources.SelectMany(s => s)], [.. sources.Select(s => s.Length)], [.. targets.SelectMany(t => t)], [.. targets.Select(t => t.Length)]);
    }

    /// <summary>
    /// Writes pairs <paramref name="examples"/> (indices into this set) into <paramref name="batch"/> as its B = examples.Length
    /// columns in the layout of <see cref="Seq2SeqBatch"/>: the sources padded with <see cref="SpecialTokens.Padding"/>; the
    /// decoder inputs <see cref="SpecialTokens.Start"/> y_1..y_n then padding; the decoder targets y_1..y_n
    /// <see cref="SpecialTokens.End"/> then <see cref="KernelSet.IgnoreTarget"/>; lengths (target lengths n+1) and examples.
    /// Every array of the batch is rewritten, so a batch can be reused.
    /// </summary>
    /// <exception cref="ArgumentException">The batch's B is not examples.Length, or a pair does not fit its Ts or Tt.</exception>
    public void Fill(Seq2SeqBatch batch, ReadOnlySpan<int> examples)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckBatch(batch, examples);
        int b = batch.Batch;
        batch.SourceTokens.AsSpan().Fill(SpecialTokens.Padding);
        batch.DecoderInputs.AsSpan().Fill(SpecialTokens.Padding);
        batch.DecoderTargets.AsSpan().Fill(KernelSet.IgnoreTarget);
        for (int column = 0; column < b; column++)
        {
            int example = examples[column];
            ReadOnlySpan<int> source = Source(example), target = Target(example);
            int n = target.Length;
            batch.Examples[column] = example;
            batch.SourceLengths[column] = source.Length;
            batch.TargetLengths[column] = n + 1;
            // time-major: row t*B + column is timestep t of pair `column`
            for (int t = 0; t < source.Length; t++) batch.SourceTokens[t * b + column] = source[t];
            // inputs [BOS, y_1..y_n], targets [y_1..y_n, EOS]: the decoder reads y_{t-1} and predicts y_t
            batch.DecoderInputs[column] = SpecialTokens.Start;
            for (int t = 0; t < n; t++)
            {
                batch.DecoderInputs[(t + 1) * b + column] = target[t];
                batch.DecoderTargets[t * b + column] = target[t];
            }
            batch.DecoderTargets[n * b + column] = SpecialTokens.End;
        }
    }

    /// <summary>A new batch of exactly <paramref name="examples"/>, Ts and Tt from <see cref="TimestepsOf"/>, filled by <see cref="Fill"/>.</summary>
    public Seq2SeqBatch CreateBatch(ReadOnlySpan<int> examples)
    {
        (int sourceTimesteps, int targetTimesteps) = TimestepsOf(examples);
        Seq2SeqBatch batch = new(sourceTimesteps, targetTimesteps, examples.Length);
        Fill(batch, examples);
        return batch;
    }

    /// <summary>The timesteps of a batch of <paramref name="examples"/>: Ts the longest source, Tt the longest target + 1.</summary>
    public (int Source, int Target) TimestepsOf(ReadOnlySpan<int> examples)
    {
        int source = 0, target = 0;
        foreach (int example in examples)
        {
            source = Math.Max(source, SourceLength(example));
            target = Math.Max(target, TargetLength(example));
        }
        return (source, target + 1);
    }

    /// <summary>The pairs <paramref name="examples"/> in this order, as a new set (index k of it is examples[k] here).</summary>
    public PairSet Subset(ReadOnlySpan<int> examples)
    {
        int[][] sources = new int[examples.Length][], targets = new int[examples.Length][];
        for (int k = 0; k < examples.Length; k++)
        {
            sources[k] = Source(examples[k]).ToArray();
            targets[k] = Target(examples[k]).ToArray();
        }
        return FromTokens(sources, targets);
    }

    /// <summary>
    /// Holds out floor(N·<paramref name="validationFraction"/>) pairs chosen by a permutation drawn from <paramref name="seed"/>
    /// (the same seed, the same split, as <see cref="SequenceSet.Split"/> draws it); both parts keep this set's order.
    /// </summary>
    public (PairSet Train, PairSet Validation) Split(double validationFraction, ulong seed)
    {
        (int[] train, int[] validation) = SequenceSet.SplitExamples(Count, validationFraction, seed);
        return (Subset(train), Subset(validation));
    }

    private static void Expect(string side, int tokens, int expected)
    {
        if (tokens != expected) throw new ArgumentException($"the {side} lengths add up to {expected} tokens; {tokens} {side} tokens were given");
    }

    private static void CheckTokens(int[] tokens, string side)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] < SpecialTokens.Unknown)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"{side} token {i} is {tokens[i]}: padding, start and end (ids 0..2) are not symbols of a sequence");
            }
        }
    }

    private void CheckBatch(Seq2SeqBatch batch, ReadOnlySpan<int> examples)
    {
        if (batch.Batch != examples.Length)
        {
            throw new ArgumentException($"the batch has B = {batch.Batch} pairs; {examples.Length} examples were given", nameof(batch));
        }
        foreach (int example in examples)
        {
            if ((uint)example >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(examples), example, $"not an example of this set of {Count}");
            if (SourceLength(example) > batch.SourceTimesteps || TargetLength(example) + 1 > batch.TargetTimesteps)
            {
                throw new ArgumentException($"pair {example} ({SourceLength(example)} source tokens, {TargetLength(example)} target tokens + end) does not fit the batch's Ts = {batch.SourceTimesteps}, Tt = {batch.TargetTimesteps}", nameof(batch));
            }
        }
    }
}

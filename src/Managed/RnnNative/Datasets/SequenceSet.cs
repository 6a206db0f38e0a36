using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Randomness;

namespace RnnNative.Datasets;

/// <summary>
/// N labelled sequences of different lengths stored columnar: sequence i is timesteps
/// <c>Offsets[i] .. Offsets[i+1]-1</c> of the concatenated inputs (token ids, or F floats per timestep)
/// and of the per-timestep targets. Targets are those of <see cref="Target"/>:
/// <see cref="TargetKind.StepClasses"/> a class per timestep in <see cref="Classes"/> [Σ lengths]
/// (<see cref="KernelSet.IgnoreTarget"/> allowed: no loss there), <see cref="TargetKind.SequenceClass"/>
/// a class per sequence in <see cref="Classes"/> [N], <see cref="TargetKind.SequenceValues"/> O values
/// per sequence in <see cref="Values"/> [N*O], <see cref="TargetKind.StepValues"/> O values per timestep
/// in <see cref="Values"/> [Σ lengths * O]. Immutable after construction (the arrays are not copied out:
/// do not write into them).
/// </summary>
public sealed class SequenceSet
{
    private SequenceSet(int[] offsets, int[] tokens, float[] features, int featureSize, TargetKind target, int[] classes, float[] values, int valueSize)
    {
        Offsets = offsets;
        Tokens = tokens;
        Features = features;
        FeatureSize = featureSize;
        Target = target;
        Classes = classes;
        Values = values;
        ValueSize = valueSize;
        for (int i = 0; i < Count; i++)
        {
            MaxLength = Math.Max(MaxLength, Length(i));
        }
        Validate();
    }

    /// <summary>N: the sequences.</summary>
    public int Count => Offsets.Length - 1;

    /// <summary>[N+1]: where each sequence starts in the concatenated timesteps; the last entry is Σ lengths.</summary>
    public int[] Offsets { get; }

    /// <summary>[Σ lengths] token ids; empty for feature inputs.</summary>
    public int[] Tokens { get; }

    /// <summary>[Σ lengths * F] floats; empty for token inputs.</summary>
    public float[] Features { get; }

    /// <summary>F: floats per timestep; 0 for token inputs.</summary>
    public int FeatureSize { get; }

    /// <summary>What the sequences are labelled with.</summary>
    public TargetKind Target { get; }

    /// <summary>Class targets: [Σ lengths] for <see cref="TargetKind.StepClasses"/>, [N] for <see cref="TargetKind.SequenceClass"/>; empty otherwise.</summary>
    public int[] Classes { get; }

    /// <summary>Value targets: [N*O] or [Σ lengths * O]; empty for class targets.</summary>
    public float[] Values { get; }

    /// <summary>O: values per target (value targets only, else 0).</summary>
    public int ValueSize { get; }

    /// <summary>The longest sequence's timesteps (0 for an empty set).</summary>
    public int MaxLength { get; }

    /// <summary>Σ lengths: timesteps of all sequences.</summary>
    public int Positions => Offsets[^1];

    /// <summary>Timesteps of sequence <paramref name="i"/>.</summary>
    public int Length(int i) => Offsets[i + 1] - Offsets[i];

    /// <summary>
    /// Token sequences, concatenated in <paramref name="tokens"/> with their <paramref name="lengths"/>
    /// (each at least 1), and targets of <paramref name="target"/> in <paramref name="classes"/> or
    /// <paramref name="values"/> (the other empty) laid out as the class summary says.
    /// </summary>
    public static SequenceSet FromTokens(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, TargetKind target, ReadOnlySpan<int> classes, ReadOnlySpan<float> values, int valueSize = 0) =>
        new(OffsetsOf(lengths), tokens.ToArray(), [], 0, target, classes.ToArray(), values.ToArray(), valueSize);

    /// <summary>Sequences of <paramref name="featureSize"/> floats per timestep, concatenated in <paramref name="features"/>; otherwise as <see cref="FromTokens"/>.</summary>
    public static SequenceSet FromFeatures(ReadOnlySpan<float> features, int featureSize, ReadOnlySpan<int> lengths, TargetKind target, ReadOnlySpan<int> classes, ReadOnlySpan<float> values, int valueSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(featureSize, 1);
        return new(OffsetsOf(lengths), [], features.ToArray(), featureSize, target, classes.ToArray(), values.ToArray(), valueSize);
    }

    /// <summary>
    /// Writes sequences <paramref name="examples"/> (indices into this set) into <paramref name="batch"/> as
    /// its B = examples.Length columns, padding included (token 0, zero features, <see cref="KernelSet.IgnoreTarget"/>
    /// step classes, zero values), and sets its Lengths and Examples. Every array of the batch is rewritten,
    /// so a batch can be reused.
    /// </summary>
    /// <exception cref="ArgumentException">The batch's B, F, target kind or O do not match, or a sequence is longer than its T.</exception>
    public void Fill(SequenceBatch batch, ReadOnlySpan<int> examples)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckBatch(batch, examples);
        int b = batch.Batch, f = FeatureSize, o = ValueSize;
        batch.Tokens.AsSpan().Clear();
        batch.Features.AsSpan().Clear();
        batch.StepTargets.AsSpan().Fill(KernelSet.IgnoreTarget);
        batch.Values.AsSpan().Clear();
        for (int column = 0; column < b; column++)
        {
            int example = examples[column];
            int start = Offsets[example], length = Length(example);
            batch.Examples[column] = example;
            batch.Lengths[column] = length;
            for (int t = 0; t < length; t++)
            {
                int row = t * b + column;   // time-major: timestep t of sequence `column`
                if (f == 0) batch.Tokens[row] = Tokens[start + t];
                else Features.AsSpan((start + t) * f, f).CopyTo(batch.Features.AsSpan(row * f, f));
                if (Target == TargetKind.StepClasses) batch.StepTargets[row] = Classes[start + t];
                if (Target == TargetKind.StepValues) Values.AsSpan((start + t) * o, o).CopyTo(batch.Values.AsSpan(row * o, o));
            }
            if (Target == TargetKind.SequenceClass) batch.Targets[column] = Classes[example];
            if (Target == TargetKind.SequenceValues) Values.AsSpan(example * o, o).CopyTo(batch.Values.AsSpan(column * o, o));
        }
    }

    /// <summary>A new batch of exactly <paramref name="examples"/>, T their longest length, filled by <see cref="Fill"/>.</summary>
    public SequenceBatch CreateBatch(ReadOnlySpan<int> examples)
    {
        SequenceBatch batch = new(LongestOf(examples), examples.Length, FeatureSize, Target, ValueSize);
        Fill(batch, examples);
        return batch;
    }

    /// <summary>The longest of the lengths of <paramref name="examples"/>.</summary>
    public int LongestOf(ReadOnlySpan<int> examples)
    {
        int longest = 0;
        foreach (int example in examples) longest = Math.Max(longest, Length(example));
        return longest;
    }

    /// <summary>The sequences <paramref name="examples"/> in this order, as a new set (index k of it is examples[k] here).</summary>
    public SequenceSet Subset(ReadOnlySpan<int> examples)
    {
        int[] lengths = new int[examples.Length];
        for (int k = 0; k < examples.Length; k++) lengths[k] = Length(examples[k]);
        int[] offsets = OffsetsOf(lengths);
        int f = Math.Max(FeatureSize, 1), o = ValueSize;
        bool stepTargets = Target is TargetKind.StepClasses or TargetKind.StepValues;
        int[] tokens = FeatureSize == 0 ? new int[offsets[^1]] : [];
        float[] features = FeatureSize > 0 ? new float[offsets[^1] * f] : [];
        int[] classes = new int[Classes.Length == 0 ? 0 : Target == TargetKind.StepClasses ? offsets[^1] : examples.Length];
        float[] values = new float[Values.Length == 0 ? 0 : (stepTargets ? offsets[^1] : examples.Length) * o];
        for (int k = 0; k < examples.Length; k++)
        {
            int from = Offsets[examples[k]], to = offsets[k], length = lengths[k];
            if (FeatureSize == 0) Tokens.AsSpan(from, length).CopyTo(tokens.AsSpan(to));
            else Features.AsSpan(from * f, length * f).CopyTo(features.AsSpan(to * f));
            (int source, int destination, int count) = stepTargets ? (from, to, length) : (examples[k], k, 1);
            if (classes.Length > 0) Classes.AsSpan(source, count).CopyTo(classes.AsSpan(destination));
            if (values.Length > 0) Values.AsSpan(source * o, count * o).CopyTo(values.AsSpan(destination * o));
        }
        return new SequenceSet(offsets, tokens, features, FeatureSize, Target, classes, values, ValueSize);
    }

    /// <summary>
    /// Holds out floor(N·<paramref name="validationFraction"/>) sequences chosen by a permutation drawn
    /// from <paramref name="seed"/> (the same seed, the same split); both parts keep this set's order.
    /// </summary>
    public (SequenceSet Train, SequenceSet Validation) Split(double validationFraction, ulong seed)
    {
        (int[] train, int[] validation) = SplitExamples(Count, validationFraction, seed);
        return (Subset(train), Subset(validation));
    }

    /// <summary>
    /// The examples 0..<paramref name="count"/>-1 split as <see cref="Split"/> does: floor(count·<paramref name="validationFraction"/>)
    /// held out by a permutation drawn from <paramref name="seed"/>, each part in ascending order.
    /// </summary>
    internal static (int[] Train, int[] Validation) SplitExamples(int count, double validationFraction, ulong seed)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1)");
        }
        int[] order = Permutation(count, new SeededRandom(seed));
        int held = (int)Math.Floor(count * validationFraction);
        int[] validation = order[..held], train = order[held..];
        Array.Sort(validation);
        Array.Sort(train);
        return (train, validation);
    }

    /// <summary>0..n-1 shuffled by Fisher-Yates with <paramref name="random"/>.</summary>
    internal static int[] Permutation(int n, SeededRandom random)
    {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Shuffle(order, random);
        return order;
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    internal static void Shuffle<T>(Span<T> items, SeededRandom random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>[n+1] running sums of <paramref name="lengths"/> [n], each at least 1 (a sequence without timesteps is an error).</summary>
    internal static int[] OffsetsOf(ReadOnlySpan<int> lengths)
    {
        int[] offsets = new int[lengths.Length + 1];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], $"sequence {i} has length {lengths[i]}; every sequence needs at least one timestep");
            }
            offsets[i + 1] = checked(offsets[i] + lengths[i]);
        }
        return offsets;
    }

    private void Validate()
    {
        int n = Count, positions = Positions;
        bool values = Target is TargetKind.SequenceValues or TargetKind.StepValues;
        if (!Enum.IsDefined(Target)) throw new ArgumentOutOfRangeException(nameof(Target), Target, "unknown target kind");
        if (values != ValueSize > 0) throw new ArgumentException($"a {Target} target needs {(values ? "a positive" : "no")} value size, got {ValueSize}");
        Expect("tokens", Tokens.Length, FeatureSize == 0 ? positions : 0);
        Expect("features", Features.Length, positions * FeatureSize);
        Expect("classes", Classes.Length, Target switch { TargetKind.StepClasses => positions, TargetKind.SequenceClass => n, _ => 0 });
        Expect("values", Values.Length, Target switch { TargetKind.SequenceValues => n * ValueSize, TargetKind.StepValues => positions * ValueSize, _ => 0 });
        int lowestClass = Target == TargetKind.StepClasses ? KernelSet.IgnoreTarget : 0;
        for (int i = 0; i < Tokens.Length; i++)
        {
            if (Tokens[i] < 0) throw new ArgumentOutOfRangeException(nameof(Tokens), Tokens[i], $"token {i} is negative");
        }
        for (int i = 0; i < Classes.Length; i++)
        {
            if (Classes[i] < lowestClass) throw new ArgumentOutOfRangeException(nameof(Classes), Classes[i], $"class target {i} is below {lowestClass}");
        }
    }

    private void Expect(string what, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"a set of {Count} sequences ({Positions} timesteps, F = {FeatureSize}, {Target}, O = {ValueSize}) needs {expected} {what}, got {actual}");
        }
    }

    private void CheckBatch(SequenceBatch batch, ReadOnlySpan<int> examples)
    {
        if (batch.Batch != examples.Length || batch.FeatureSize != FeatureSize || batch.Target != Target || batch.ValueSize != ValueSize)
        {
            throw new ArgumentException($"the batch (B = {batch.Batch}, F = {batch.FeatureSize}, {batch.Target}, O = {batch.ValueSize}) does not fit {examples.Length} examples of this set (F = {FeatureSize}, {Target}, O = {ValueSize})", nameof(batch));
        }
        foreach (int example in examples)
        {
            if ((uint)example >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(examples), example, $"not an example of this set of {Count}");
            if (Length(example) > batch.Timesteps) throw new ArgumentException($"example {example} has {Length(example)} timesteps, more than the batch's T = {batch.Timesteps}", nameof(batch));
        }
    }
}

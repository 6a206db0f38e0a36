namespace RnnNative.Data;

/// <summary>
/// One pass over held-out tokens that predicts each of them exactly once: the N-1 (input, target)
/// pairs (token i, token i+1), i = 0..N-2, so every token is a target once except the first, which
/// has no predecessor in the part. The pairs are cut into B contiguous streams of S = ceil((N-1)/B)
/// pairs (the last streams may be shorter or empty) walked in windows of T steps, the last window
/// of the pass shorter when T does not divide S. Where a stream has no pair left, the input is 0 and
/// the target is <see cref="IgnoreTarget"/>: exclude those from the loss. Hidden state carries over
/// from window to window within a pass and starts at zero for a pass.
/// </summary>
public sealed class ValidationPass
{
    /// <summary>Target of a padding slot (PyTorch's ignore_index idea): no token to predict.</summary>
    public const int IgnoreTarget = -1;

    private readonly TokenSequence _tokens;
    private readonly int[] _window;
    private long _nextWindow;

    /// <summary>A pass over <paramref name="tokens"/> in <paramref name="batchSize"/> streams (B) and windows of <paramref name="steps"/> (T).</summary>
    public ValidationPass(TokenSequence tokens, int batchSize, int steps)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _tokens = tokens;
        BatchSize = batchSize;
        Steps = steps;
        PairCount = Math.Max(0, tokens.Length - 1);
        StreamLength = (PairCount + batchSize - 1) / batchSize;
        WindowCount = (StreamLength + steps - 1) / steps;
        _window = new int[steps + 1];
    }

    /// <summary>B: streams the pairs are cut into.</summary>
    public int BatchSize { get; }

    /// <summary>T: steps of every window but possibly the last.</summary>
    public int Steps { get; }

    /// <summary>N-1: targets predicted over the pass (the denominator of the mean loss).</summary>
    public long PairCount { get; }

    /// <summary>S = ceil((N-1)/B): pairs of the longest stream.</summary>
    public long StreamLength { get; }

    /// <summary>ceil(S/T): windows in a pass.</summary>
    public long WindowCount { get; }

    /// <summary>Starts the pass over.</summary>
    public void Reset() => _nextWindow = 0;

    /// <summary>
    /// Fills the next window's first steps·B slots of inputs and targets, time-major [steps, B] like
    /// <see cref="StreamBatcher.NextWindow"/>; returns false at the end of the pass.
    /// </summary>
    public bool Next(Span<int> inputs, Span<int> targets, out int steps)
    {
        int size = Steps * BatchSize;
        if (inputs.Length < size || targets.Length < size)
        {
            throw new ArgumentException($"inputs and targets must hold T*B = {Steps}*{BatchSize} = {size} ids; they hold {inputs.Length} and {targets.Length}");
        }
        if (_nextWindow == WindowCount)
        {
            steps = 0;
            return false;
        }
        long offset = _nextWindow * Steps;
        steps = (int)Math.Min(Steps, StreamLength - offset);
        for (int b = 0; b < BatchSize; b++)
        {
            long start = b * StreamLength + offset;
            long streamEnd = Math.Min((b + 1) * StreamLength, PairCount);
            int valid = (int)Math.Clamp(streamEnd - start, 0, steps);
            if (valid > 0)
            {
                _tokens.CopyTo(start, _window.AsSpan(0, valid + 1));
            }
            for (int t = 0; t < steps; t++)
            {
                inputs[t * BatchSize + b] = t < valid ? _window[t] : 0;
                targets[t * BatchSize + b] = t < valid ? _window[t + 1] : IgnoreTarget;
            }
        }
        _nextWindow++;
        return true;
    }
}

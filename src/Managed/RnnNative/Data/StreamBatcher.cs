namespace RnnNative.Data;

/// <summary>Where a <see cref="StreamBatcher"/> is: the next window it returns is window <see cref="Window"/> of epoch <see cref="Epoch"/>.</summary>
public readonly record struct BatcherPosition(long Epoch, long Window);

/// <summary>
/// char-rnn batching for truncated BPTT. The N training tokens are cut into B parallel contiguous
/// streams of S = floor(N/B) tokens, stream b being tokens [b·S, (b+1)·S). Each stream is walked in
/// windows of T steps: window w holds, for every stream, inputs x[t] = token b·S + w·T + t and targets
/// y[t] = token b·S + w·T + t + 1 (the next token, always inside the stream), t = 0..T-1. Consecutive
/// windows continue each stream where the previous one stopped, so hidden state carries over; there
/// are floor((S-1)/T) windows per epoch, and the last (S-1) mod T inputs of each stream, like the
/// N mod B tokens after the last stream, are not used. The walk is deterministic: saving
/// <see cref="Position"/> and setting it on a new batcher over the same tokens resumes exactly.
/// </summary>
public sealed class StreamBatcher
{
    private readonly TokenSequence _tokens;
    private readonly int[] _window;
    private BatcherPosition _position;

    /// <exception cref="ArgumentException">The sequence is too short for one window of B streams (it needs B·(T+1) tokens).</exception>
    public StreamBatcher(TokenSequence tokens, int batchSize, int steps)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _tokens = tokens;
        BatchSize = batchSize;
        Steps = steps;
        StreamLength = tokens.Length / batchSize;
        WindowsPerEpoch = Math.Max(0, StreamLength - 1) / steps;
        if (WindowsPerEpoch == 0)
        {
            throw new ArgumentException($"{tokens.Length} tokens are too few for {batchSize} streams of windows of {steps} steps; at least {MinimumTokens(batchSize, steps)} are needed", nameof(tokens));
        }
        _window = new int[steps + 1];
    }

    /// <summary>The fewest tokens that make one window of <paramref name="batchSize"/> streams of <paramref name="steps"/> steps: B·(T+1).</summary>
    public static long MinimumTokens(int batchSize, int steps) => (long)batchSize * (steps + 1);

    /// <summary>B: parallel streams, the batch size.</summary>
    public int BatchSize { get; }

    /// <summary>T: steps per window.</summary>
    public int Steps { get; }

    /// <summary>S = floor(N/B): tokens per stream.</summary>
    public long StreamLength { get; }

    /// <summary>floor((S-1)/T): windows per epoch.</summary>
    public long WindowsPerEpoch { get; }

    /// <summary>The next window to return. Setting it (to a saved value) resumes the walk there.</summary>
    public BatcherPosition Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value.Epoch, nameof(value));
            if (value.Window < 0 || value.Window > WindowsPerEpoch)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"window must be in 0..{WindowsPerEpoch}");
            }
            _position = value;
        }
    }

    /// <summary>
    /// Fills the next window, time-major: inputs[t·B + b] = x_b[t], targets[t·B + b] = y_b[t], both
    /// [T, B]. Returns false, writing nothing, when the epoch is finished; the position then moves to
    /// window 0 of the next epoch (reset the hidden state: the streams start over).
    /// </summary>
    public bool NextWindow(Span<int> inputs, Span<int> targets)
    {
        int size = Steps * BatchSize;
        if (inputs.Length != size || targets.Length != size)
        {
            throw new ArgumentException($"inputs and targets must hold T*B = {Steps}*{BatchSize} = {size} ids; they hold {inputs.Length} and {targets.Length}");
        }
        if (_position.Window == WindowsPerEpoch)
        {
            _position = new BatcherPosition(_position.Epoch + 1, 0);
            return false;
        }
        long offset = _position.Window * Steps;
        for (int b = 0; b < BatchSize; b++)
        {
            _tokens.CopyTo(b * StreamLength + offset, _window);
            for (int t = 0; t < Steps; t++)
            {
                inputs[t * BatchSize + b] = _window[t];
                targets[t * BatchSize + b] = _window[t + 1];
            }
        }
        _position = _position with { Window = _position.Window + 1 };
        return true;
    }
}

namespace RnnNative.Cells;

/// <summary>
/// What a forward pass is for. Inference (the default) runs the network as it is; training also applies
/// dropout (<see cref="RecurrentConfig.Dropout"/>), with masks drawn from a counter-based generator keyed
/// by <see cref="Seed"/>, <see cref="Update"/>, the place in the network and the element, so one mode gives
/// the same masks on any thread count and kernel path, and a resumed run the masks of an unbroken one.
/// </summary>
public readonly record struct ForwardMode
{
    /// <summary>No dropout: evaluation, steps, sampling.</summary>
    public static ForwardMode Inference => default;

    /// <summary>Dropout on, its masks keyed by the run's <paramref name="seed"/> and the optimizer <paramref name="update"/> being computed.</summary>
    public static ForwardMode Training(ulong seed, long update) => new() { IsTraining = true, Seed = seed, Update = update };

    /// <summary>True for a training pass (dropout on).</summary>
    public bool IsTraining { get; private init; }

    /// <summary>The run's seed of the dropout masks.</summary>
    public ulong Seed { get; private init; }

    /// <summary>The update the pass computes a gradient for: each update draws new masks.</summary>
    public long Update { get; private init; }
}

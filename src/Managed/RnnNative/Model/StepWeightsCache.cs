using RnnNative.Kernels.Step;

namespace RnnNative.Model;

/// <summary>
/// The <see cref="StepWeights"/> of a model and its replicas: rebuilt on first use after the weights
/// (their <see cref="WeightVersion"/>) or the precision changed, once for all replicas.
/// Safe to call from several threads (replicas stepping at once).
/// </summary>
internal sealed class StepWeightsCache
{
    private readonly Lock _gate = new();
    private StepWeights? _current;
    private volatile WeightPrecision _precision;

    public WeightPrecision Precision
    {
        get => _precision;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "unknown weight precision");
            }
            _precision = value;
        }
    }

    /// <summary>The weights of <paramref name="model"/> as they are now, in the current precision.</summary>
    public StepWeights Get(LanguageModel model)
    {
        long version = model.Version.Value;
        WeightPrecision precision = _precision;
        StepWeights? current = Volatile.Read(ref _current);
        if (current is not null && current.Version == version && current.Precision == precision)
        {
            return current;
        }
        lock (_gate)
        {
            current = _current;
            if (current is null || current.Version != version || current.Precision != precision)
            {
                current = StepWeights.Build(model, precision, version);
                Volatile.Write(ref _current, current);
            }
            return current;
        }
    }
}

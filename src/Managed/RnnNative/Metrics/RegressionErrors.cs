namespace RnnNative.Metrics;

/// <summary>
/// Sums a regressor's errors over rows of <see cref="Outputs"/> values (one row per sequence, or per
/// timestep for per-step targets; the caller passes real timesteps only, no padding), in double precision
/// so long evaluations lose nothing to float rounding. Not thread-safe.
/// </summary>
public sealed class RegressionErrors
{
    private readonly double[] _squared, _absolute;   // [O] sums of (y - ŷ)² and |y - ŷ| per output
    private long _rows;

    /// <summary>A counter for rows of <paramref name="outputs"/> values.</summary>
    public RegressionErrors(int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        _squared = new double[outputs];
        _absolute = new double[outputs];
    }

    /// <summary>The values per row.</summary>
    public int Outputs => _squared.Length;

    /// <summary>Counts whole rows: <paramref name="predicted"/> and <paramref name="target"/> are [rows, O].</summary>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of <see cref="Outputs"/>.</exception>
    public void Add(ReadOnlySpan<float> predicted, ReadOnlySpan<float> target)
    {
        if (predicted.Length != target.Length) throw new ArgumentException($"{predicted.Length} predictions but {target.Length} targets", nameof(target));
        if (target.Length % Outputs != 0) throw new ArgumentException($"{target.Length} values are not whole rows of {Outputs}", nameof(target));
        for (int i = 0; i < target.Length; i++)
        {
            double error = (double)predicted[i] - target[i];
            _squared[i % Outputs] += error * error;
            _absolute[i % Outputs] += Math.Abs(error);
        }
        _rows += target.Length / Outputs;
    }

    /// <summary>MSE and MAE of everything counted so far, overall and per output.</summary>
    public RegressionMetrics Result()
    {
        // MSE = Σ (y - ŷ)² / (rows·O), MAE = Σ |y - ŷ| / (rows·O); per output divided by rows; 0 when empty.
        double Mean(double sum, long count) => count > 0 ? sum / count : 0;
        return new RegressionMetrics(
            _rows * Outputs,
            Mean(_squared.Sum(), _rows * Outputs),
            Mean(_absolute.Sum(), _rows * Outputs),
            [.. _squared.Select(s => Mean(s, _rows))],
            [.. _absolute.Select(a => Mean(a, _rows))]);
    }
}

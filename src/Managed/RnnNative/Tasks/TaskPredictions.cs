namespace RnnNative.Tasks;

/// <summary>
/// A model's outputs for every sequence of a <see cref="TaskData"/>, in its order: per example a row per
/// timestep (taggers, per-step regressors) or one row (classifiers, regressors at the end), each row the
/// probabilities of the labels or the predicted values (<see cref="Width"/> floats).
/// </summary>
public sealed class TaskPredictions
{
    private readonly float[][] _outputs;   // [example][rows * Width]

    internal TaskPredictions(TaskEncoding encoding, bool perTimestep, float[][] outputs)
    {
        Encoding = encoding;
        PerTimestep = perTimestep;
        _outputs = outputs;
    }

    /// <summary>The labels the probabilities are over (or the values' count).</summary>
    public TaskEncoding Encoding { get; }

    /// <summary>A row per timestep (true) or one per sequence.</summary>
    public bool PerTimestep { get; }

    /// <summary>Floats per row: the labels' count or O.</summary>
    public int Width => Encoding.Outputs;

    /// <summary>The examples predicted.</summary>
    public int Count => _outputs.Length;

    /// <summary>Rows of example <paramref name="example"/>: its timesteps, or 1.</summary>
    public int Rows(int example) => _outputs[example].Length / Width;

    /// <summary>Row <paramref name="row"/> of example <paramref name="example"/>: [Width] probabilities or values.</summary>
    public ReadOnlySpan<float> Row(int example, int row = 0) => _outputs[example].AsSpan(row * Width, Width);

    /// <summary>Every row of example <paramref name="example"/>, [Rows, Width].</summary>
    public ReadOnlySpan<float> Of(int example) => _outputs[example];

    /// <summary>The most probable label of a row (the first of ties).</summary>
    public int Label(int example, int row = 0)
    {
        ReadOnlySpan<float> probabilities = Row(example, row);
        int best = 0;
        for (int c = 1; c < probabilities.Length; c++)
        {
            if (probabilities[c] > probabilities[best]) best = c;
        }
        return best;
    }

    /// <summary>The probability of <see cref="Label"/>.</summary>
    public float Probability(int example, int row = 0) => Row(example, row)[Label(example, row)];
}

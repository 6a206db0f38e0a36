using RnnNative.Randomness;

namespace RnnNative.Corpora;

/// <summary>
/// The adding problem, the classic test of memory over long spans (Hochreiter and Schmidhuber 1997,
/// experiment 4), in the form of Le, Jaitly and Hinton 2015 ("A Simple Way to Initialize Recurrent
/// Networks of Rectified Linear Units", section 4.1), which IRNN and LSTM papers since report: each of
/// T timesteps has two features, a value drawn uniformly from [0, 1) and a marker, 0 or 1; exactly two
/// markers are 1, the first at a uniform timestep of the first half (t &lt; T/2), the second in the second
/// half (t &gt;= T/2); the target is the sum of the two marked values. A model must hold the first marked
/// value for at least T/2 timesteps (on average T/2) while ignoring the values between.
/// Baseline: predicting the mean, 1, for every sequence gives MSE = Var(x1 + x2) = 2 * (1/12) = 1/6
/// (<see cref="MeanPredictorMse"/>); a model has learned something once its MSE is well below that.
/// (Hochreiter and Schmidhuber's own version draws values from [-1, 1], places the first marker among
/// the first 10 timesteps and scales the target; this is not that version.)
/// </summary>
public sealed class AddingProblem
{
    /// <summary>Features per timestep: the value (index 0) and the marker (index 1).</summary>
    public const int Features = 2;

    /// <summary>The MSE of always predicting the expected target 1: the variance of a sum of two U[0, 1] values, 1/6.</summary>
    public const double MeanPredictorMse = 1.0 / 6.0;

    private AddingProblem(int sequences, int timesteps, float[] inputs, float[] targets)
    {
        Sequences = sequences;
        Timesteps = timesteps;
        Inputs = inputs;
        Targets = targets;
    }

    /// <summary>N, the number of sequences.</summary>
    public int Sequences { get; }

    /// <summary>T, the timesteps of every sequence.</summary>
    public int Timesteps { get; }

    /// <summary>
    /// The inputs, [N, T, 2] row-major (a .npy of that shape): sequence n's timestep t has its value at
    /// <c>(n*T + t)*2</c> and its marker at <c>(n*T + t)*2 + 1</c>; a sequence's timesteps are contiguous.
    /// </summary>
    public float[] Inputs { get; }

    /// <summary>The targets, [N]: the sum of sequence n's two marked values.</summary>
    public float[] Targets { get; }

    /// <summary>The same <paramref name="sequences"/> sequences of <paramref name="timesteps"/> timesteps for the same seed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No sequences, fewer than 2 timesteps (one per half), or more than 2^31 floats.</exception>
    public static AddingProblem Generate(int sequences, int timesteps, ulong seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(timesteps, 2);
        long length = (long)sequences * timesteps * Features;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength, nameof(sequences));
        SeededRandom random = new(seed);
        float[] inputs = new float[length];       // [N, T, 2]
        float[] targets = new float[sequences];   // [N]
        int half = timesteps / 2;
        for (int n = 0; n < sequences; n++)
        {
            Span<float> sequence = inputs.AsSpan(n * timesteps * Features, timesteps * Features);   // [T, 2]
            for (int t = 0; t < timesteps; t++)
            {
                // 24 random bits: exactly a float in [0, 1) (a double rounded to float could give 1).
                sequence[t * Features] = (random.NextUInt64() >> 40) * (1f / (1 << 24));
            }
            // y = x[first] + x[second], first in [0, T/2), second in [T/2, T)
            int first = random.NextInt(half), second = half + random.NextInt(timesteps - half);
            sequence[first * Features + 1] = 1f;
            sequence[second * Features + 1] = 1f;
            targets[n] = sequence[first * Features] + sequence[second * Features];
        }
        return new AddingProblem(sequences, timesteps, inputs, targets);
    }
}

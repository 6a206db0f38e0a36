using RnnNative.Data;
using RnnNative.Kernels;
using RnnNative.Model;

namespace RnnNative.Tests.Model;

/// <summary>
/// The parts of a whole-sequence model's double-precision reference that do not depend on the recurrence: random padded
/// batches, the input rows x, the head's rows (every timestep or pooled per sequence) and the mean loss over them, written
/// from the formulas with plain loops, independent of the engine.
/// </summary>
internal static class SequenceReference
{
    /// <summary>A batch of <paramref name="lengths"/> over <paramref name="timesteps"/> with random inputs and targets of
    /// <paramref name="config"/>'s kinds; <see cref="KernelSet.IgnoreTarget"/> at padded step targets.</summary>
    public static SequenceBatch RandomBatch(SequenceModelConfig config, int timesteps, int[] lengths, Random random)
    {
        SequenceBatch batch = new(timesteps, lengths.Length, config.Input == InputEncoding.Dense ? config.FeatureSize : 0, config.Target, config.Kind == ModelKind.Regressor ? config.Outputs : 0);
        lengths.CopyTo(batch.Lengths);
        for (int i = 0; i < batch.Tokens.Length; i++) batch.Tokens[i] = random.Next(config.VocabularySize);
        for (int i = 0; i < batch.Features.Length; i++) batch.Features[i] = (float)(random.NextDouble() * 2 - 1);
        for (int row = 0; row < batch.StepTargets.Length; row++)
        {
            batch.StepTargets[row] = IsValid(batch, row) ? random.Next(config.Outputs) : KernelSet.IgnoreTarget;
        }
        for (int i = 0; i < batch.Targets.Length; i++) batch.Targets[i] = random.Next(config.Outputs);
        for (int i = 0; i < batch.Values.Length; i++) batch.Values[i] = (float)(random.NextDouble() * 2 - 1);
        return batch;
    }

    /// <summary>False for a padding row (timestep t ≥ the sequence's length).</summary>
    public static bool IsValid(SequenceBatch batch, int row) => row / batch.Batch < batch.Lengths[row % batch.Batch];

    /// <summary>Other tokens, features and values at every padded timestep of <paramref name="batch"/> (drawn from
    /// <paramref name="random"/>): what a model must not read.</summary>
    public static void ScramblePadding(SequenceBatch batch, int vocabularySize, Random random)
    {
        for (int row = 0; row < batch.Timesteps * batch.Batch; row++)
        {
            if (IsValid(batch, row)) continue;
            if (batch.Tokens.Length > 0) batch.Tokens[row] = random.Next(vocabularySize);
            for (int f = 0; f < batch.FeatureSize; f++) batch.Features[row * batch.FeatureSize + f] = 10f * (float)random.NextDouble();
            if (batch.Target == TargetKind.StepValues) batch.Values[row * batch.ValueSize] = 7f;
        }
    }

    /// <summary>x [T*B, I]: rows of <paramref name="embedding"/> [V, I] (embedding input), one-hot rows, or the features.</summary>
    public static double[] Inputs(SequenceModelConfig config, double[] embedding, SequenceBatch batch, int inputs)
    {
        int rows = batch.Timesteps * batch.Batch;
        double[] x = new double[rows * inputs];
        for (int row = 0; row < rows; row++)
        {
            for (int i = 0; i < inputs; i++)
            {
                x[row * inputs + i] = config.Input switch
                {
                    InputEncoding.Embedding => embedding[batch.Tokens[row] * inputs + i],
                    InputEncoding.OneHot => batch.Tokens[row] == i ? 1 : 0,
                    _ => batch.Features[row * inputs + i],
                };
            }
        }
        return x;
    }

    /// <summary>The head's rows from <paramref name="output"/> [T*B, W] (W = directions of <paramref name="hidden"/> features):
    /// every timestep, or per sequence [forward at len-1; backward at 0] (Last) or the mean over its timesteps.</summary>
    public static double[] Rows(SequenceModelConfig config, double[] output, int width, int hidden, SequenceBatch batch)
    {
        if (config.HeadPerTimestep) return output;
        double[] rows = new double[batch.Batch * width];
        for (int r = 0; r < batch.Batch; r++)
        {
            int length = batch.Lengths[r];
            for (int j = 0; j < width; j++)
            {
                if (config.Pooling == SequencePooling.Mean)
                {
                    for (int t = 0; t < length; t++) rows[r * width + j] += output[(t * batch.Batch + r) * width + j] / length;
                }
                else
                {
                    int t = j < hidden ? length - 1 : 0;
                    rows[r * width + j] = output[(t * batch.Batch + r) * width + j];
                }
            }
        }
        return rows;
    }

    /// <summary>The mean loss of the rows <paramref name="y"/> [rows, C]: cross-entropy with the targets or squared error with
    /// the values, padding rows skipped, divided by the terms PyTorch's mean divides by.</summary>
    public static double MeanLoss(SequenceModelConfig config, double[] y, SequenceBatch batch)
    {
        bool perStep = config.HeadPerTimestep;
        int c = config.Outputs, rows = y.Length / c, terms = 0;
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            if (perStep && !IsValid(batch, r)) continue;
            double[] y_r = y[(r * c)..((r + 1) * c)];
            if (config.Kind == ModelKind.Regressor)
            {
                for (int k = 0; k < c; k++, terms++) loss += Math.Pow(y_r[k] - batch.Values[r * c + k], 2);
                continue;
            }
            int target = perStep ? batch.StepTargets[r] : batch.Targets[r];
            double max = y_r.Max();
            loss += Math.Log(y_r.Sum(z => Math.Exp(z - max))) + max - y_r[target];
            terms++;
        }
        return loss / terms;
    }
}

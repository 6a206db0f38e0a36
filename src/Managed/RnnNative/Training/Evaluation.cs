using RnnNative.Data;
using RnnNative.Model;

namespace RnnNative.Training;

/// <summary>Loss of a model on held-out tokens, each predicted once (see <see cref="ValidationPass"/>).</summary>
public static class Evaluation
{
    /// <summary>Mean loss in nats per predicted token over <paramref name="tokens"/> (or its first
    /// <paramref name="maxWindows"/> windows when &gt; 0); NaN when there is nothing to predict.
    /// Bits per token = loss / ln 2; perplexity = exp(loss).</summary>
    public static double MeanLoss(LanguageModel model, TokenSequence tokens, int batchSize, int steps, int maxWindows = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ValidationPass pass = new(tokens, batchSize, steps);
        RecurrentState state = new(model.Config.Recurrent, batchSize);
        int[] inputs = new int[steps * batchSize], targets = new int[steps * batchSize];
        double total = 0;
        long predicted = 0, windows = 0;
        while ((maxWindows == 0 || windows < maxWindows) && pass.Next(inputs, targets, out int windowSteps))
        {
            int rows = windowSteps * batchSize;
            total += model.EvaluateWindow(inputs.AsSpan(0, rows), targets.AsSpan(0, rows), windowSteps, state);
            foreach (int target in targets.AsSpan(0, rows))
            {
                if (target != ValidationPass.IgnoreTarget) predicted++;
            }
            windows++;
        }
        return predicted == 0 ? double.NaN : total / predicted;
    }

    /// <summary>exp(loss): the effective number of equally likely choices per token.</summary>
    public static double Perplexity(double meanLoss) => Math.Exp(meanLoss);

    /// <summary>loss / ln 2: the mean loss in bits per token.</summary>
    public static double BitsPerToken(double meanLoss) => meanLoss / Math.Log(2);
}

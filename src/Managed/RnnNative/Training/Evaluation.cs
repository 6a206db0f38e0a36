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
        model.Config.ValidateWindow(steps, batchSize, nameof(steps), nameof(batchSize));
        ValidationPass pass = new(tokens, batchSize, steps);
        RecurrentState state = new(model.Config, batchSize);
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

    /// <summary>
    /// Mean loss in nats per predicted token of one stream read token by token from the start of
    /// <paramref name="tokens"/>, through <see cref="LanguageModel.Step"/> with batch 1: the path sampling
    /// takes, in the model's <see cref="LanguageModel.StepPrecision"/>. Comparing precisions on the same
    /// text measures what a reduced precision costs. NaN when there is nothing to predict.
    /// </summary>
    public static double StreamLoss(LanguageModel model, TokenSequence tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        RecurrentState state = new(model.Config, 1);
        float[] logits = new float[model.Config.VocabularySize];
        const int Chunk = 4096;
        int[] ids = new int[Chunk + 1];
        double total = 0;
        for (long start = 0; start + 1 < tokens.Length; start += Chunk)
        {
            int count = (int)Math.Min(Chunk, tokens.Length - 1 - start);
            tokens.CopyTo(start, ids.AsSpan(0, count + 1));
            for (int i = 0; i < count; i++)
            {
                model.Step(ids.AsSpan(i, 1), state, logits);
                total += model.Kernels.SoftmaxCrossEntropy(logits, 1, logits.Length, ids.AsSpan(i + 1, 1), [], 0f);
            }
        }
        return tokens.Length < 2 ? double.NaN : total / (tokens.Length - 1);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when <paramref name="tokens"/>
    /// holds fewer than 2 tokens: each token after the first is predicted, so there is no loss to report.
    /// (<see cref="MeanLoss"/> returns NaN then, as an empty validation part legitimately gives.)</summary>
    public static void RequireTokensToPredict(TokenSequence tokens, string paramName)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Length < 2)
        {
            throw new ArgumentException($"{tokens.Length} token(s); evaluate needs at least 2 (each token after the first is predicted)", paramName);
        }
    }

    /// <summary>exp(loss): the effective number of equally likely choices per token.</summary>
    public static double Perplexity(double meanLoss) => Math.Exp(meanLoss);

    /// <summary>loss / ln 2: the mean loss in bits per token.</summary>
    public static double BitsPerToken(double meanLoss) => meanLoss / Math.Log(2);
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RnnNative.Model;

namespace RnnNative.Tests.Fixtures;

/// <summary>
/// What a compatibility fixture's outputs are, computed the same way by the generator (against the
/// engine that wrote the fixtures) and by the tests (against the current one): this file is compiled
/// into both, the engines' LanguageModel.Step and EvaluateWindow having kept their signatures.
/// </summary>
internal static class FixtureOutputs
{
    /// <summary>For streams of T + 1 ids each (two of them): <c>Batched</c>, the logits [T, 2, V] of T steps
    /// of both streams at once (the batched path); <c>Single</c>, the logits [T, V] of T batch-1 steps
    /// of stream 0 (the single-token path); <c>WindowLoss</c>, EvaluateWindow's summed loss over the
    /// [T, 2] window whose targets are each stream's next ids. Every state starts at zero, made by
    /// <paramref name="zeroState"/> (model, B) when given (a Jordan network's state is [1, B, V], not its stack's),
    /// else from the stack's config (all 0.2.0 had).</summary>
    public static (float[] Batched, float[] Single, double WindowLoss) Of(LanguageModel model, int[][] streams, Func<LanguageModel, int, RecurrentState>? zeroState = null)
    {
        zeroState ??= (m, batch) => new RecurrentState(m.Config.Recurrent, batch);
        int steps = streams[0].Length - 1, v = model.Config.VocabularySize;
        RecurrentState two = zeroState(model, 2);
        float[] batched = new float[steps * 2 * v];
        for (int t = 0; t < steps; t++)
        {
            model.Step([streams[0][t], streams[1][t]], two, batched.AsSpan(t * 2 * v, 2 * v));
        }
        RecurrentState one = zeroState(model, 1);
        float[] single = new float[steps * v];
        for (int t = 0; t < steps; t++)
        {
            model.Step([streams[0][t]], one, single.AsSpan(t * v, v));
        }
        // [T, B] time-major, as TrainWindow and EvaluateWindow read them.
        int[] inputs = new int[steps * 2], targets = new int[steps * 2];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < 2; b++)
            {
                inputs[t * 2 + b] = streams[b][t];
                targets[t * 2 + b] = streams[b][t + 1];
            }
        }
        double windowLoss = model.EvaluateWindow(inputs, targets, steps, zeroState(model, 2));
        return (batched, single, windowLoss);
    }

    /// <summary>SHA-256 of the values' float32 bytes (little-endian on every machine .NET runs on), in lowercase hex.</summary>
    public static string Sha256(ReadOnlySpan<float> values) => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values)));
}

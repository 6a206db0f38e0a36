using System.Text.Json;

namespace PeersProbe;

/// <summary>compare.py's rows, passed as JSON so they are defined once (there).</summary>
sealed record Spec(int Vocab, int Layers, int Tokens, TrainingRow[] Training, SamplingRow[] Sampling)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A training row: T = Steps timesteps, B = Batch streams, Updates timed updates.</summary>
sealed record TrainingRow(string Name, string Cell, int Hidden, int Steps, int Batch, int Updates);

/// <summary>A sampling row: Batch streams stepped together (1: the latency rows).</summary>
sealed record SamplingRow(string Name, string Cell, int Hidden, int Batch);

/// <summary>A training row's result.</summary>
sealed record Measurement(string Name, double TokensPerSecond, double Seconds, double Loss);

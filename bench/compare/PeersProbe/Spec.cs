using System.Text.Json;

namespace PeersProbe;

/// <summary>compare.py's rows, passed as JSON so they are defined once (there).</summary>
sealed record Spec(int Vocab, int Layers, TrainingRow[] Training, SamplingRow[] Sampling)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A training row: T = Steps timesteps, B = Batch streams, Updates timed updates.</summary>
sealed record TrainingRow(string Name, string Cell, int Hidden, int Steps, int Batch, int Updates);

/// <summary>A sampling row: Batch streams stepped together (1: the latency rows), Tokens steps per run.</summary>
sealed record SamplingRow(string Name, string Cell, int Hidden, int Batch, int Tokens);

/// <summary>A training row's result: the timed updates' clock, the tokens they trained on, the last loss.</summary>
sealed record Measurement(Clock Clock, double Tokens, double Loss)
{
    public double TokensPerSecond => Tokens / Clock.Seconds;
}

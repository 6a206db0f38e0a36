using RnnNative.Data;
using RnnNative.Model;
using RnnNative.Randomness;
using RnnNative.Sampling;
using RnnNative.Training;

namespace RnnNative.Native.Interop;

// What an rnn_trainer, rnn_state, rnn_sampler and rnn_generator handle holds: the engine objects of
// one host-side object, nothing computed.

/// <summary>A trainer, the cancellation source of the train call in progress and the last progress report.</summary>
internal sealed class TrainerSession(Trainer trainer, TokenSequence corpus)
{
    public Trainer Trainer { get; } = trainer;

    /// <summary>Kept so the corpus (maybe a mapped file) lives as long as the trainer reads it.</summary>
    public TokenSequence Corpus { get; } = corpus;

    public CancellationTokenSource? Cancellation { get; set; }

    public TrainingProgress? LastProgress { get; set; }
}

/// <summary>A batch-1 recurrent state and the model replica that steps it (its own scratch buffers).</summary>
internal sealed class StateSession(LanguageModel model)
{
    public LanguageModel Replica { get; } = model.CreateInferenceReplica();

    public RecurrentState State { get; } = new(model.Config.Recurrent, batch: 1);

    public int[] Token { get; } = new int[1];
}

internal sealed class SamplerSession(TokenSampler sampler, SeededRandom random)
{
    public TokenSampler Sampler { get; } = sampler;

    public SeededRandom Random { get; } = random;
}

/// <summary>A text generator over a replica of the model, with the per-call settings of its config.</summary>
internal sealed class GeneratorSession(TextGenerator generator, int maxTokens, ulong seed, string[] stops)
{
    public TextGenerator Generator { get; } = generator;

    public int MaxTokens { get; } = maxTokens;

    public ulong Seed { get; } = seed;

    public string[] Stops { get; } = stops;
}

namespace RnnNative.Sampling;

/// <summary>
/// One stream of batched serving (<see cref="TextGenerator.Generate(IReadOnlyList{StreamRequest})"/>): the text it
/// continues and how it draws. Each stream draws from its own <see cref="Seed"/>, so its text does not depend on the
/// requests served beside it.
/// </summary>
/// <param name="Prompt">The priming text (not part of the result); empty starts as at a line break.</param>
public sealed record StreamRequest(string Prompt)
{
    /// <summary>Tokens to generate at most (0 or more; default 256).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Divides the logits: below 1 sharper, above 1 flatter; 0 greedy (default 1).</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K most likely tokens (default 0: all).</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches P, in (0, 1] (default 1: all).</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>The stream ends before the earliest of these that its text contains (which is cut off); default none.
    /// Empty strings are ignored.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>The seed of the stream's random generator: the same request and seed give the same text.</summary>
    public ulong Seed { get; init; }

    /// <summary>Temperature, top-k and top-p as the options a <see cref="TokenSampler"/> draws with.</summary>
    public SamplingOptions Options => new(Temperature, TopK, TopP);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first property out of range (by its name, e.g. "TopP").</summary>
    public void Validate()
    {
        if (Prompt is null) throw new ArgumentNullException(nameof(Prompt));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxTokens, nameof(MaxTokens));
        Options.Validate();
        if (StopStrings is null) throw new ArgumentNullException(nameof(StopStrings));
        for (int i = 0; i < StopStrings.Count; i++)
        {
            if (StopStrings[i] is null) throw new ArgumentNullException(nameof(StopStrings), $"stop string {i} is null.");
        }
    }
}

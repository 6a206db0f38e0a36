namespace RnnNative.Sampling;

/// <summary>How the next token is drawn from the model's logits.</summary>
/// <param name="Temperature">Divides the logits: below 1 sharper, above 1 flatter; 0 means greedy (always the most likely token).</param>
/// <param name="TopK">Keep only the K most likely tokens (0: all).</param>
/// <param name="TopP">Keep the smallest set of most likely tokens whose probability reaches P (nucleus sampling; 1: all).</param>
public sealed record SamplingOptions(float Temperature = 1f, int TopK = 0, float TopP = 1f)
{
    /// <summary>Temperature 0: always the most likely token.</summary>
    public bool IsGreedy => Temperature == 0f;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!float.IsFinite(Temperature) || Temperature < 0f) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be a finite number >= 0 (0: greedy)");
        ArgumentOutOfRangeException.ThrowIfNegative(TopK, nameof(TopK));
        if (!(TopP > 0f && TopP <= 1f)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "must be in (0, 1]");
    }
}

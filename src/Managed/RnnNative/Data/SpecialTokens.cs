namespace RnnNative.Data;

/// <summary>
/// The ids every sequence-to-sequence vocabulary (source and target) begins with, so a model, its batches and
/// its decoder agree without being told: padding, the start token the decoder reads first, the end token it
/// writes last, and the unknown token for a symbol outside the vocabulary. A vocabulary's own symbols follow
/// from <see cref="Count"/>. Stable: model files and the C ABI store ids.
/// </summary>
public static class SpecialTokens
{
    /// <summary>PAD: fills a batch past a sequence's length; never a target, never read as input.</summary>
    public const int Padding = 0;

    /// <summary>BOS: the decoder's input at its first timestep.</summary>
    public const int Start = 1;

    /// <summary>EOS: the decoder's target after a sequence's last token; decoding stops when it is chosen.</summary>
    public const int End = 2;

    /// <summary>UNK: a symbol the vocabulary does not hold.</summary>
    public const int Unknown = 3;

    /// <summary>How many ids the special tokens take; the first symbol's id.</summary>
    public const int Count = 4;
}

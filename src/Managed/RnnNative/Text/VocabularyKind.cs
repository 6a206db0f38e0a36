namespace RnnNative.Text;

/// <summary>What one token id stands for. Numbers are stable (C ABI, checkpoints).</summary>
public enum VocabularyKind
{
    /// <summary>One id per byte value: 256 ids, any byte sequence round-trips exactly.</summary>
    Byte = 0,

    /// <summary>One id per Unicode scalar value seen in the corpus (<see cref="Utf8CharVocabulary"/>).</summary>
    Utf8Char = 1,

    /// <summary>One id per word, punctuation character or line break (<see cref="WordVocabulary"/>).</summary>
    Word = 2,
}

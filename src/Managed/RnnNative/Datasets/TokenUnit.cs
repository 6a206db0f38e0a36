namespace RnnNative.Datasets;

/// <summary>What one input id of a text dataset stands for. Numbers are stable (model files).</summary>
public enum TokenUnit
{
    /// <summary>A whole token: a CoNLL token as written, or a word or symbol of a text (the word vocabulary's tokenizer).</summary>
    Words = 0,

    /// <summary>A Unicode scalar value (character).</summary>
    Characters = 1,
}

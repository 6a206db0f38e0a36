using RnnNative.Datasets;

namespace RnnNative.Tasks;

/// <summary>How a training file becomes sequences: the input unit, the vocabulary's cap and case, and the columns of a CSV
/// file. Files read for a trained model (validation, evaluation, prediction) use the model's own encoding instead.</summary>
public sealed record TaskDataOptions
{
    /// <summary>The cap of a word vocabulary when none is given, for every front door: the 20000 most frequent, the rest &lt;unk&gt;.</summary>
    public const int DefaultMaxVocabulary = 20000;

    /// <summary>One input id per word (a CoNLL token, a word of a text) or per character.</summary>
    public TokenUnit Unit { get; init; } = TokenUnit.Words;

    /// <summary>The most frequent units kept; 0 keeps every unit.</summary>
    public int MaxVocabulary { get; init; } = DefaultMaxVocabulary;

    /// <summary>Units are lowercased before they are counted and looked up.</summary>
    public bool Lowercase { get; init; }

    /// <summary>A CSV file's column holding the label.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>A CSV file's column holding the text.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Unit)) throw new ArgumentOutOfRangeException(nameof(Unit), Unit, "unknown input unit");
        ArgumentOutOfRangeException.ThrowIfNegative(MaxVocabulary, nameof(MaxVocabulary));
        ArgumentException.ThrowIfNullOrWhiteSpace(LabelColumn, nameof(LabelColumn));
        ArgumentException.ThrowIfNullOrWhiteSpace(TextColumn, nameof(TextColumn));
    }
}

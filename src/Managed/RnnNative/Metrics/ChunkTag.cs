namespace RnnNative.Metrics;

/// <summary>
/// A tag as CoNLL's conlleval.pl (version 2004-01-26) reads it: "B-PER" is the chunk tag "B" of the type
/// "PER", split at the first hyphen (types may contain hyphens); a tag without a hyphen ("O") has the type "".
/// With the rules for where chunks start and end between two consecutive tags.
/// </summary>
/// <remarks>
/// The rules are conlleval's: IOB1 (a chunk starts at I- after O, B- only separates two adjacent chunks of
/// one type), IOB2 (every chunk starts at B-) and any change of type start and end chunks; E- (IOE) and the
/// one-token bracket tags "[" and "]" are read as conlleval reads them. S- is not one of conlleval's tags:
/// like any unknown chunk tag it starts a chunk only where the type changes.
/// </remarks>
internal readonly record struct ChunkTag(string Tag, string Type)
{
    /// <summary>Outside every chunk; also what a sentence boundary counts as.</summary>
    public static readonly ChunkTag Outside = new("O", "");

    /// <summary>"B-A-B" -> ("B", "A-B"); "O" -> ("O", "").</summary>
    public static ChunkTag Parse(string tag)
    {
        int hyphen = tag.IndexOf('-', StringComparison.Ordinal);
        return hyphen < 0 ? new ChunkTag(tag, "") : new ChunkTag(tag[..hyphen], tag[(hyphen + 1)..]);
    }

    /// <summary>Whether a chunk ended between <paramref name="previous"/> and <paramref name="current"/>.</summary>
    public static bool ChunkEnds(ChunkTag previous, ChunkTag current) =>
        (previous.Tag, current.Tag) is ("B" or "I", "B" or "O") or ("E", "E" or "I" or "O")
        || (previous.Tag is not ("O" or ".") && previous.Type != current.Type)
        || previous.Tag is "[" or "]";

    /// <summary>Whether a chunk started between <paramref name="previous"/> and <paramref name="current"/>.</summary>
    public static bool ChunkStarts(ChunkTag previous, ChunkTag current) =>
        (previous.Tag, current.Tag) is ("B" or "I" or "O", "B") or ("O" or "E", "I") or ("O" or "E", "E")
        || (current.Tag is not ("O" or ".") && previous.Type != current.Type)
        || current.Tag is "[" or "]";
}

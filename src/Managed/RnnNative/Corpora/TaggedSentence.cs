namespace RnnNative.Corpora;

/// <summary>
/// One sentence of a tagging corpus: its tokens and one tag per token (BIO slot tags such as
/// <c>B-toloc.city</c>, <c>I-toloc.city</c>, <c>O</c>), aligned by index.
/// </summary>
public sealed class TaggedSentence
{
    /// <summary>A sentence of <paramref name="tokens"/> tagged with <paramref name="tags"/>, one tag per token.</summary>
    /// <exception cref="ArgumentException">The sentence is empty, or tokens and tags differ in count.</exception>
    public TaggedSentence(IReadOnlyList<string> tokens, IReadOnlyList<string> tags)
    {
        if (tokens.Count == 0 || tokens.Count != tags.Count)
        {
            throw new ArgumentException($"a tagged sentence has one tag per token and at least one token, not {tokens.Count} tokens and {tags.Count} tags.", nameof(tags));
        }
        Tokens = tokens;
        Tags = tags;
    }

    /// <summary>The words, in order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The tag of each word: <c>Tags[i]</c> belongs to <c>Tokens[i]</c>.</summary>
    public IReadOnlyList<string> Tags { get; }
}

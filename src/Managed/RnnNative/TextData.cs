using RnnNative.Data;
using RnnNative.Text;

namespace RnnNative;

/// <summary>A text read for training (<see cref="Rnn.ReadText(string, double)"/>): its vocabulary, its
/// tokens, and their split into training and held-out parts. Disposing releases the tokens, which
/// may be a memory-mapped file for a large text.</summary>
/// <param name="Vocabulary">The vocabulary the text was encoded with; save it with the model.</param>
/// <param name="Tokens">The whole text as token ids.</param>
/// <param name="Split">The training part and the held-out part that follows it, slices of <paramref name="Tokens"/>.</param>
public sealed record TextData(Vocabulary Vocabulary, TokenSequence Tokens, CorpusSplit Split) : IDisposable
{
    /// <summary>Releases the tokens (and a mapped token file); the split's parts must not be used afterwards.</summary>
    public void Dispose() => Tokens.Dispose();
}

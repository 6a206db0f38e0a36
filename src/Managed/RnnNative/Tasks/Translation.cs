namespace RnnNative.Tasks;

/// <summary>One source's decoded target (<see cref="Seq2SeqTaskModel.Translate(IReadOnlyList{string}, Sampling.BeamOptions?, int, int)"/>).</summary>
/// <param name="Text">The tokens as the target vocabulary writes them (characters joined, words joined by spaces).</param>
/// <param name="Tokens">The target ids, without start and end.</param>
/// <param name="LogProbability">Σ log p of every token chosen, the end token included when <paramref name="Finished"/>.</param>
/// <param name="Score">What the search ranked by (<see cref="Sampling.DecodedSequence"/>: greedy's is the log-probability).</param>
/// <param name="Finished">The decoder ended it (end token); false when it reached the maximum length.</param>
public sealed record Translation(string Text, int[] Tokens, double LogProbability, double Score, bool Finished);

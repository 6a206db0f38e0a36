namespace RnnNative.Model;

/// <summary>
/// A decoder that advances one token at a time over R rows (hypotheses), each with its own state: the seam
/// between a model (<c>Seq2SeqModel.StartDecoding</c>) and a search (greedy, beam). It starts with one
/// row per source, each in the state the encoder left; a search grows, shrinks and reorders the rows with
/// <see cref="Reorder"/> (a beam of K per source: every source's row repeated K times).
/// </summary>
public interface IStepDecoder
{
    /// <summary>V: target tokens, special tokens included (<see cref="Data.SpecialTokens"/>).</summary>
    int Vocabulary { get; }

    /// <summary>Rows now: one per source at the start, then as the last <see cref="Reorder"/> left them.</summary>
    int Rows { get; }

    /// <summary>The source each row decodes for (its index in the batch of sources), [Rows].</summary>
    ReadOnlySpan<int> Sources { get; }

    /// <summary>Reads one token per row (<see cref="Data.SpecialTokens.Start"/> first), advances every row's state and
    /// writes the log-probabilities of the next token, [Rows, V] (each row's log-softmax).</summary>
    void Step(ReadOnlySpan<int> tokens, Span<float> logProbabilities);

    /// <summary>Rows become copies of the rows named: new row r takes old row <paramref name="parents"/>[r]'s state and
    /// source; <see cref="Rows"/> becomes <paramref name="parents"/>.Length (a parent may be named several times or not at all;
    /// no rows at all is allowed, and a <see cref="Step"/> of no rows does nothing).</summary>
    void Reorder(ReadOnlySpan<int> parents);
}

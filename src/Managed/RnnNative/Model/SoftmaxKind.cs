namespace RnnNative.Model;

/// <summary>How a language model's output layer turns the top hidden state into a distribution over the V tokens.
/// Numbers are stable (C ABI, model files).</summary>
public enum SoftmaxKind
{
    /// <summary>One softmax over all V logits (<c>logits = h · W_outᵀ + b_out</c>): V dot products per token.</summary>
    Full = 0,

    /// <summary>Class-factored (Mikolov et al. 2011): P(w | h) = P(class(w) | h) · P(w | class(w), h), the words grouped
    /// into K classes by frequency (<see cref="WordClasses"/>): K + |class| dot products per token in training and
    /// evaluation, exact probabilities (the factorisation is normalised). Pays off for large word vocabularies.</summary>
    Class = 1,
}

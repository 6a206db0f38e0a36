namespace RnnNative.Cells;

/// <summary>g, the output activation of a <see cref="JordanLayer"/>: what y_t, the value fed back, is.</summary>
public enum JordanOutput
{
    /// <summary>y = softmax(z), probabilities: taggers, classifiers and language models (trained with cross-entropy on z).</summary>
    Softmax = 0,

    /// <summary>y = z, the linear output: regressors (trained with squared error on z).</summary>
    Identity = 1,
}

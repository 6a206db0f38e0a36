namespace RnnNative.Model;

/// <summary>What a model predicts. Numbers are stable (C ABI, model files).</summary>
public enum ModelKind
{
    /// <summary>The next token of a stream (char-rnn); <see cref="LanguageModel"/>.</summary>
    LanguageModel = 0,

    /// <summary>A tag per timestep (slot filling, BIO tags): softmax over the tag set at every timestep.</summary>
    Tagger = 1,

    /// <summary>A class per sequence: softmax over the classes of the last state or the mean over timesteps.</summary>
    Classifier = 2,

    /// <summary>O real values per sequence or per timestep: a linear output with mean squared error.</summary>
    Regressor = 3,

    /// <summary>A target sequence for a source sequence: an encoder and a decoder with its own weights
    /// (<c>Seq2SeqModel</c>), trained with teacher forcing, decoded greedily or by beam search.</summary>
    Seq2Seq = 4,
}

/// <summary>How a classifier turns a sequence's outputs into one vector. Numbers are stable (C ABI, model files).</summary>
public enum SequencePooling
{
    /// <summary>The output at the sequence's own last timestep; with a bidirectional stack, the forward direction's
    /// there and the backward direction's at timestep 0 (each direction's final state, as PyTorch's h_n).</summary>
    Last = 0,

    /// <summary>The mean of the outputs over the sequence's timesteps (padding excluded).</summary>
    Mean = 1,
}

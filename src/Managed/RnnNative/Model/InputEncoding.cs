namespace RnnNative.Model;

/// <summary>How a model's first layer sees its input at a timestep. Numbers are stable (C ABI, checkpoints).</summary>
public enum InputEncoding
{
    /// <summary>A learned vector per token: <c>x_t = embedding[token_t]</c> [E] (PyTorch's <c>nn.Embedding</c>).</summary>
    Embedding = 0,

    /// <summary>The one-hot vector of the token, [V], as char-rnn: no embedding, layer 0's
    /// <c>W_ih</c> is [G*H, V] and its column <c>token_t</c> is the token's input projection.</summary>
    OneHot = 1,

    /// <summary>F floats given per timestep (numeric sequences): <c>x_t</c> [F] is read as it is, layer 0's
    /// <c>W_ih</c> [G*H, F] is the projection; no vocabulary, no weights of its own.</summary>
    Dense = 2,
}

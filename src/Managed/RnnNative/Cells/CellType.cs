namespace RnnNative.Cells;

/// <summary>The recurrent cell of every layer of a stack. Numbers are stable (C ABI, checkpoints).</summary>
public enum CellType
{
    /// <summary>Elman RNN: <c>h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)</c>, PyTorch's <c>nn.RNN</c>.</summary>
    Elman = 0,

    /// <summary>LSTM with PyTorch's gate order (i, f, g, o) and two bias vectors, <c>nn.LSTM</c>.</summary>
    Lstm = 1,

    /// <summary>GRU with PyTorch's gate order (r, z, n), <c>nn.GRU</c>:
    /// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, <c>h' = (1 − z) ⊙ n + z ⊙ h</c>.</summary>
    Gru = 2,

    /// <summary>Jordan network (Jordan 1986), which feeds back its previous output instead of its hidden state:
    /// <c>h_t = f(W_ih x_t + W_yh y_{t-1} + b)</c>, <c>y_t = g(W_out h_t + b_out)</c>, <c>y_0 = 0</c>. One layer in one
    /// direction that owns its output layer (<see cref="JordanLayer"/>); not a layer of a <see cref="RecurrentStack"/>,
    /// and no PyTorch module. Serves sequence models and (since 0.5.0) language models.</summary>
    Jordan = 3,
}

/// <summary>The nonlinearity f of an Elman cell. Numbers are stable (C ABI, checkpoints).</summary>
public enum Activation
{
    /// <summary>f = tanh, PyTorch's default.</summary>
    Tanh = 0,
    /// <summary>f = max(0, x), PyTorch's <c>nonlinearity="relu"</c>.</summary>
    Relu = 1,
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PeersProbe;

/// <summary>
/// compare.py's CharRnn in libtorch (TorchSharp): embedding (= hidden) -> 2-layer nn.LSTM / nn.GRU /
/// nn.RNN (tanh), sequence-first -> linear over the vocabulary. The state is a list of tensors
/// [layers, B, H]: (h, c) for the LSTM, (h) otherwise; null means zeros.
/// </summary>
sealed class TorchCharRnn : nn.Module
{
    readonly Embedding embedding;
    readonly LSTM? lstm;
    readonly GRU? gru;
    readonly RNN? elman;
    readonly Linear decoder;

    public TorchCharRnn(string cell, int vocab, int hidden, int layers) : base("CharRnn")
    {
        embedding = nn.Embedding(vocab, hidden);
        switch (cell)
        {
            case "lstm": lstm = nn.LSTM(hidden, hidden, layers); break;
            case "gru": gru = nn.GRU(hidden, hidden, layers); break;
            case "elman": elman = nn.RNN(hidden, hidden, layers, nn.NonLinearities.Tanh); break;
            default: throw new ArgumentException($"cell {cell}: expected lstm, gru or elman");
        }
        decoder = nn.Linear(hidden, vocab);
        RegisterComponents();
    }

    /// <summary>tokens [T, B] -> logits [T, B, V] and the final state.</summary>
    public (Tensor Logits, Tensor[] State) Forward(Tensor tokens, Tensor[]? state)
    {
        var x = embedding.call(tokens);                                   // [T, B, H]
        Tensor output;
        Tensor[] next;
        if (lstm is not null)
        {
            var (y, h, c) = lstm.call(x, state is null ? null : (state[0], state[1]));
            (output, next) = (y, [h, c]);
        }
        else
        {
            var (y, h) = gru is not null ? gru.call(x, state?[0]) : elman!.call(x, state?[0]);
            (output, next) = (y, [h]);
        }
        return (decoder.call(output), next);
    }
}

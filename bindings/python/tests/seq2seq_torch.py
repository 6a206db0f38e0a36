"""The PyTorch side of the .NET encoder-decoder parity tests (tests/RnnNative.Tests/PyTorch/Seq2SeqParityTests.cs):
the seq2seq model of src/Managed/RnnNative/Model/Seq2SeqConfig.cs under teacher forcing, with the same context wiring.

Command line: python3 seq2seq_torch.py JOBS.json runs every job of the JSON list:
  {"config": {"cell": "lstm" | "gru" | "rnn", "nonlinearity", "source_vocab", "target_vocab", "source_embedding",
              "target_embedding", "hidden_size", "num_layers", "bidirectional", "decoder_hidden_size",
              "decoder_layers", "bridge"},
   "weights": path, "data": path, "out": path}
      builds the model below, loads the weights file's tensors (strict=True), reads the data file: "source" [Ts, B] token
      ids (as floats), "source_lengths" [B], "decoder_inputs" [Tt, B], "decoder_targets" [Tt, B] (-1 past a pair's
      target); backpropagates the mean CrossEntropyLoss(ignore_index=-1) and writes "log_probabilities" [Tt, B, Vt]
      (log-softmax of every timestep's logits, padding included) and "grad.<name>" for every parameter; metadata "loss".

Model:
  c          = h_n of encoder.rnn over pack_padded_sequence(encoder.embedding(source)): top layer, [forward; backward]
  s_0        = tanh(bridge(c)) viewed [B, Ld, Hd] -> [Ld, B, Hd] (LSTM c_0 = 0)   if bridge, else the encoder's (h_n, c_n)
  s          = decoder.rnn([decoder.embedding(y_prev) ; c] for every timestep, s_0)
  logits     = output([s ; c ; decoder.embedding(y_prev)])

The .NET tests copy this file next to charrnn_torch.py (PyTorch/) and run it the same way.
"""
import json
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.append(str(Path(__file__).resolve().parent.parent))
from rnnnative.torch import read_safetensors, write_safetensors  # noqa: E402


def recurrent(c, input_size, hidden_size, num_layers, bidirectional):
    modules = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
    extra = {"nonlinearity": c["nonlinearity"]} if c["cell"] == "rnn" else {}
    return modules[c["cell"]](input_size, hidden_size, num_layers, bidirectional=bidirectional, **extra)


class Seq2Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        directions = 2 if c["bidirectional"] else 1
        self.context_size = directions * c["hidden_size"]
        self.encoder = nn.Module()
        self.encoder.embedding = nn.Embedding(c["source_vocab"], c["source_embedding"])
        self.encoder.rnn = recurrent(c, c["source_embedding"], c["hidden_size"], c["num_layers"], c["bidirectional"])
        self.decoder = nn.Module()
        self.decoder.embedding = nn.Embedding(c["target_vocab"], c["target_embedding"])
        self.decoder.rnn = recurrent(c, c["target_embedding"] + self.context_size, c["decoder_hidden_size"], c["decoder_layers"], False)
        if c["bridge"]:
            self.bridge = nn.Linear(self.context_size, c["decoder_layers"] * c["decoder_hidden_size"])
        self.output = nn.Linear(c["decoder_hidden_size"] + self.context_size + c["target_embedding"], c["target_vocab"])

    def forward(self, source, lengths, decoder_inputs):
        c = self.c
        lstm = c["cell"] == "lstm"
        packed = nn.utils.rnn.pack_padded_sequence(self.encoder.embedding(source.long()), lengths, enforce_sorted=False)
        _, state = self.encoder.rnn(packed)
        h_n = state[0] if lstm else state
        context = torch.cat([h_n[-2], h_n[-1]], dim=1) if c["bidirectional"] else h_n[-1]   # [B, C]
        batch = context.shape[0]
        if c["bridge"]:
            h_0 = torch.tanh(self.bridge(context)).view(batch, c["decoder_layers"], c["decoder_hidden_size"]).transpose(0, 1).contiguous()
            initial = (h_0, torch.zeros_like(h_0)) if lstm else h_0
        else:
            initial = state
        embedded = self.decoder.embedding(decoder_inputs.long())                        # [Tt, B, Et]
        contexts = context.unsqueeze(0).expand(embedded.shape[0], batch, self.context_size)
        s, _ = self.decoder.rnn(torch.cat([embedded, contexts], dim=2), initial)
        return self.output(torch.cat([s, contexts, embedded], dim=2))                  # [Tt, B, Vt]


def run(job):
    c = job["config"]
    model = Seq2Seq(c)
    with open(job["weights"], "rb") as f:
        weights, _ = read_safetensors(f.read())
    model.load_state_dict(weights, strict=True)
    with open(job["data"], "rb") as f:
        data, _ = read_safetensors(f.read())
    model.zero_grad()
    logits = model(data["source"], data["source_lengths"].to(torch.int64), data["decoder_inputs"])
    targets = data["decoder_targets"].to(torch.int64)
    loss = nn.CrossEntropyLoss(ignore_index=-1)(logits.reshape(-1, c["target_vocab"]), targets.reshape(-1))
    loss.backward()
    results = {"log_probabilities": torch.log_softmax(logits, dim=-1)}
    results.update({"grad." + name: p.grad for name, p in model.named_parameters()})
    with open(job["out"], "wb") as f:
        f.write(write_safetensors({k: v.detach() for k, v in results.items()}, {"loss": repr(loss.item())}))


def main(jobs_path):
    torch.set_num_threads(1)
    with open(jobs_path) as f:
        jobs = json.load(f)
    for job in jobs:
        run(job)


if __name__ == "__main__":
    main(sys.argv[1])

"""The PyTorch side of the .NET sequence-model parity tests (tests/RnnNative.Tests/PyTorch/SequenceParityTests.cs):
taggers, classifiers and regressors over padded batches, mirrored with pack_padded_sequence.

Command line: python3 sequence_torch.py JOBS.json runs every job of the JSON list:
  {"config": {"kind": "tagger" | "classifier" | "regressor", "input": "embedding" | "onehot" | "dense",
              "vocab_size", "embedding_dim", "feature_size", "cell": "lstm" | "gru" | "rnn", "nonlinearity",
              "hidden_size", "num_layers", "bidirectional", "outputs", "pooling": "last" | "mean", "per_step"},
   "weights": path, "data": path, "out": path}
      builds the model below, loads the weights file's tensors (embedding.weight, rnn.*, decoder.*; strict=True),
      reads the data file: "inputs" [T, B] token ids (as floats) or [T, B, F] features, "lengths" [B], and
      "targets" ([T, B] with -1 at padding, or [B]) or "values" ([T, B, O] or [B, O]); runs the batch as
      pack_padded_sequence(enforce_sorted=False) from a zero state, backpropagates the mean loss
      (CrossEntropyLoss(ignore_index=-1) or MSELoss over the valid elements), and writes "predictions"
      (softmax probabilities or values; [T, B, C] with zeros at padding, or [B, C]) and "grad.<name>" for
      every parameter; metadata "loss".

Model: x_t = embedding(token) | one_hot(token) | features; out, h_n = rnn(packed x); the head reads
pad_packed(out) per timestep (tagger, per-step regressor), or per sequence h_n's top layer [forward; backward]
("last": each direction's final state) or the mean of out over the sequence's timesteps ("mean"); then decoder
= nn.Linear(D*H, outputs).

The .NET tests copy this file next to charrnn_torch.py (PyTorch/) and run it the same way.
"""
import json
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.append(str(Path(__file__).resolve().parent.parent))
from rnnnative.torch import read_safetensors, write_safetensors  # noqa: E402


class SequenceNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        if c["input"] == "embedding":
            self.embedding = nn.Embedding(c["vocab_size"], c["embedding_dim"])
        input_size = {"embedding": c.get("embedding_dim", 0), "onehot": c.get("vocab_size", 0), "dense": c.get("feature_size", 0)}[c["input"]]
        modules = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
        extra = {"nonlinearity": c["nonlinearity"]} if c["cell"] == "rnn" else {}
        self.rnn = modules[c["cell"]](input_size, c["hidden_size"], c["num_layers"], bidirectional=c["bidirectional"], **extra)
        directions = 2 if c["bidirectional"] else 1
        self.decoder = nn.Linear(directions * c["hidden_size"], c["outputs"])

    def per_timestep(self):
        return self.c["kind"] == "tagger" or (self.c["kind"] == "regressor" and self.c["per_step"])

    def forward(self, inputs, lengths):
        c = self.c
        if c["input"] == "embedding":
            x = self.embedding(inputs.long())
        elif c["input"] == "onehot":
            x = nn.functional.one_hot(inputs.long(), c["vocab_size"]).float()
        else:
            x = inputs
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        out, state = self.rnn(packed)
        h_n = state[0] if c["cell"] == "lstm" else state
        out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=x.shape[0])
        if self.per_timestep():
            return self.decoder(out)
        if c["pooling"] == "last":
            pooled = torch.cat([h_n[-2], h_n[-1]], dim=1) if c["bidirectional"] else h_n[-1]
        else:
            pooled = out.sum(dim=0) / lengths.unsqueeze(1).to(out.dtype)
        return self.decoder(pooled)


def run(job):
    c = job["config"]
    model = SequenceNet(c)
    with open(job["weights"], "rb") as f:
        weights, _ = read_safetensors(f.read())
    model.load_state_dict(weights, strict=True)
    with open(job["data"], "rb") as f:
        data, _ = read_safetensors(f.read())
    lengths = data["lengths"].to(torch.int64)
    steps = data["inputs"].shape[0]
    valid = torch.arange(steps).unsqueeze(1) < lengths.unsqueeze(0)   # [T, B]
    model.zero_grad()
    y = model(data["inputs"], lengths)
    if c["kind"] == "regressor":
        values = data["values"]
        loss = nn.functional.mse_loss(y[valid], values[valid]) if model.per_timestep() else nn.functional.mse_loss(y, values)
        predictions = y
    else:
        targets = data["targets"].to(torch.int64)
        loss = nn.CrossEntropyLoss(ignore_index=-1)(y.reshape(-1, c["outputs"]), targets.reshape(-1))
        predictions = torch.softmax(y, dim=-1)
    if model.per_timestep():
        predictions = predictions * valid.unsqueeze(2)
    loss.backward()
    results = {"predictions": predictions}
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

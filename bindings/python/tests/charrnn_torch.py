"""The PyTorch twin of an RnnNative language model, and the PyTorch side of the parity tests.

CharRnn's state_dict has exactly the tensors RnnNative exports (Model/PyTorchExchange.cs):
embedding.weight [V, E], rnn.{weight_ih,weight_hh,bias_ih,bias_hh}_l{k}, decoder.weight [V, H],
decoder.bias [V]. With embedding_dim=0 the input is one-hot (F.one_hot, [V] per token) and there is
no embedding.weight. Files are safetensors, read and written here in pure Python (json + struct +
torch.frombuffer) so nothing beyond python3-torch is needed.

    model, metadata = CharRnn.load("model.safetensors")     # strict=True
    logits, _ = model(torch.tensor([[ids...]]).T)            # [T, B] -> [T, B, V]

Command line (used by tests/RnnNative.Tests/PyTorch): python3 charrnn_torch.py JOBS.json
runs every job of the JSON list and writes its results as safetensors files:
  {"op": "forward", "model": path, "inputs": path, "out": path}
      loads the model, runs the window in inputs ({"steps", "batch", "inputs", "targets"}, [T, B]
      time-major ids) from a zero state, backpropagates the mean cross-entropy, and writes
      "logits" [T, B, V] and "grad.<name>" for every parameter; metadata "loss".
  {"op": "create", "config": {...}, "seed": s, "metadata": bool, "model": path, ...forward keys}
      builds CharRnn(**config) after torch.manual_seed(seed) (PyTorch's default init), saves it
      (with or without config metadata, as a model someone trained in PyTorch), then runs "forward".
"""
import json
import struct
import sys

import torch
from torch import nn


def read_safetensors(data):
    """bytes -> ({name: float32 tensor}, {metadata}); F32 only, as RnnNative writes."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    buffer = memoryview(data)[8 + n:]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(buffer[begin:end]), dtype=torch.float32) if end > begin else torch.zeros(0)
        tensors[name] = values.reshape(info["shape"])
    return tensors, metadata


def write_safetensors(tensors, metadata=None):
    """{name: tensor}, {str: str} -> bytes: F32, header space-padded to 8 bytes, offsets from the buffer start."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, tensor in tensors.items():
        raw = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks)


class CharRnn(nn.Module):
    """Embedding (or one-hot, embedding_dim=0) -> nn.LSTM or nn.RNN (sequence-first) -> Linear, as RnnNative's LanguageModel."""

    def __init__(self, vocab_size, embedding_dim, hidden_size, num_layers=1, cell="lstm", nonlinearity="tanh"):
        super().__init__()
        self.config = dict(vocab_size=vocab_size, embedding_dim=embedding_dim, hidden_size=hidden_size,
                           num_layers=num_layers, cell=cell, nonlinearity=nonlinearity)
        self.embedding = nn.Embedding(vocab_size, embedding_dim) if embedding_dim > 0 else None
        inputs = embedding_dim if embedding_dim > 0 else vocab_size
        if cell == "lstm":
            self.rnn = nn.LSTM(inputs, hidden_size, num_layers, batch_first=False)
        elif cell == "rnn":
            self.rnn = nn.RNN(inputs, hidden_size, num_layers, nonlinearity=nonlinearity, batch_first=False)
        else:
            raise ValueError(f"cell {cell!r}: expected 'lstm' or 'rnn'")
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, state=None):
        """tokens [T, B] -> logits [T, B, V], final state."""
        if self.embedding is None:
            x = nn.functional.one_hot(tokens, self.config["vocab_size"]).to(torch.float32)
        else:
            x = self.embedding(tokens)
        output, state = self.rnn(x, state)
        return self.decoder(output), state

    def metadata(self):
        """The config as RnnNative's metadata keys (no vocabulary: RnnNative import takes one)."""
        c = self.config
        m = {"format": "pt", "cell": c["cell"], "vocab_size": c["vocab_size"], "embedding_dim": c["embedding_dim"],
             "hidden_size": c["hidden_size"], "num_layers": c["num_layers"]}
        if c["cell"] == "rnn":
            m["nonlinearity"] = c["nonlinearity"]
        if c["embedding_dim"] == 0:
            m["input"] = "one_hot"
        return m

    @staticmethod
    def from_bytes(data):
        """Builds the module from an RnnNative export (config from its metadata) with strict loading."""
        tensors, m = read_safetensors(data)
        model = CharRnn(int(m["vocab_size"]), int(m["embedding_dim"]), int(m["hidden_size"]), int(m["num_layers"]),
                        m["cell"], m.get("nonlinearity", "tanh"))
        model.load_state_dict(tensors, strict=True)
        return model, m

    @staticmethod
    def load(path):
        with open(path, "rb") as f:
            return CharRnn.from_bytes(f.read())


def forward_job(model, job):
    with open(job["inputs"]) as f:
        window = json.load(f)
    steps, batch = window["steps"], window["batch"]
    inputs = torch.tensor(window["inputs"], dtype=torch.long).reshape(steps, batch)
    targets = torch.tensor(window["targets"], dtype=torch.long).reshape(steps, batch)
    model.zero_grad()
    logits, _ = model(inputs)
    loss = nn.functional.cross_entropy(logits.reshape(steps * batch, -1), targets.reshape(-1))
    loss.backward()
    results = {"logits": logits}
    results.update({"grad." + name: p.grad for name, p in model.named_parameters()})
    with open(job["out"], "wb") as f:
        f.write(write_safetensors(results, {"loss": repr(loss.item())}))


def main(jobs_path):
    torch.set_num_threads(1)
    with open(jobs_path) as f:
        jobs = json.load(f)
    for job in jobs:
        if job["op"] == "create":
            torch.manual_seed(job["seed"])
            model = CharRnn(**job["config"])
            with open(job["model"], "wb") as f:
                f.write(write_safetensors(model.state_dict(), model.metadata() if job["metadata"] else None))
        elif job["op"] == "forward":
            model, _ = CharRnn.load(job["model"])
        else:
            raise ValueError(f"unknown op {job['op']!r}")
        forward_job(model, job)


if __name__ == "__main__":
    main(sys.argv[1])

"""The PyTorch side of the .NET parity tests (tests/RnnNative.Tests/PyTorch), over the shipped
rnnnative.torch module (CharRnn, safetensors in pure Python).

Command line: python3 charrnn_torch.py JOBS.json runs every job of the JSON list and writes its
results as safetensors files:
  {"op": "forward", "model": path, "inputs": path, "out": path}
      loads the model, runs the window in inputs ({"steps", "batch", "inputs", "targets"}, [T, B]
      time-major ids) from a zero state, backpropagates the mean cross-entropy, and writes
      "logits" [T, B, V] and "grad.<name>" for every parameter; metadata "loss". In eval mode (no
      dropout) unless the job has "train": true.
  {"op": "create", "config": {...}, "seed": s, "metadata": bool, "model": path, ...forward keys}
      builds CharRnn(**config) (config: vocab_size, embedding_dim, hidden_size, num_layers, cell
      "lstm" | "gru" | "rnn", nonlinearity, dropout) after torch.manual_seed(seed) (PyTorch's default init), saves it
      (with or without config metadata, as a model someone trained in PyTorch), then runs "forward".

The .NET tests copy this file with rnnnative/torch.py beside it (PyTorch/rnnnative/torch.py: a
namespace package, so the native library is not needed there); in a checkout the package is the
parent folder's.
"""
import json
import sys
from pathlib import Path

import torch
from torch import nn

sys.path.append(str(Path(__file__).resolve().parent.parent))
from rnnnative.torch import CharRnn, load_charrnn, write_safetensors  # noqa: E402


def forward_job(model, job):
    with open(job["inputs"]) as f:
        window = json.load(f)
    steps, batch = window["steps"], window["batch"]
    inputs = torch.tensor(window["inputs"], dtype=torch.long).reshape(steps, batch)
    targets = torch.tensor(window["targets"], dtype=torch.long).reshape(steps, batch)
    model.train(job.get("train", False))
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
            model = load_charrnn(job["model"])
        else:
            raise ValueError(f"unknown op {job['op']!r}")
        forward_job(model, job)


if __name__ == "__main__":
    main(sys.argv[1])

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
  {"op": "train", "model": path, "windows": path, "lr": x, "clip": x, "eps": x, "out": path}
      loads the model and runs one Adam update (torch.optim.Adam, lr, eps) per window of the windows file
      ({"steps", "batch", "windows": [{"inputs", "targets"}, ...]}): forward from the state the previous
      window left (detached; zero before the first), mean cross-entropy, backward,
      clip_grad_norm_(clip), step; writes the final parameters under their state_dict names.
  {"op": "stack", "config": {"cell", "input_size", "hidden_size", "num_layers", "bidirectional",
   "nonlinearity"}, "weights": path, "data": path, "out": path}
      a bare nn.LSTM / nn.GRU / nn.RNN (sequence-first) with the weights file's tensors (strict=True),
      run on the data file's "input" [T, B, I] from "h0" (and "c0") [L*D, B, H]; backpropagates
      L = sum(g_output * output) + sum(g_hidden * h_n) (+ sum(g_cell * c_n)) and writes "output",
      "h_n" ("c_n"), "grad.<name>" for every parameter and "grad.input", "grad.h0" ("grad.c0").
      With "lengths" [B] in the data file, the batch goes in as pack_padded_sequence(enforce_sorted=False)
      and the output comes back through pad_packed_sequence (zeros past each length).

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
from rnnnative.torch import CharRnn, load_charrnn, read_safetensors, write_safetensors  # noqa: E402


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


def train_job(model, job):
    with open(job["windows"]) as f:
        data = json.load(f)
    steps, batch = data["steps"], data["batch"]
    optimizer = torch.optim.Adam(model.parameters(), lr=job["lr"], eps=job["eps"])
    state = None
    for window in data["windows"]:
        inputs = torch.tensor(window["inputs"], dtype=torch.long).reshape(steps, batch)
        targets = torch.tensor(window["targets"], dtype=torch.long).reshape(steps, batch)
        optimizer.zero_grad()
        logits, state = model(inputs, state)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = nn.functional.cross_entropy(logits.reshape(steps * batch, -1), targets.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), job["clip"])
        optimizer.step()
    with open(job["out"], "wb") as f:
        f.write(write_safetensors({name: p.detach() for name, p in model.named_parameters()}))


def stack_job(job):
    c = job["config"]
    modules = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
    extra = {"nonlinearity": c["nonlinearity"]} if c["cell"] == "rnn" else {}
    module = modules[c["cell"]](c["input_size"], c["hidden_size"], c["num_layers"], bidirectional=c["bidirectional"], **extra)
    with open(job["weights"], "rb") as f:
        weights, _ = read_safetensors(f.read())
    module.load_state_dict(weights, strict=True)
    with open(job["data"], "rb") as f:
        data, _ = read_safetensors(f.read())
    x = data["input"].clone().requires_grad_(True)
    h0 = data["h0"].clone().requires_grad_(True)
    lstm = c["cell"] == "lstm"
    c0 = data["c0"].clone().requires_grad_(True) if lstm else None
    module.zero_grad()
    packed = "lengths" in data
    source = nn.utils.rnn.pack_padded_sequence(x, data["lengths"].to(torch.int64), enforce_sorted=False) if packed else x
    output, state = module(source, (h0, c0) if lstm else h0)
    if packed:
        output, _ = nn.utils.rnn.pad_packed_sequence(output, total_length=x.shape[0])
    h_n, c_n = state if lstm else (state, None)
    loss = (output * data["g_output"]).sum() + (h_n * data["g_hidden"]).sum()
    if lstm:
        loss = loss + (c_n * data["g_cell"]).sum()
    loss.backward()
    results = {"output": output, "h_n": h_n, "grad.input": x.grad, "grad.h0": h0.grad}
    if lstm:
        results.update({"c_n": c_n, "grad.c0": c0.grad})
    results.update({"grad." + name: p.grad for name, p in module.named_parameters()})
    with open(job["out"], "wb") as f:
        f.write(write_safetensors({k: v.detach() for k, v in results.items()}))


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
        elif job["op"] == "stack":
            stack_job(job)
            continue
        elif job["op"] == "train":
            train_job(load_charrnn(job["model"]), job)
            continue
        else:
            raise ValueError(f"unknown op {job['op']!r}")
        forward_job(model, job)


if __name__ == "__main__":
    main(sys.argv[1])

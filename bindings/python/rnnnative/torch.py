"""RnnNative models in PyTorch: the char-rnn module whose state_dict is exactly what RnnNative's
safetensors files hold, and the file format, read and written in pure Python (json + struct +
torch.frombuffer: no `safetensors` package). Importing this module imports torch; `import
rnnnative` alone never does.

    from rnnnative.torch import load_charrnn
    module = load_charrnn("model.safetensors")     # a torch.nn.Module: load_state_dict(strict=True)
    logits, state = module(tokens)                 # tokens [T, B] (time-major) -> logits [T, B, V]

And back: save_charrnn(module, "torch.safetensors"), then Model.import_safetensors(path, vocab=...).

CharRnn: embedding.weight [V, E] (none with embedding_dim=0: one-hot input, F.one_hot per token),
rnn.{weight_ih,weight_hh,bias_ih,bias_hh}_l{k} of nn.LSTM, nn.GRU or nn.RNN (sequence-first),
decoder.weight [V, H], decoder.bias [V] (src/Managed/RnnNative/Model/PyTorchExchange.cs). With
dropout p > 0 (training mode only, as RnnNative): nn.Dropout(p) on the embedding (not on one-hot
inputs) and on the last layer's output, and the recurrent module's dropout=p between layers.
"""
from __future__ import annotations

import json
import os
import struct
from typing import Any, Dict, Optional, Tuple, Union

import torch
from torch import nn

__all__ = ["CharRnn", "load_charrnn", "save_charrnn", "read_safetensors", "write_safetensors"]


def read_safetensors(data: bytes) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
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


def write_safetensors(tensors: Dict[str, torch.Tensor], metadata: Optional[Dict[str, Any]] = None) -> bytes:
    """{name: tensor}, {str: str} -> bytes: F32, header space-padded to 8 bytes, offsets from the buffer start."""
    header: Dict[str, Any] = {}
    chunks, offset = [], 0
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
    """Embedding (or one-hot, embedding_dim=0) -> nn.LSTM, nn.GRU or nn.RNN (sequence-first) -> Linear,
    as RnnNative's LanguageModel; dropout p as its Dropout (no tensors, so the state_dict is the same)."""

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int, num_layers: int = 1, cell: str = "lstm",
                 nonlinearity: str = "tanh", dropout: float = 0.0) -> None:
        super().__init__()
        self.config = dict(vocab_size=vocab_size, embedding_dim=embedding_dim, hidden_size=hidden_size,
                           num_layers=num_layers, cell=cell, nonlinearity=nonlinearity, dropout=dropout)
        self.file_metadata: Dict[str, str] = {}  # the metadata of the file it was loaded from
        self.embedding = nn.Embedding(vocab_size, embedding_dim) if embedding_dim > 0 else None
        inputs = embedding_dim if embedding_dim > 0 else vocab_size
        # Between layers only: with one layer the modules' dropout would do nothing (and PyTorch warns).
        between = dropout if num_layers > 1 else 0.0
        self.rnn: nn.Module
        if cell == "lstm":
            self.rnn = nn.LSTM(inputs, hidden_size, num_layers, dropout=between, batch_first=False)
        elif cell == "gru":
            self.rnn = nn.GRU(inputs, hidden_size, num_layers, dropout=between, batch_first=False)
        elif cell == "rnn":
            self.rnn = nn.RNN(inputs, hidden_size, num_layers, nonlinearity=nonlinearity, dropout=between, batch_first=False)
        else:
            raise ValueError(f"cell {cell!r}: expected 'lstm', 'gru' or 'rnn'")
        self.dropout = nn.Dropout(dropout)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens: torch.Tensor, state: Any = None) -> Tuple[torch.Tensor, Any]:
        """tokens [T, B] -> logits [T, B, V], final state."""
        if self.embedding is None:
            x = nn.functional.one_hot(tokens, self.config["vocab_size"]).to(torch.float32)
        else:
            x = self.dropout(self.embedding(tokens))
        output, state = self.rnn(x, state)
        return self.decoder(self.dropout(output)), state

    def metadata(self) -> Dict[str, Any]:
        """The config as RnnNative's metadata keys (no vocabulary: RnnNative's import takes one)."""
        c = self.config
        m = {"format": "pt", "cell": c["cell"], "vocab_size": c["vocab_size"], "embedding_dim": c["embedding_dim"],
             "hidden_size": c["hidden_size"], "num_layers": c["num_layers"]}
        if c["cell"] == "rnn":
            m["nonlinearity"] = c["nonlinearity"]
        if c["embedding_dim"] == 0:
            m["input"] = "one_hot"
        if c["dropout"] > 0:
            m["dropout"] = repr(float(c["dropout"]))
        return m


def load_charrnn(source: Union[str, "os.PathLike[str]", bytes, bytearray]) -> CharRnn:
    """The module of an RnnNative safetensors export (a path, or the file's bytes), its shape from the
    file's metadata, its weights loaded with strict=True. `module.file_metadata` keeps the metadata
    (e.g. "tokens": a JSON list of each id's text)."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        with open(source, "rb") as f:
            data = f.read()
    tensors, m = read_safetensors(data)
    module = CharRnn(int(m["vocab_size"]), int(m["embedding_dim"]), int(m["hidden_size"]), int(m["num_layers"]),
                     m["cell"], m.get("nonlinearity", "tanh"), float(m.get("dropout", "0")))
    module.load_state_dict(tensors, strict=True)
    module.file_metadata = m
    return module


def save_charrnn(module: CharRnn, path: Optional[Union[str, "os.PathLike[str]"]] = None) -> Optional[bytes]:
    """Writes the module's state_dict and config as safetensors (to `path`, or returns the bytes),
    which rnnnative.Model.import_safetensors(path, vocab=...) reads."""
    data = write_safetensors(module.state_dict(), module.metadata())
    if path is None:
        return data
    with open(path, "wb") as f:
        f.write(data)
    return None

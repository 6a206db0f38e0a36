"""Exports compare.py's char LSTM and GRU for ONNX Runtime (issue 17): one step per call, state in and out.

    export_onnx.py DIR CELL-SIZE...   writes DIR/CELL-SIZE.onnx for each, e.g. lstm-512 gru-512

The model is CharRnn (embedding = hidden, 2 layers, vocabulary 65, PyTorch's default init) exported
by torch.onnx.export (PyTorch 1.13, opset 14; the onnx package is not needed) as
    LSTM: tokens [1, B] int64, state0 = h [2, B, H], state1 = c [2, B, H]
              -> logits [1, B, 65], next0 = h', next1 = c'
    GRU:  tokens [1, B] int64, state0 = h [2, B, H] -> logits [1, B, 65], next0 = h'
with B a dynamic axis, so the same file serves batch 1 and batched sampling. nn.LSTM / nn.GRU become
one ONNX LSTM / GRU node per layer. Random weights: speed does not depend on them.
"""
import importlib.util
import warnings
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import ROOT, VOCAB  # noqa: E402

# rnnnative/torch.py alone (it needs torch, not the native library the package loads).
_spec = importlib.util.spec_from_file_location("charrnn", ROOT / "bindings" / "python" / "rnnnative" / "torch.py")
_charrnn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_charrnn)
CharRnn = _charrnn.CharRnn

LAYERS = 2


class LstmStep(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.model = CharRnn(VOCAB, hidden, hidden, num_layers=LAYERS, cell="lstm").eval()

    def forward(self, tokens, h, c):
        logits, (h, c) = self.model(tokens, (h, c))
        return logits, h, c


class GruStep(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.model = CharRnn(VOCAB, hidden, hidden, num_layers=LAYERS, cell="gru").eval()

    def forward(self, tokens, h):
        logits, h = self.model(tokens, h)
        return logits, h


STEPS = {"lstm": (LstmStep, 2), "gru": (GruStep, 1)}  # the module and its state tensors


def export(directory, cell, hidden):
    torch.manual_seed(1)
    module, states = STEPS[cell]
    step = module(hidden)
    tokens = torch.zeros((1, 1), dtype=torch.long)
    state = torch.zeros((LAYERS, 1, hidden))
    path = Path(directory) / f"{cell}-{hidden}.onnx"
    inputs = ["tokens"] + [f"state{i}" for i in range(states)]
    outputs = ["logits"] + [f"next{i}" for i in range(states)]
    batch = {name: {1: "batch"} for name in inputs + outputs}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's shape-inference notes
        torch.onnx.export(step, (tokens, *[state] * states), str(path), opset_version=14,
                          input_names=inputs, output_names=outputs, dynamic_axes=batch)
    print(f"  exported {path}", file=sys.stderr)


if __name__ == "__main__":
    Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
    for model in sys.argv[2:]:
        cell, size = model.split("-")
        export(sys.argv[1], cell, int(size))

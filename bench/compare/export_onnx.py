"""Exports compare.py's char LSTM for ONNX Runtime (issue 17): one step per call, state in and out.

    export_onnx.py DIR SIZE...      writes DIR/lstm-SIZE.onnx for each hidden size

The model is CharRnn (embedding = hidden, 2 layers, vocabulary 65, PyTorch's default init) exported
by torch.onnx.export (PyTorch 1.13, opset 14; the onnx package is not needed) as
    tokens [1, B] int64, state0 = h [2, B, H], state1 = c [2, B, H]
        -> logits [1, B, 65], next0 = h', next1 = c'
with B a dynamic axis, so the same file serves batch 1 and batched sampling. nn.LSTM becomes one
ONNX LSTM node per layer. Random weights: speed does not depend on them.
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


def export(directory, hidden):
    torch.manual_seed(1)
    step = LstmStep(hidden)
    tokens = torch.zeros((1, 1), dtype=torch.long)
    state = torch.zeros((LAYERS, 1, hidden))
    path = Path(directory) / f"lstm-{hidden}.onnx"
    batch = {"tokens": {1: "batch"}, "logits": {1: "batch"}}
    batch.update({name: {1: "batch"} for name in ("state0", "state1", "next0", "next1")})
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's shape-inference notes
        torch.onnx.export(step, (tokens, state, state), str(path), opset_version=14,
                          input_names=["tokens", "state0", "state1"], output_names=["logits", "next0", "next1"],
                          dynamic_axes=batch)
    print(f"  exported {path}", file=sys.stderr)


if __name__ == "__main__":
    Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)
    for size in sys.argv[2:]:
        export(sys.argv[1], int(size))

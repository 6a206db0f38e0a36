"""PyTorch: an export loads into rnnnative.torch's CharRnn (strict) with the same logits, a torch
model saved to safetensors imports with the same logits, and the DDP example trains on two processes
a model that runs here. torch is required (no skip)."""
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rnnnative
from rnnnative import Model, ModelConfig, Vocabulary

try:
    import torch
except ImportError:  # pragma: no cover
    pytest.fail("PyTorch is required for the parity tests: apt-get install python3-torch (or pip install torch)",
                pytrace=False)

from conftest import python_env, run_python  # noqa: E402
from rnnnative.torch import CharRnn, load_charrnn, save_charrnn, write_safetensors  # noqa: E402

PRIME = "the quick brown fox"


def engine_logits(model, ids):
    with model.new_state() as state:
        return [list(state.step(t)) for t in ids]


def torch_logits(module, ids):
    with torch.no_grad():
        logits, _ = module(torch.tensor(ids, dtype=torch.long).reshape(-1, 1))
    return logits[:, 0, :].tolist()


def assert_close(a, b, rel=1e-5):
    for row_a, row_b in zip(a, b):
        for x, y in zip(row_a, row_b):
            assert abs(x - y) <= rel * max(1.0, abs(y)), (x, y)


@pytest.mark.parametrize("cell", ["lstm", "elman-relu"])
def test_export_loads_into_torch_with_the_same_logits(tmp_path, trained, text, cell):
    if cell == "lstm":
        model = trained
    else:
        model = Model.elman(trained.vocab, hidden=24, layers=2, embedding=8, activation="relu", seed=3)
        model.train(text, steps=20, seq_length=16, batch_size=4, progress=False)
    path = tmp_path / "model.safetensors"
    model.export_safetensors(path)
    assert path.read_bytes() == model.export_safetensors()
    module = load_charrnn(path)  # load_state_dict(strict=True)
    assert int(module.file_metadata["vocab_size"]) == len(model.vocab)
    ids = model.vocab.encode(PRIME)
    assert_close(engine_logits(model, ids), torch_logits(module, ids))


def test_a_torch_model_imports_with_the_same_logits(tmp_path, trained):
    vocab = trained.vocab
    torch.manual_seed(0)
    module = CharRnn(len(vocab), 12, 20, num_layers=2, cell="lstm")
    path = tmp_path / "torch.safetensors"
    save_charrnn(module, path)  # no vocabulary in the file
    ids = vocab.encode(PRIME)
    with Model.import_safetensors(path, vocab=vocab) as imported:
        assert imported.config == ModelConfig(len(vocab), 12, 20, 2, "lstm", "tanh")
        assert_close(engine_logits(imported, ids), torch_logits(module, ids))
        text = imported.sample(prime="the", n=20, seed=1)
    # From bytes, without metadata: the shape from an explicit config (nn.RNN needs one).
    torch.manual_seed(1)
    rnn = CharRnn(len(vocab), 6, 10, num_layers=1, cell="rnn", nonlinearity="relu")
    bare = write_safetensors(rnn.state_dict())
    config = ModelConfig(len(vocab), 6, 10, 1, "elman", "relu")
    with Model.import_safetensors(bare, vocab=vocab, config=config) as imported:
        assert_close(engine_logits(imported, ids), torch_logits(rnn, ids))
    with pytest.raises(rnnnative.FormatError, match="vocabulary"):
        Model.import_safetensors(bare, config=config)
    assert isinstance(text, str)


def test_one_hot_models_exchange_with_torch_with_the_same_logits(text):
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(PRIME)
    with Model.lstm(vocab, hidden=20, layers=2, embedding=0, seed=6) as model:
        model.train(text, steps=20, seq_length=16, batch_size=4, progress=False)
        module = load_charrnn(model.export_safetensors())  # strict: no embedding.weight
        assert module.file_metadata["input"] == "one_hot" and module.embedding is None
        assert_close(engine_logits(model, ids), torch_logits(module, ids))
    torch.manual_seed(2)
    module = CharRnn(len(vocab), 0, 12, num_layers=1, cell="lstm")
    with Model.import_safetensors(write_safetensors(module.state_dict()), vocab=vocab) as imported:
        assert imported.config == ModelConfig(len(vocab), 0, 12, 1, "lstm", "tanh", "one-hot")
        assert_close(engine_logits(imported, ids), torch_logits(module, ids))


def test_round_trip_through_safetensors_keeps_the_vocabulary(trained):
    with Model.import_safetensors(trained.export_safetensors()) as again:
        assert again.vocab.decode(range(len(again.vocab))) == trained.vocab.decode(range(len(trained.vocab)))
        assert again.sample(prime="he", n=50, seed=9) == trained.sample(prime="he", n=50, seed=9)


def test_rnnnative_torch_moves_weights_in_two_lines_and_plain_rnnnative_does_not_import_torch(tmp_path, trained):
    trained.export_safetensors(tmp_path / "model.safetensors")
    r = run_python(f"""
import sys
import rnnnative
assert "torch" not in sys.modules, "import rnnnative imported torch"
from rnnnative.torch import load_charrnn
module = load_charrnn({str(tmp_path / "model.safetensors")!r})
print(type(module).__name__, sum(p.numel() for p in module.parameters()))
""")
    assert r.returncode == 0, r.stderr
    parameters = sum(p.numel() for p in load_charrnn(tmp_path / "model.safetensors").parameters())
    assert r.stdout.split() == ["CharRnn", str(parameters)]


def test_the_parity_job_runner_needs_no_native_library_in_the_dotnet_tests_layout(tmp_path):
    # tests/RnnNative.Tests copies charrnn_torch.py and rnnnative/torch.py (as PyTorch/rnnnative/torch.py).
    here = Path(__file__).resolve().parent
    folder = tmp_path / "PyTorch"
    (folder / "rnnnative").mkdir(parents=True)
    shutil.copy(here / "charrnn_torch.py", folder)
    shutil.copy(here.parent / "rnnnative" / "torch.py", folder / "rnnnative")
    (tmp_path / "window.json").write_text(json.dumps({"steps": 3, "batch": 1, "inputs": [1, 2, 3], "targets": [2, 3, 0]}))
    jobs = [{"op": "create", "config": {"vocab_size": 5, "embedding_dim": 4, "hidden_size": 6}, "seed": 1,
             "metadata": True, "model": str(tmp_path / "m.safetensors"), "inputs": str(tmp_path / "window.json"),
             "out": str(tmp_path / "out.safetensors")}]
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["RNN_LIB_PATH"] = str(tmp_path / "no-library.so")  # importing rnnnative itself would fail
    r = subprocess.run([sys.executable, str(folder / "charrnn_torch.py"), str(tmp_path / "jobs.json")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert load_charrnn(tmp_path / "m.safetensors").config["hidden_size"] == 6
    assert (tmp_path / "out.safetensors").stat().st_size > 0


def test_ddp_example_trains_on_two_processes_and_runs_here(tmp_path):
    words = "the cat sat on a mat and the dog ran to the red barn while birds sang".split()
    rng = random.Random(3)
    text = tmp_path / "tiny.txt"
    text.write_text(" ".join(rng.choice(words) for _ in range(3000)))
    out = tmp_path / "ddp.safetensors"
    script = Path(__file__).resolve().parent.parent / "examples" / "train_ddp.py"
    r = subprocess.run([sys.executable, str(script), str(text), "--processes", "2", "--updates", "40", "--hidden", "32",
                        "--embedding", "16", "--seq-length", "32", "--batch-size", "8", "--lr", "1e-2",
                        "--log-every", "20", "--out", str(out)], env=python_env(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "weights identical in the 2 processes" in r.stdout and "update 40/40" in r.stdout, r.stdout
    loss, uniform = map(float, re.search(r"held-out loss ([\d.]+) nats/token .*uniform would be ([\d.]+)", r.stdout).groups())
    assert loss < uniform - 1.0, r.stdout  # learnt: well below guessing uniformly
    with Model.import_safetensors(out) as model:  # the vocabulary now rides in the file
        assert model.config == ModelConfig(len(model.vocab), 16, 32, 1, "lstm", "tanh")
        assert model.evaluate(text.read_text()[-2000:]).loss < uniform - 1.0
        assert len(model.sample(prime="the ", n=40, seed=1)) == 40

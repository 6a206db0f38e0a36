import os
import sys
from pathlib import Path

import pytest

# Run from a checkout without installing: the package next to this folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rnnnative  # noqa: E402

TEXT = "the quick brown fox jumps over the lazy dog.\nhello world, hello rnn.\n" * 40


@pytest.fixture(scope="session")
def text():
    return TEXT


@pytest.fixture(scope="session")
def trained(text):
    """A tiny LSTM trained on TEXT once per session (about a second)."""
    vocab = rnnnative.Vocabulary.from_text(text)
    model = rnnnative.Model.lstm(vocab, hidden=48, embedding=16, seed=7)
    result = model.train(text, steps=300, seq_length=32, batch_size=8, lr=1e-2, progress=False)
    model.result = result
    yield model
    model.close()
    vocab.close()


def python_env(env=None):
    """The environment of a child interpreter that imports this checkout's package."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + full_env.get("PYTHONPATH", "")
    return full_env


def run_python(code, env=None):
    """Runs code in a fresh interpreter (the library cannot be unloaded, so load tests need one)."""
    import subprocess

    return subprocess.run([sys.executable, "-c", code], env=python_env(env), capture_output=True, text=True, timeout=60)

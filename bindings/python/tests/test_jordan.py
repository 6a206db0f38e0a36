"""The Jordan network as a language model: one layer whose softmax output is fed back and carried from
training window to window; trains, samples, steps, saves and loads; bf16 steps and the PyTorch exchange raise."""
import math

import pytest

from rnnnative import Model, ModelConfig, Vocabulary
from rnnnative.errors import InvalidArgumentError, UnsupportedError

TEXT = "the cat sat on the mat. the dog sat on the log. " * 40


def test_a_jordan_language_model_trains_samples_and_saves(tmp_path):
    vocab = Vocabulary.from_text(TEXT)
    with Model.jordan(vocab, hidden=32, embedding=16, seed=2) as model:
        assert (model.config.cell, model.config.layers) == ("jordan", 1)
        before = model.evaluate(TEXT, steps=16).loss
        model.train(TEXT, steps=150, seq_length=16, batch_size=4, lr=1e-2, validation_fraction=0, progress=False)
        after = model.evaluate(TEXT, steps=16).loss
        assert after < before - 0.5 and after < math.log(len(vocab)) - 0.5, (before, after)
        text = model.sample(prime="the ", n=40, seed=3)
        assert len(text) == 40
        path = tmp_path / "jordan.rnn"
        model.save(path)
        with Model.load(path) as loaded:
            assert loaded.config == model.config
            assert loaded.sample(prime="the ", n=40, seed=3) == text
            # The fed-back y moves the logits: the same token twice gives other logits, a reset the first again.
            state = loaded.new_state()
            token = vocab.encode("t")[0]
            first, second = list(state.step(token)), list(state.step(token))
            assert first != second
            state.reset()
            assert list(state.step(token)) == first
        with pytest.raises(UnsupportedError, match="float32 only"):
            model.step_precision = "bf16"
        with pytest.raises(UnsupportedError, match="no PyTorch module"):
            model.export_safetensors()


def test_a_jordan_language_model_has_one_layer():
    vocab = Vocabulary.from_text(TEXT)
    with pytest.raises(InvalidArgumentError, match="layers"):
        Model.create(vocab, ModelConfig(len(vocab), 8, 16, layers=2, cell="jordan"))
    with Model.create(vocab, ModelConfig(len(vocab), 0, 16, layers=1, cell="jordan", input="one-hot")) as model:
        assert "jordan" in repr(model)

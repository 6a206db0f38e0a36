"""The class-factored softmax of 0.5.0 through Python: softmax="class", its fitted classes, exact
log-probabilities, sampling without them (State.sample), files, and the errors."""
import math

import pytest

import rnnnative
from rnnnative import Model, ModelConfig, Sampler, State, Vocabulary

TEXT = ("the cat sat on the mat . the dog sat on the log . a cat and a dog ran to the mat .\n"
        "the dog ran and the cat sat . a log and a mat . the cat ran to the dog .\n") * 20


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_text(TEXT, kind="word")


def test_a_class_model_trains_and_keeps_its_softmax_in_its_file(vocab):
    with Model.lstm(vocab, hidden=16, layers=1, seed=2, softmax="class", classes=3) as model:
        assert model.config == ModelConfig(len(vocab), 16, 16, 1, softmax="class", classes=3)
        assert repr(model).endswith(f"class softmax (3 classes) vocab {len(vocab)}>")
        before = model.evaluate(TEXT).loss
        model.train(TEXT, steps=40, seq_length=16, batch_size=4, lr=2e-2, progress=False)
        assert model.evaluate(TEXT).loss < before - 0.5
        with Model.from_bytes(model.to_bytes()) as loaded:
            assert loaded.config == model.config
            assert loaded.sample(prime="the", n=12, seed=4) == model.sample(prime="the", n=12, seed=4)
            assert loaded.sample(prime="the", n=12, seed=4, top_k=3) == model.sample(prime="the", n=12, seed=4, top_k=3)
        with pytest.raises(rnnnative.UnsupportedError):
            model.export_safetensors()


def test_step_log_probabilities_sum_to_one_and_sampling_follows_them(vocab):
    with Model.gru(vocab, hidden=12, layers=1, seed=5, softmax="class") as model:
        model.train(TEXT, steps=10, seq_length=16, batch_size=4, lr=2e-2, progress=False)
        the = vocab.encode("the")[0]
        with State(model) as state:
            log_p = list(state.step(the))
        assert abs(sum(math.exp(z) for z in log_p) - 1) < 1e-5
        # Draws of the token after "the" from fresh states: each within 5 standard deviations of its expected count.
        n, counts = 2000, [0] * len(vocab)
        with Sampler(len(vocab), seed=9) as sampler, State(model) as state:
            for _ in range(n):
                state.reset()
                counts[state.sample(the, sampler)] += 1
        for w, z in enumerate(log_p):
            p = math.exp(z)
            assert abs(counts[w] - n * p) <= 5 * math.sqrt(n * p * (1 - p)) + 1, (w, counts[w], n * p)


def test_the_softmax_and_classes_are_checked_by_keyword(vocab):
    with pytest.raises(rnnnative.InvalidArgumentError) as e:
        Model.lstm(vocab, hidden=8, softmax="hierarchical")
    assert str(e.value).startswith("softmax")
    with pytest.raises(rnnnative.InvalidArgumentError) as e:
        Model.lstm(vocab, hidden=8, classes=3)
    assert "must be 0 with the full softmax" in str(e.value)

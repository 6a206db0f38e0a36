"""PyTorch weight exchange: an export loads into CharRnn (strict) with the same logits, and a torch
model saved to safetensors imports with the same logits. torch is required (no skip)."""
import pytest

import rnnnative
from rnnnative import Model, ModelConfig, Vocabulary

try:
    import torch
except ImportError:  # pragma: no cover
    pytest.fail("PyTorch is required for the parity tests: apt-get install python3-torch (or pip install torch)",
                pytrace=False)

from charrnn_torch import CharRnn, write_safetensors  # noqa: E402

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
    module, metadata = CharRnn.load(path)  # load_state_dict(strict=True)
    assert int(metadata["vocab_size"]) == len(model.vocab)
    ids = model.vocab.encode(PRIME)
    assert_close(engine_logits(model, ids), torch_logits(module, ids))


def test_a_torch_model_imports_with_the_same_logits(tmp_path, trained):
    vocab = trained.vocab
    torch.manual_seed(0)
    module = CharRnn(len(vocab), 12, 20, num_layers=2, cell="lstm")
    data = write_safetensors(module.state_dict(), module.metadata())  # no vocabulary in the file
    path = tmp_path / "torch.safetensors"
    path.write_bytes(data)
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
        module, metadata = CharRnn.from_bytes(model.export_safetensors())  # strict: no embedding.weight
        assert metadata["input"] == "one_hot" and module.embedding is None
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

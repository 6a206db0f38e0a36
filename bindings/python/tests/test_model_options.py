"""The model options of 0.3.0 through Python: GRU, dropout, IRNN initialization, bidirectional."""
import pytest

import rnnnative
from rnnnative import Model, ModelConfig, Vocabulary


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_text("the cat sat on the mat. ")


def test_defaults_are_off(vocab):
    with Model.lstm(vocab, hidden=8, layers=1, seed=1) as model:
        c = model.config
        assert (c.dropout, c.init, c.identity_scale, c.bidirectional) == (0.0, "default", 1.0, False)
        assert repr(model) == f"<Model lstm 1x8 embedding 8 vocab {len(vocab)}>"


def test_identity_init_and_dropout_are_kept_by_the_model_and_its_file(vocab):
    with Model.elman(vocab, hidden=8, layers=2, activation="relu", seed=3, dropout=0.1, init="identity",
                     identity_scale=0.5) as model:
        assert model.config == ModelConfig(len(vocab), 8, 8, 2, "elman", "relu", dropout=0.1, init="identity",
                                           identity_scale=0.5)
        assert "dropout 0.1 init identity (scale 0.5)" in repr(model)
        with Model.from_bytes(model.to_bytes()) as loaded:
            assert loaded.config == model.config
            assert loaded.sample(prime="the ", n=20, seed=2) == model.sample(prime="the ", n=20, seed=2)
        with Model.import_safetensors(model.export_safetensors()) as imported:
            assert imported.config.dropout == 0.1
        # The same seed with the default initialization gives other weights.
        with Model.elman(vocab, hidden=8, layers=2, activation="relu", seed=3, dropout=0.1) as uniform:
            assert uniform.export_safetensors() != model.export_safetensors()


@pytest.mark.parametrize("make, keyword, message", [
    (lambda v: Model.lstm(v, hidden=8, dropout=1.5), "dropout", "must be at least 0 and below 1"),
    (lambda v: Model.lstm(v, hidden=8, init="identity"), "init", "identity initialization (IRNN) is for Elman cells, not LSTM"),
    (lambda v: Model.elman(v, hidden=8, init="orthogonal"), "init", "'orthogonal' is not one of 'default', 'identity'"),
    (lambda v: Model.elman(v, hidden=8, identity_scale=2.0), "identity_scale", "applies only to identity initialization"),
    (lambda v: Model.elman(v, hidden=8, init="identity", identity_scale=-1.0), "identity_scale", "must be a positive number"),
    (lambda v: Model.lstm(v, hidden=8, bidirectional=True), "bidirectional", "cannot be bidirectional"),
])
def test_bad_options_raise_naming_the_keyword(vocab, make, keyword, message):
    with pytest.raises(rnnnative.InvalidArgumentError) as e:
        make(vocab)
    assert str(e.value).startswith(keyword)
    assert message in str(e.value)
    assert "config->" not in str(e.value)


def test_gru_is_a_cell_name(vocab):
    from rnnnative._api import _CELLS
    assert _CELLS["gru"] == 2


def test_gru_models_are_created_and_keep_their_options(vocab):
    """Needs the GRU layer of issue 14."""
    with Model.gru(vocab, hidden=8, layers=2, seed=1, dropout=0.2) as model:
        assert model.config == ModelConfig(len(vocab), 8, 8, 2, "gru", "tanh", dropout=0.2)
        assert repr(model).startswith("<Model gru 2x8")
        with Model.from_bytes(model.to_bytes()) as loaded:
            assert loaded.config == model.config
    with pytest.raises(rnnnative.InvalidArgumentError, match="not GRU"):
        Model.gru(vocab, hidden=8, init="identity")


def test_charrnn_dropout_travels_to_rnnnative_and_back(vocab):
    torch = pytest.importorskip("torch")
    from rnnnative.torch import CharRnn, load_charrnn, save_charrnn
    torch.manual_seed(0)
    module = CharRnn(len(vocab), 4, 8, 2, "lstm", dropout=0.3)
    assert module.rnn.dropout == 0.3
    with Model.import_safetensors(save_charrnn(module), vocab=vocab) as model:
        assert model.config == ModelConfig(len(vocab), 4, 8, 2, "lstm", "tanh", dropout=0.3)
        back = load_charrnn(model.export_safetensors())
    assert back.config == module.config
    # In eval mode dropout is off: the modules agree exactly; in training mode it drops.
    tokens = torch.tensor([[1, 2], [3, 4], [5, 6]])
    module.eval(), back.eval()
    assert torch.equal(module(tokens)[0], back(tokens)[0])
    module.train()
    assert not torch.equal(module(tokens)[0], back(tokens)[0])


def test_charrnn_gru_is_nn_gru_and_imports_as_a_gru(vocab):
    """The import needs the GRU layer of issue 14."""
    torch = pytest.importorskip("torch")
    from rnnnative.torch import CharRnn, load_charrnn, save_charrnn
    module = CharRnn(len(vocab), 4, 8, 1, "gru")
    assert isinstance(module.rnn, torch.nn.GRU)
    assert load_charrnn(save_charrnn(module)).config == module.config
    with Model.import_safetensors(save_charrnn(module), vocab=vocab) as model:
        assert model.config.cell == "gru"

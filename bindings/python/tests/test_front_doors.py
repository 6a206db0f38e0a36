"""What the engine defines once for the CLI, C and Python (issue 13, items 1 and 6): seeds, options,
the checkpoint policy and the refusal to resume on other data."""
import pytest

import rnnnative
from rnnnative import Model, Vocabulary

OPTIONS = dict(steps=6, seq_length=16, batch_size=4, lr=5e-3, eval_every=3, progress=False)


def test_a_64_bit_seed_uses_its_high_bits(text):
    vocab = Vocabulary.from_text(text)
    low = Model.lstm(vocab, hidden=8, seed=5).to_bytes()
    assert Model.lstm(vocab, hidden=8, seed=5).to_bytes() == low
    assert Model.lstm(vocab, hidden=8, seed=2**32 + 5).to_bytes() != low


def test_embedding_none_is_the_engines_default(text):
    vocab = Vocabulary.from_text(text)
    assert Model.lstm(vocab, hidden=16).config.embedding == 16
    assert Model.lstm(vocab, hidden=128).config.embedding == 64


def test_hidden_and_layers_default_to_the_engines_as_in_the_cli(text):
    vocab = Vocabulary.from_text(text)
    for model in (Model.lstm(vocab), Model.elman(vocab)):
        assert (model.config.hidden, model.config.layers, model.config.embedding) == (128, 2, 64)
    assert Model.lstm(vocab, layers=1).config.hidden == 128


def test_adamw_betas_epsilon_and_clipping_by_value_reach_the_optimizer(text):
    vocab = Vocabulary.from_text(text)

    def trained(**options):
        model = Model.lstm(vocab, hidden=8, seed=2)
        model.train(text, **{**OPTIONS, "weight_decay": 0.5, **options})
        return model.to_bytes()

    adam = trained(optimizer="adam")
    for options in (dict(optimizer="adamw"), dict(beta1=0.5), dict(beta2=0.9), dict(epsilon=0.5), dict(clip_value=1e-3)):
        assert trained(**options) != adam, options


def test_train_with_a_checkpoint_keeps_the_best_one_too(tmp_path, text):
    vocab = Vocabulary.from_text(text)
    model = Model.lstm(vocab, hidden=8, seed=2)
    model.train(text, checkpoint=tmp_path / "m.rnn", **OPTIONS)
    assert (tmp_path / "m.rnn").is_file() and (tmp_path / "m.best.rnn").is_file()
    Model.load(tmp_path / "m.best.rnn").close()


def test_resume_on_another_text_is_refused(tmp_path, text):
    vocab = Vocabulary.from_text(text)
    Model.lstm(vocab, hidden=8, seed=2).train(text, checkpoint=tmp_path / "m.rnn", **OPTIONS)
    other = text.replace("fox", "xof", 1)  # as long, the same characters, another text
    with pytest.raises(rnnnative.InvalidArgumentError, match="not the one the checkpoint was trained on"):
        Model.lstm(vocab, hidden=8).train(other, resume=tmp_path / "m.rnn", **{**OPTIONS, "steps": 9})

"""Taggers, classifiers and regressors through Python (0.4.0): from files, lists and numpy arrays.

Every evaluate() is checked against metrics computed here from predict()'s output and the gold
targets read independently (token accuracy, accuracy, MSE), so a binding that mixed up rows,
lengths or labels fails. Models are tiny (hidden 16, a few dozen updates): seconds in all."""
import csv
import math
import random

import numpy as np
import pytest

import rnnnative
from rnnnative import Classifier, Model, Regressor, Tagger

CITIES = ["boston", "denver", "paris", "tokyo", "oslo", "lima"]
DAYS = ["monday", "friday", "sunday"]
FAST = dict(updates=40, batch_size=16, lr=2e-2, progress=False)


def flights(count, seed):
    """Booking requests with BIO slot tags: (tokens, tags) pairs."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        tokens, tags = ["fly", "from"], ["O", "O"]
        tokens += [rng.choice(CITIES)]
        tags += ["B-from"]
        tokens += ["to", rng.choice(CITIES)]
        tags += ["O", "B-to"]
        if rng.random() < 0.5:
            tokens += ["on", rng.choice(DAYS)]
            tags += ["O", "B-day"]
        sentences.append((tokens, tags))
    return sentences


def write_conll(path, sentences):
    with open(path, "w") as f:
        for tokens, tags in sentences:
            f.writelines(f"{token} X {tag}\n" for token, tag in zip(tokens, tags))  # the tag is the LAST column
            f.write("\n")
    return str(path)


def read_conll_tags(path):
    """The gold tags of a CoNLL file, read here (not by the library)."""
    sentences, tags = [], []
    for line in open(path):
        if line.strip():
            tags.append(line.split()[-1])
        elif tags:
            sentences.append(tags)
            tags = []
    return sentences + ([tags] if tags else [])


def token_accuracy(predicted, gold):
    pairs = [(p, g) for ps, gs in zip(predicted, gold) for p, g in zip(ps, gs, strict=True)]
    return sum(p == g for p, g in pairs) / len(pairs)


@pytest.fixture(scope="module")
def conll(tmp_path_factory):
    folder = tmp_path_factory.mktemp("conll")
    return {name: write_conll(folder / f"{name}.conll", flights(n, seed))
            for name, n, seed in (("train", 160, 1), ("dev", 30, 2), ("test", 40, 3))}


@pytest.fixture(scope="module")
def tagger(conll):
    return Model.tagger(hidden=16, embedding=8, seed=3).fit(conll["train"], valid=conll["dev"], **FAST)


# -- taggers -----------------------------------------------------------------------------------------

def test_a_tagger_from_files_evaluates_as_its_predictions_score(tagger, conll, tmp_path):
    assert isinstance(tagger, Tagger) and tagger.kind == "tagger" and tagger.fitted
    assert tagger.config.bidirectional and tagger.config.cell == "lstm" and tagger.config.hidden == 16
    assert sorted(tagger.labels) == ["B-day", "B-from", "B-to", "O"]
    assert tagger.training.steps == 40 and tagger.training.finished
    out = tmp_path / "out.conll"
    predicted = tagger.predict(conll["test"], output=out)
    gold = read_conll_tags(conll["test"])
    metrics = tagger.evaluate(conll["test"])
    assert metrics.kind == "tagger" and metrics.sequences == len(gold) == 40
    assert metrics.token_accuracy == pytest.approx(token_accuracy(predicted, gold), abs=1e-12)
    assert metrics.token_accuracy > 0.8  # learnt something: the slots follow "from", "to", "on"
    assert set(metrics.to_dict()) == {"loss", "token_accuracy", "precision", "recall", "f1", "sequences"}
    assert math.isnan(metrics.accuracy)
    # The output file: the input lines plus a predicted-tag column.
    written = [line.split() for line in out.read_text().splitlines() if line.strip()]
    assert [row[-1] for row in written] == [tag for tags in predicted for tag in tags]
    # Probabilities per sequence, columns in `labels` order; predict is their argmax.
    probabilities = tagger.predict_proba(conll["test"])
    assert [p.shape for p in probabilities] == [(len(g), 4) for g in gold]
    assert np.allclose([p.sum(axis=1) for p in probabilities[:1]], 1, atol=1e-5)
    assert [[tagger.labels[i] for i in p.argmax(axis=1)] for p in probabilities] == predicted


def test_a_tagger_from_lists(conll, tmp_path):
    train, test = flights(160, 1), flights(40, 3)
    tagger = Model.tagger(hidden=16, embedding=8, seed=3)
    tagger.fit([t for t, _ in train], [g for _, g in train], validation_fraction=0, **FAST)
    out = tmp_path / "lists.conll"
    predicted = tagger.predict([t for t, _ in test], output=out)
    assert [len(p) for p in predicted] == [len(t) for t, _ in test]
    # Written from the same prediction: "token predicted" lines, a blank line after each sentence.
    assert out.read_text() == "".join("".join(f"{w} {p}\n" for w, p in zip(t, ps)) + "\n" for (t, _), ps in zip(test, predicted))
    metrics = tagger.evaluate([t for t, _ in test], [g for _, g in test])
    assert metrics.token_accuracy == pytest.approx(token_accuracy(predicted, [g for _, g in test]), abs=1e-12)
    # Lists are the same data as the file: the same model scores them alike.
    assert tagger.evaluate(conll["test"]).token_accuracy == metrics.token_accuracy
    # A file of tokens only (nothing to score) is predicted all the same.
    untagged = tmp_path / "untagged.conll"
    untagged.write_text("".join("\n".join(tokens) + "\n\n" for tokens, _ in test))
    assert tagger.predict(untagged) == predicted
    with pytest.raises(rnnnative.FormatError, match=rf"^{untagged}:1: "):
        tagger.evaluate(untagged)


def test_a_tagger_from_numpy_ids_drops_the_padding():
    rng = np.random.default_rng(5)
    n, t = 64, 9
    lengths = rng.integers(2, t + 1, n)
    ids = rng.integers(1, 12, (n, t))
    tags = (ids % 3).astype(np.int64)      # the tag is a function of the token
    pad = np.arange(t)[None, :] >= lengths[:, None]
    tags[pad] = -1
    tagger = Model.tagger(hidden=16, embedding=8, seed=2).fit(ids, tags, lengths=lengths, validation_fraction=0, **FAST)
    assert tagger.labels == ["0", "1", "2"]
    predicted = tagger.predict(ids, lengths=lengths)
    assert predicted.shape == (n, t) and (predicted[pad] == -1).all()
    accuracy = (predicted[~pad] == tags[~pad]).mean()
    assert tagger.evaluate(ids, tags, lengths=lengths).token_accuracy == pytest.approx(accuracy, abs=1e-12)
    # Padding is dropped before the library sees it: other values there change nothing.
    scrambled = np.where(pad, 0, ids)
    assert np.array_equal(tagger.predict_proba(scrambled, lengths=lengths), tagger.predict_proba(ids, lengths=lengths))


def test_a_jordan_tagger(conll):
    jordan = Model.tagger(cell="jordan", hidden=16, embedding=8, seed=4).fit(conll["train"], **FAST)
    c = jordan.config
    assert (c.cell, c.layers, c.bidirectional) == ("jordan", 1, False)  # one forward layer (Jordan 1986)
    predicted = jordan.predict(conll["test"])
    metrics = jordan.evaluate(conll["test"])
    assert metrics.token_accuracy == pytest.approx(token_accuracy(predicted, read_conll_tags(conll["test"])), abs=1e-12)
    assert metrics.token_accuracy > 0.5
    with pytest.raises(rnnnative.InvalidArgumentError, match="layers"):
        Model.tagger(cell="jordan", layers=2, hidden=8).fit(conll["train"], updates=1, progress=False)


def test_save_and_load_give_the_same_kind_and_predictions(tagger, conll, tmp_path):
    path = tmp_path / "tagger.rnn"
    tagger.save(path)
    with Model.load(path) as loaded:
        assert isinstance(loaded, Tagger) and loaded.kind == "tagger"
        assert loaded.config == tagger.config and loaded.labels == tagger.labels
        assert loaded.predict(conll["test"]) == tagger.predict(conll["test"])
        for a, b in zip(loaded.predict_proba(conll["test"]), tagger.predict_proba(conll["test"])):
            assert np.array_equal(a, b)
    with Tagger.from_bytes(tagger.to_bytes()) as again:
        assert again.evaluate(conll["test"]) == tagger.evaluate(conll["test"])  # equal, NaN fields aside
    with pytest.raises(rnnnative.InvalidArgumentError, match="holds a tagger, which Classifier.load"):
        Classifier.load(path)


def test_fit_again_trains_the_same_model_further(conll):
    tagger = Model.tagger(hidden=16, embedding=8, seed=3).fit(conll["train"], **FAST)
    before = tagger.evaluate(conll["dev"]).loss
    tagger.fit(conll["train"], **FAST)
    assert tagger.training.steps == 40 and tagger.evaluate(conll["dev"]).loss < before


def test_a_callback_sees_progress_and_stops_training(conll):
    seen = []
    tagger = Model.tagger(hidden=16, embedding=8, seed=3)
    tagger.fit(conll["train"], updates=40, progress=False, callback=lambda p: seen.append(p.step) or p.step >= 5)
    assert seen == [1, 2, 3, 4, 5] and tagger.training.steps == 5 and not tagger.training.finished


def test_language_models_keep_their_kind_and_class(trained, tmp_path):
    assert type(trained) is Model and trained.kind == "language_model"
    trained.save(tmp_path / "lm.rnn")
    with Model.load(tmp_path / "lm.rnn") as loaded:
        assert type(loaded) is Model and loaded.vocab is not None
    with pytest.raises(rnnnative.InvalidArgumentError, match="holds a language model, which Tagger.load"):
        Tagger.load(tmp_path / "lm.rnn")


def test_checkpoints_are_the_models_own_files(conll, tmp_path):
    path = tmp_path / "run.rnn"
    tagger = Model.tagger(hidden=16, embedding=8, seed=3).fit(conll["train"], checkpoint=path, **FAST)
    with Model.load(path) as saved:
        assert saved.predict(conll["test"]) == tagger.predict(conll["test"])


# -- classifiers -------------------------------------------------------------------------------------

def reviews(count, seed):
    rng = random.Random(seed)
    good, bad, filler = ["great", "fine", "lovely"], ["awful", "bad", "poor"], ["the", "film", "was", "plot", "very"]
    rows = []
    for _ in range(count):
        label = rng.choice(["pos", "neg"])
        words = [rng.choice(filler) for _ in range(rng.randint(2, 6))]
        words.insert(rng.randint(0, len(words)), rng.choice(good if label == "pos" else bad))
        rows.append((label, " ".join(words)))
    return rows


@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_a_classifier_from_tsv_and_csv_files(tmp_path, pooling):
    train, test = reviews(160, 1), reviews(40, 2)
    (tmp_path / "train.tsv").write_text("".join(f"{label}\t{text}\n" for label, text in train))
    with open(tmp_path / "test.csv", "w", newline="") as f:
        csv.writer(f).writerows([("review", "sentiment"), *((text, label) for label, text in test)])
    model = Model.classifier(hidden=16, embedding=8, pooling=pooling, seed=1, label_column="sentiment",
                             text_column="review")
    model.fit(tmp_path / "train.tsv", **FAST)
    assert isinstance(model, Classifier) and model.config.pooling == pooling and sorted(model.labels) == ["neg", "pos"]
    predicted = model.predict(tmp_path / "test.csv", output=tmp_path / "out.tsv")
    accuracy = sum(p == label for p, (label, _) in zip(predicted, test)) / len(test)
    metrics = model.evaluate(tmp_path / "test.csv")
    assert metrics.accuracy == pytest.approx(accuracy, abs=1e-12) and metrics.accuracy > 0.8
    lines = (tmp_path / "out.tsv").read_text().splitlines()
    assert [line.split("\t")[0] for line in lines] == predicted
    # Lists go through a CSV file under this model's column names; an array of str is a list.
    assert model.predict([text for _, text in test]) == predicted == model.predict(np.array([t for _, t in test]))


def test_a_classifier_from_lists_and_numpy():
    train, test = reviews(160, 1), reviews(40, 2)
    model = Model.classifier(hidden=16, embedding=8, seed=1).fit([t for _, t in train], [l for l, _ in train], **FAST)
    texts = [t for _, t in test]
    predicted = model.predict(texts)
    probabilities = model.predict_proba(texts)
    assert probabilities.shape == (40, 2) and [model.labels[i] for i in probabilities.argmax(1)] == predicted
    metrics = model.evaluate(texts, [l for l, _ in test])
    assert metrics.accuracy == pytest.approx(np.mean([p == l for p, (l, _) in zip(predicted, test)]), abs=1e-12)
    # Numeric series: the class is whether the series rises.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(96, 8, 1)).astype(np.float32)
    y = (x[:, -1, 0] > x[:, 0, 0]).astype(np.int64)
    series = Model.classifier(hidden=16, seed=1).fit(x, y, **FAST)
    ids = series.predict(x)
    assert ids.shape == (96,) and ids.dtype.kind == "i"
    assert series.evaluate(x, y).accuracy == pytest.approx((ids == y).mean(), abs=1e-12)
    # Loaded, a model of numeric inputs knows its labels before it sees any data (rnn_model_label).
    with Model.from_bytes(series.to_bytes()) as loaded:
        assert loaded.labels == ["0", "1"] and loaded.outputs == 2
        assert np.array_equal(loaded.predict(x), ids)


def test_a_classifiers_confusion_matrix_and_its_picture(tmp_path):
    train, test = reviews(160, 1), reviews(40, 2)
    model = Model.classifier(hidden=16, embedding=8, seed=1).fit([t for _, t in train], [l for l, _ in train], **FAST)
    texts, gold = [t for _, t in test], [l for l, _ in test]
    predicted = model.predict(texts)
    metrics = model.evaluate(texts, gold, confusion_svg=tmp_path / "confusion.svg")
    labels = model.labels
    expected = [[sum(g == a and p == b for g, p in zip(gold, predicted)) for b in labels] for a in labels]
    assert metrics.confusion == expected and sum(map(sum, expected)) == 40
    assert metrics.accuracy == pytest.approx(sum(expected[i][i] for i in range(2)) / 40, abs=1e-12)
    assert "confusion" not in metrics.to_dict()
    assert (tmp_path / "confusion.svg").read_text().lstrip().startswith(("<svg", "<?xml"))
    # Other kinds have none, and no picture.
    x, y = adding(16, 5, 1)
    regressor = Model.regressor(hidden=8, seed=1).fit(x, y, updates=2, progress=False)
    assert regressor.evaluate(x, y).confusion is None
    with pytest.raises(rnnnative.InvalidArgumentError, match="confusion_svg"):
        regressor.evaluate(x, y, confusion_svg=tmp_path / "no.svg")


# -- regressors --------------------------------------------------------------------------------------

def adding(n, t, seed):
    """The adding problem: (value, marker) pairs; the target is the sum of the two marked values."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, t, 2), dtype=np.float32)
    x[:, :, 0] = rng.random((n, t))
    for i in range(n):
        x[i, rng.choice(t, 2, replace=False), 1] = 1
    return x, (x[:, :, 0] * x[:, :, 1]).sum(axis=1)


def test_a_regressor_from_npz_and_numpy(tmp_path):
    x, y = adding(128, 10, 1)
    np.savez(tmp_path / "train.npz", inputs=x, targets=y)
    tx, ty = adding(48, 10, 2)
    lengths = np.full(48, 10)
    np.savez(tmp_path / "test.npz", inputs=tx, targets=ty, lengths=lengths)
    model = Model.regressor(hidden=16, seed=1).fit(tmp_path / "train.npz", **FAST)
    assert isinstance(model, Regressor) and model.kind == "regressor"
    predicted = model.predict(tmp_path / "test.npz", output=tmp_path / "out.npy")
    assert predicted.shape == (48,)
    mse = float(np.mean((predicted.astype(np.float64) - ty) ** 2))
    metrics = model.evaluate(tmp_path / "test.npz")
    assert metrics.mse == pytest.approx(mse, rel=1e-5)
    assert metrics.mae == pytest.approx(np.mean(np.abs(predicted - ty)), rel=1e-5)
    assert metrics.mse < np.var(ty) * 1.5  # sane scale: not diverged
    assert np.array_equal(np.load(tmp_path / "out.npy")[:, 0], predicted)
    assert np.array_equal(model.predict(tx), predicted)  # arrays: the same sequences
    assert np.array_equal(model.predict(tx.tolist()), predicted)  # nested lists of numbers are arrays
    assert model.evaluate(tx, ty) == metrics


def test_a_regressor_per_timestep_from_numpy_and_after_loading(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 7, 2)).astype(np.float32)
    y = np.cumsum(x, axis=1)  # [N, T, O = 2]: a running sum per timestep
    lengths = rng.integers(3, 8, 64)
    model = Model.regressor(hidden=16, seed=1).fit(x[16:], y[16:], lengths=lengths[16:],
                                                   valid=(x[:16], y[:16], lengths[:16]), **FAST)
    assert not math.isnan(model.training.validation_loss)
    predicted = model.predict(x, lengths=lengths)
    assert predicted.shape == (64, 7, 2)
    keep = np.arange(7)[None, :] < lengths[:, None]
    assert (predicted[~keep] == 0).all()
    mse = np.mean((predicted[keep].astype(np.float64) - y[keep]) ** 2)
    assert model.evaluate(x, y, lengths=lengths).mse == pytest.approx(mse, rel=1e-5)
    model.save(tmp_path / "r.rnn")
    with Model.load(tmp_path / "r.rnn") as loaded:  # it knows what it predicts before it sees data
        assert loaded.outputs == 2
        assert np.array_equal(loaded.predict(x, lengths=lengths), predicted)
        assert loaded.evaluate(x, y, lengths=lengths) == model.evaluate(x, y, lengths=lengths)


# -- errors ------------------------------------------------------------------------------------------

def test_a_malformed_line_names_the_file_and_line(conll, tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("fly O\nfrom O\nboston\n\n")  # line 3 has no tag column
    with pytest.raises(rnnnative.FormatError, match=rf"^{bad}:3: "):
        Model.tagger(hidden=8).fit(bad, updates=1, progress=False)


def test_a_label_never_seen_in_training_is_an_error_naming_its_place(tagger, tmp_path):
    unseen = tmp_path / "unseen.conll"
    unseen.write_text("fly O\nto O\nrome B-city\n\n")
    # The library reports it as RNN_E_FORMAT (rnn.h documents RNN_E_INVALID_ARGUMENT; both are ValueErrors).
    with pytest.raises(rnnnative.FormatError, match=rf"^{unseen}:3: .*B-city"):
        tagger.evaluate(unseen)
    with pytest.raises(rnnnative.FormatError, match=r"^targets\[0\]\[2\]: .*B-city"):  # lists: their indices
        tagger.evaluate([["fly", "to", "rome"]], [["O", "O", "B-city"]])
    classifier = Model.classifier(hidden=8, seed=1).fit(["good film", "bad film"], ["pos", "neg"], updates=1, progress=False)
    with pytest.raises(rnnnative.FormatError, match=r'^targets\[1\]: label "meh" was not seen in training'):
        classifier.evaluate(["good", "meh film"], ["pos", "meh"])
    with pytest.raises(rnnnative.FormatError, match=r"^data\[1\]: the text has no word"):
        classifier.predict(["good", " "])


def test_language_model_functions_are_unsupported_on_a_tagger(tagger):
    for call in (lambda: tagger.sample(n=3), tagger.new_state, lambda: tagger.export_safetensors(),
                 lambda: tagger.step_precision, lambda: tagger.train("fly to boston", steps=1)):
        with pytest.raises(rnnnative.UnsupportedError, match="language models; model is a tagger"):
            call()


def test_nan_in_numpy_inputs_or_targets_is_named():
    x = np.zeros((4, 3, 1), dtype=np.float32)
    x[2, 1, 0] = np.nan
    with pytest.raises(rnnnative.InvalidArgumentError, match=r"^data: element 7 is NaN"):
        Model.regressor(hidden=8).fit(x, np.zeros(4), updates=1, progress=False)
    with pytest.raises(rnnnative.InvalidArgumentError, match=r"^targets: element 1 is"):
        Model.regressor(hidden=8).fit(np.zeros((4, 3, 1)), np.array([0, np.inf, 0, 0]), updates=1, progress=False)


def test_misuse_is_reported_before_any_work(conll):
    with pytest.raises(rnnnative.InvalidStateError, match="not fitted yet"):
        Model.tagger().predict(conll["test"])
    with pytest.raises(rnnnative.InvalidArgumentError, match="updates=, seconds= or epochs="):
        Model.tagger().fit(conll["train"])
    with pytest.raises(rnnnative.InvalidArgumentError, match="'rnn' is not one of"):
        Model.tagger(cell="rnn")
    with pytest.raises(rnnnative.InvalidArgumentError, match=r'^data\[0\]\[1\]: "new york" cannot be a CoNLL token'):
        Model.tagger().fit([["fly", "new york"]], [["O", "B-to"]], updates=1, progress=False)
    tagger = Model.tagger(hidden=8)
    with pytest.raises(rnnnative.InvalidArgumentError, match="batch_size"):
        tagger.fit(conll["train"], updates=1, batch_size=0, progress=False)
    assert not tagger.fitted  # a failed first fit leaves no half-made model behind
    with pytest.raises(rnnnative.InvalidArgumentError, match="^clip: "):  # fit's keyword, not config->clip_norm
        tagger.fit(conll["train"], updates=1, clip=-1, progress=False)
    with pytest.raises(rnnnative.InvalidArgumentError, match=r"lengths: expected \[N\]"):
        Model.regressor().fit(np.zeros((2, 3, 1)), np.zeros(2), lengths=[4, 1], updates=1, progress=False)

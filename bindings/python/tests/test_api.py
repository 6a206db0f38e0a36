"""The Pythonic API end to end: load, errors, train, sample, stream, step, save/load, threads."""
import array
import io
import math
import re
import threading

import pytest

import rnnnative
from rnnnative import Model, ModelConfig, Vocabulary
from conftest import run_python


# -- loading --------------------------------------------------------------------------------------

def test_library_loads_with_the_best_flavour_and_checks_the_abi():
    assert rnnnative.abi_version() == rnnnative.ABI_VERSION == 1
    assert rnnnative.version().count(".") == 2
    assert rnnnative.library_path.is_file()
    from rnnnative._native import flavours
    assert rnnnative.flavour == flavours()[0]
    expected = {"linux-x64-v4": "avx512", "linux-x64-v3": "avx2", "linux-x64-v2": "v128", "linux-arm64": "v128"}
    assert rnnnative.kernel_path() == expected[rnnnative.flavour]


def test_flavour_rule_mirrors_the_c_loader(monkeypatch):
    from rnnnative._native import flavours
    monkeypatch.delenv("RNN_NATIVE_FLAVOUR", raising=False)
    v4 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl", "avx2", "fma", "bmi1", "bmi2", "sse4_2", "popcnt"}
    assert flavours("x86_64", v4) == ["linux-x64-v4", "linux-x64-v3", "linux-x64-v2"]
    assert flavours("x86_64", v4 - {"avx512vl"}) == ["linux-x64-v3", "linux-x64-v2"]
    assert flavours("x86_64", {"sse4_2", "popcnt", "avx2"}) == ["linux-x64-v2"]
    assert flavours("aarch64", set()) == ["linux-arm64"]


def test_rnn_lib_path_to_a_missing_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope" / "librnnnative.so"
    r = run_python("import rnnnative", {"RNN_LIB_PATH": str(missing)})
    assert r.returncode != 0
    assert "LibraryNotFoundError" in r.stderr and str(missing) in r.stderr and "missing" in r.stderr


def test_rnn_lib_path_override_is_used():
    r = run_python("import rnnnative; print(rnnnative.library_path)", {"RNN_LIB_PATH": str(rnnnative.library_path)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(rnnnative.library_path)


def test_a_file_that_is_not_a_library_is_reported_with_its_path(tmp_path):
    bogus = tmp_path / "librnnnative.so"
    bogus.write_text("not an ELF file")
    r = run_python("import rnnnative", {"RNN_LIB_PATH": str(bogus)})
    assert r.returncode != 0 and str(bogus) in r.stderr and "Tried" in r.stderr


def test_without_any_library_every_searched_path_is_listed(tmp_path):
    r = run_python("import rnnnative", {"RNN_NATIVE_FLAVOUR": "no-such-flavour"})
    assert r.returncode != 0
    assert "_lib/no-such-flavour/librnnnative.so: missing" in r.stderr
    assert "artifacts/native/no-such-flavour/librnnnative.so: missing" in r.stderr


# -- errors ---------------------------------------------------------------------------------------

def test_bad_arguments_raise_invalid_argument_naming_the_field(text):
    vocab = Vocabulary.from_text(text)
    with pytest.raises(rnnnative.InvalidArgumentError, match="hidden") as e:
        Model.lstm(vocab, hidden=0, embedding=8)
    assert e.value.status == 1 and e.value.function == "rnn_model_create"
    assert isinstance(e.value, ValueError) and isinstance(e.value, rnnnative.RnnError)
    with pytest.raises(rnnnative.InvalidArgumentError, match="activation"):
        Model.elman(vocab, hidden=8, activation="sigmoid")
    with pytest.raises(rnnnative.InvalidArgumentError, match="kind"):
        Vocabulary.from_text("abc", kind="syllable")
    with pytest.raises(rnnnative.InvalidArgumentError):
        vocab.encode("unseen character: \u00e9")
    with pytest.raises(rnnnative.InvalidArgumentError, match="steps="):
        Model.lstm(vocab, hidden=8).train(text)
    with pytest.raises(rnnnative.InvalidArgumentError, match="top_p"):
        Model.lstm(vocab, hidden=8).sample(top_p=2.0)


@pytest.mark.parametrize("call, keyword, c_field", [
    (lambda v, t: Model.lstm(v, hidden=0, embedding=8), "hidden", "hidden_size"),
    (lambda v, t: Model.lstm(v, hidden=8, embedding=-1), "embedding", "embedding_size"),
    (lambda v, t: Model.lstm(v, hidden=8).train(t, steps=5, seq_length=0), "seq_length", "seq_len"),
    (lambda v, t: Model.lstm(v, hidden=8).train(t, steps=5, lr=-1.0), "lr", "learning_rate"),
    (lambda v, t: Model.lstm(v, hidden=8).train(t, steps=-5), "steps", "max_steps"),
    (lambda v, t: Model.lstm(v, hidden=8).train(t, seconds=-5.0), "seconds", "max_seconds"),
    (lambda v, t: Model.lstm(v, hidden=8).sample(n=-1), "n", "max_tokens"),
    (lambda v, t: Model.lstm(v, hidden=8).train(t, steps=5, batch_size=0), "batch_size", "batch_size"),
])
def test_errors_name_the_python_keyword_not_the_c_field(text, call, keyword, c_field):
    with pytest.raises(rnnnative.InvalidArgumentError) as e:
        call(Vocabulary.from_text(text), text)
    message = str(e.value)
    assert re.search(rf"\b{keyword}\b", message) and "config->" not in message and "rnn_" not in message
    assert keyword == c_field or not re.search(rf"\b{c_field}\b", message)
    assert e.value.function in ("rnn_model_create", "rnn_trainer_create", "rnn_generator_create")


def test_wrong_types_and_empty_texts_raise_the_bindings_errors_naming_the_argument(trained):
    for call, name in [(lambda: trained.sample(prime=5), "prime"), (lambda: trained.sample(stop=3.5), "stop"),
                       (lambda: list(trained.stream(prime=["a"])), "prime"),
                       (lambda: Vocabulary.from_text(None), "text"), (lambda: trained.vocab.encode(7), "text")]:
        with pytest.raises(rnnnative.ArgumentTypeError, match=rf"^{name}: expected str or bytes, got ") as e:
            call()
        assert isinstance(e.value, TypeError) and isinstance(e.value, rnnnative.RnnError)
    for text in ("", "h", b"", []):
        with pytest.raises(rnnnative.InvalidArgumentError, match=r"^text: [01] token\(s\); evaluate needs at least 2"):
            trained.evaluate(text)
    assert trained.evaluate("he").loss > 0


def test_closed_objects_raise_invalid_handle_and_close_is_idempotent(text):
    vocab = Vocabulary.from_text(text)
    model = Model.lstm(vocab, hidden=8)
    state = model.new_state()
    model.close()
    model.close()
    assert model.closed
    with pytest.raises(rnnnative.InvalidHandleError, match="Model is closed"):
        model.sample(n=5)
    state.step(0)  # the state keeps the model's weights alive
    with state:
        pass
    with pytest.raises(rnnnative.InvalidHandleError, match="State is closed"):
        state.step(0)
    with Vocabulary.from_text("abc") as v:
        assert len(v) == 3
    with pytest.raises(rnnnative.InvalidHandleError):
        len(v)


def test_corrupt_truncated_and_missing_model_files(tmp_path, trained):
    data = trained.to_bytes()
    corrupt = bytearray(data)
    corrupt[len(corrupt) // 2] ^= 0xFF
    with pytest.raises(rnnnative.FormatError) as e:
        Model.from_bytes(bytes(corrupt))
    assert e.value.message
    (tmp_path / "truncated.rnn").write_bytes(data[: len(data) // 3])
    with pytest.raises(rnnnative.FormatError):
        Model.load(tmp_path / "truncated.rnn")
    with pytest.raises(rnnnative.RnnIOError) as e:
        Model.load(tmp_path / "missing.rnn")
    assert isinstance(e.value, OSError) and "missing.rnn" in str(e.value)
    with pytest.raises(rnnnative.FormatError):
        Model.from_bytes(b"definitely not a model")


def test_a_huge_learning_rate_diverges(text):
    vocab = Vocabulary.from_text(text)
    with Model.elman(vocab, hidden=16, activation="relu", seed=1) as model:
        with pytest.raises(rnnnative.DivergedError) as e:
            model.train(text, steps=200, lr=1e9, clip_norm=0, optimizer="sgd", seq_length=16, batch_size=4, progress=False)
        assert isinstance(e.value, ArithmeticError)


# -- training, sampling ---------------------------------------------------------------------------

def test_training_brings_the_loss_below_a_threshold(trained, text):
    assert trained.result.finished and trained.result.steps == 300
    assert trained.result.smoothed_loss < 0.3
    ev = trained.evaluate(text[:400])
    assert ev.loss < 0.3 and math.isclose(ev.perplexity, math.exp(ev.loss), rel_tol=1e-9)
    assert math.isclose(ev.bits_per_token, ev.loss / math.log(2), rel_tol=1e-9)


def test_training_from_a_file_tokens_and_elman(tmp_path, text):
    path = tmp_path / "corpus.txt"
    path.write_text(text)
    vocab = Vocabulary.from_file(path)
    model = Model.elman(vocab, hidden=32, seed=2)
    before = model.evaluate(text).loss
    model.train(path, steps=100, seq_length=16, batch_size=4, lr=5e-3, progress=False)
    ids = vocab.encode_array(text)
    model.train(ids, steps=50, seq_length=16, batch_size=4, lr=5e-3, progress=False)
    assert model.evaluate(ids).loss < before


def test_one_hot_models_train_and_keep_their_input(text):
    vocab = Vocabulary.from_text(text)
    with Model.lstm(vocab, hidden=24, layers=1, embedding=0, seed=4) as model:
        assert model.config == ModelConfig(len(vocab), 0, 24, 1, "lstm", "tanh", "one-hot")
        assert "one-hot input" in repr(model)
        before = model.evaluate(text).loss
        model.train(text, steps=60, seq_length=16, batch_size=4, lr=1e-2, progress=False)
        assert model.evaluate(text).loss < before - 0.5
        with Model.from_bytes(model.to_bytes()) as loaded:
            assert loaded.config == model.config
            assert loaded.sample(prime="the ", n=40, seed=2) == model.sample(prime="the ", n=40, seed=2)
    with pytest.raises(rnnnative.InvalidArgumentError, match="embedding"):
        Model.create(vocab, ModelConfig(len(vocab), 8, 16, input="one-hot"))
    with pytest.raises(rnnnative.InvalidArgumentError, match="input"):
        Model.create(vocab, ModelConfig(len(vocab), 0, 16, input="two-hot"))


def test_save_load_round_trip_file_and_bytes(tmp_path, trained):
    path = tmp_path / "model.rnn"
    trained.save(path)
    with Model.load(path) as loaded, Model.from_bytes(trained.to_bytes()) as from_bytes:
        assert loaded.config == trained.config == from_bytes.config
        assert loaded.vocab.decode(range(len(loaded.vocab))) == trained.vocab.decode(range(len(trained.vocab)))
        a = trained.sample(prime="the ", n=80, seed=5)
        assert loaded.sample(prime="the ", n=80, seed=5) == a == from_bytes.sample(prime="the ", n=80, seed=5)
    assert path.read_bytes() == trained.to_bytes()


def test_same_seed_same_text_other_seed_other_text_and_stop(trained):
    a = trained.sample(prime="he", n=200, temperature=1.5, seed=1)
    assert a == trained.sample(prime="he", n=200, temperature=1.5, seed=1)
    assert a != trained.sample(prime="he", n=200, temperature=1.5, seed=2)
    stopped = trained.sample(prime="the quick", n=200, temperature=0, stop="lazy")
    assert stopped == " brown fox jumps over the "


def test_streaming_equals_sample_and_can_stop_early(trained):
    kwargs = dict(prime="hello", n=150, temperature=0.9, top_k=5, top_p=0.95, seed=11)
    pieces = list(trained.stream(**kwargs))
    assert len(pieces) > 1
    assert "".join(pieces) == trained.sample(**kwargs)
    stream = trained.stream(**kwargs)
    first = next(stream)
    stream.close()  # stops the generation thread
    assert first == pieces[0]


def test_step_object_matches_greedy_sampling_and_reset(trained):
    vocab = trained.vocab
    prime = "the quick"
    greedy = trained.sample(prime=prime, n=30, temperature=0)
    with trained.new_state() as state:
        logits = state.feed(vocab.encode(prime))
        assert isinstance(logits, array.array) and len(logits) == len(vocab)
        out = []
        for _ in range(30):
            token = max(range(len(logits)), key=logits.__getitem__)
            out.append(token)
            logits = state.step(token)
        assert vocab.decode(out) == greedy
        state.reset()
        again = state.feed(vocab.encode(prime))
        state.reset()
        assert list(again) == list(state.feed(vocab.encode(prime)))
        with pytest.raises(rnnnative.InvalidArgumentError, match="token"):
            state.step(len(vocab))


def test_step_precision_bf16_reaches_existing_states_and_changes_logits_slightly(text):
    vocab = Vocabulary.from_text(text)  # a model of its own: `trained` stays float32 for the others
    ids = vocab.encode("hello world, the quick")
    with Model.lstm(vocab, hidden=64, layers=2, embedding=16, seed=3) as model, model.new_state() as state:
        assert model.step_precision == "f32"
        f32 = list(state.feed(ids))
        model.step_precision = "bf16"
        assert model.step_precision == "bf16"
        state.reset()
        bf16 = list(state.feed(ids))
        diff = max(abs(a - b) for a, b in zip(f32, bf16))
        assert 0 < diff < 0.05, diff
        assert len(model.sample(prime="hello", n=20, seed=1)) > 0
        with pytest.raises(rnnnative.InvalidArgumentError, match="step_precision: 'fp8'") as e:
            model.step_precision = "fp8"
        assert isinstance(e.value, ValueError)
        assert model.step_precision == "bf16"
        model.step_precision = "f32"
        state.reset()
        assert list(state.feed(ids)) == f32


def test_step_precision_int8_changes_logits_slightly_and_samples(text):
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode("hello world, the quick")
    with Model.lstm(vocab, hidden=64, layers=2, embedding=16, seed=3) as model, model.new_state() as state:
        f32 = list(state.feed(ids))
        model.step_precision = "int8"
        assert model.step_precision == "int8"
        state.reset()
        int8 = list(state.feed(ids))
        diff = max(abs(a - b) for a, b in zip(f32, int8))
        assert 0 < diff < 0.05, diff
        assert len(model.sample(prime="hello", n=20, seed=1)) > 0


def test_numpy_zero_copy_paths(trained):
    np = pytest.importorskip("numpy")
    vocab = trained.vocab
    ids = np.frombuffer(vocab.encode_array("hello world"), dtype=np.int32)
    assert vocab.decode(ids) == "hello world"
    ids.setflags(write=False)
    assert vocab.decode(ids) == "hello world"  # read-only arrays too, through the array interface
    with trained.new_state() as state:
        out = np.zeros(len(vocab), dtype=np.float32)
        address = out.ctypes.data
        result = state.step(int(ids[0]), out=out)
        assert result is out and out.ctypes.data == address and np.any(out != 0)
        view = array.array("f", bytes(4 * len(vocab)))
        state.reset()
        state.step(int(ids[0]), out=memoryview(view))
        assert list(view) == out.tolist()
        with pytest.raises(TypeError, match="float32"):
            state.step(0, out=np.zeros(len(vocab), dtype=np.float64))
        with pytest.raises(rnnnative.BufferTooSmallError) as e:
            state.step(0, out=np.zeros(2, dtype=np.float32))
        assert e.value.needed == len(vocab)
    with pytest.raises(TypeError, match="int32"):
        vocab.decode(np.array([1, 2], dtype=np.int64))
    ev = trained.evaluate(np.frombuffer(vocab.encode_array("the quick brown fox"), dtype=np.int32))
    assert ev.loss < 1.0


def test_threads_sample_concurrently_with_their_own_states(trained):
    expected = {seed: trained.sample(prime="the", n=120, temperature=1.0, seed=seed) for seed in range(4)}
    results, errors = {}, []

    def work(seed):
        try:
            with trained.new_state() as state:
                for token in trained.vocab.encode("hello world"):
                    state.step(token)
            results[seed] = trained.sample(prime="the", n=120, temperature=1.0, seed=seed)
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == expected


def test_progress_callback_sees_every_update_and_can_stop(text):
    vocab = Vocabulary.from_text(text)
    model = Model.lstm(vocab, hidden=16, seed=3)
    reports = []
    result = model.train(text, steps=20, seq_length=16, batch_size=4, eval_every=10, progress=False,
                         callback=reports.append)
    assert sorted({r.step for r in reports}) == list(range(1, 21)) and result.finished
    assert any(not math.isnan(r.validation_loss) for r in reports)
    assert 0 < reports[-1].fraction <= 1 and reports[-1].total_steps == 20
    stopped = model.train(text, steps=20, seq_length=16, batch_size=4, progress=False,
                          callback=lambda p: p.step >= 5)
    assert stopped.steps == 5 and not stopped.finished


def test_text_progress_bar_without_tqdm(text, capsys, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm":
            raise ImportError("no tqdm here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    vocab = Vocabulary.from_text(text)
    Model.lstm(vocab, hidden=8).train(text, steps=5, seq_length=8, batch_size=2, progress=True)
    err = capsys.readouterr().err
    assert "step 5/5" in err and "100.0%" in err


def test_keyboard_interrupt_cancels_and_leaves_a_resumable_checkpoint(tmp_path, text):
    vocab = Vocabulary.from_text(text)
    options = dict(steps=30, seq_length=16, batch_size=4, lr=5e-3, eval_every=0, progress=False)
    checkpoint = tmp_path / "interrupted.rnn"

    def interrupt(p):
        if p.step == 12:
            raise KeyboardInterrupt

    interrupted = Model.lstm(vocab, hidden=16, seed=4)
    with pytest.raises(KeyboardInterrupt):
        interrupted.train(text, checkpoint=checkpoint, callback=interrupt, **options)
    assert checkpoint.is_file()

    resumed = Model.load(checkpoint)  # a model file: the weights at update 12
    steps = []
    result = resumed.train(text, resume=checkpoint, callback=lambda p: steps.append(p.step), **options)
    assert result.finished and steps[0] == 13 and result.steps == 30

    straight = Model.lstm(vocab, hidden=16, seed=4)
    straight.train(text, **options)
    assert resumed.to_bytes() == straight.to_bytes()  # bit for bit the uninterrupted run

    straight.save(tmp_path / "plain.rnn")
    with pytest.raises(rnnnative.FormatError, match="training state"):
        Model.lstm(vocab, hidden=16).train(text, resume=tmp_path / "plain.rnn", **options)


def test_trainer_object_steps_validates_and_cancels_from_another_thread(text):
    vocab = Vocabulary.from_text(text)
    model = Model.lstm(vocab, hidden=16, seed=5)
    with model.trainer(text, seconds=30, seq_length=16, batch_size=4) as trainer:
        assert trainer.step() > 0
        assert trainer.progress().step == 1
        assert trainer.validate().loss > 0
        timer = threading.Timer(0.3, trainer.cancel)
        timer.start()
        result = trainer.train(progress=False)
        timer.join()
        assert not result.finished and result.steps > 1


def test_vocabulary_kinds_round_trip():
    words = Vocabulary.from_text("the cat sat on the mat.\n", kind="word", max_size=10)
    assert words.kind == "word" and words.decode(words.encode("the cat sat")) == "the cat sat"
    b = Vocabulary.byte()
    assert len(b) == 256 and b.kind == "byte"
    raw = "h\u00e9llo \u2603".encode()
    assert b.decode_bytes(b.encode(raw)) == raw
    chars = Vocabulary.from_text("aab", max_size=2)
    assert len(chars) == 2 and chars.encode("ab")[0] != chars.encode("ab")[1]


def test_objects_are_released_by_the_garbage_collector_silently(text):
    import gc
    vocab = Vocabulary.from_text(text)
    for _ in range(20):
        model = Model.lstm(vocab, hidden=8)
        state = model.new_state()
        del model, state
    gc.collect()
    r = run_python("import rnnnative\nv = rnnnative.Vocabulary.from_text('abc')\nm = rnnnative.Model.lstm(v, hidden=4)\n"
                   "s = m.new_state()\nimport sys; sys.modules['rnnnative']._x = (v, m, s)\n")
    assert r.returncode == 0 and r.stderr == ""


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_text_progress_bar_fits_the_terminal_and_writes_plain_lines_elsewhere(monkeypatch):
    from rnnnative._progress import TextBar

    for columns in (80, 40):
        monkeypatch.setenv("COLUMNS", str(columns))
        screen = _Terminal()
        bar = TextBar(total=987654321, stream=screen)
        for step, fraction in ((1, 0.0), (123456789, 0.5), (987654321, 1.0)):
            bar.update(step, fraction, loss=12345.6789, tokens_per_second=9.9e9, force=True)
        bar.close()
        drawn = screen.getvalue().split("\r")[1:]
        assert len(drawn) == 3 and drawn[-1].endswith("\n") and "step 987654321/987654321" in drawn[-1]
        assert all(len(line.rstrip("\n")) <= columns - 1 for line in drawn), (columns, drawn)
        assert drawn[1].startswith("[") == (columns == 80)  # the bar only where it has room

    log = io.StringIO()  # not a terminal: whole lines, no carriage returns, at most every `every` seconds
    bar = TextBar(total=300, stream=log, every=3600)
    for step in range(1, 301):
        bar.update(step, step / 300, loss=2.0, tokens_per_second=1e5, force=step == 200)
    bar.close()
    assert "\r" not in log.getvalue()
    assert [line.split()[2] for line in log.getvalue().splitlines()] == ["1/300", "200/300", "300/300"]


def test_create_names_a_vocab_that_is_no_vocabulary_or_of_another_size():
    # A str passed as the vocabulary was accepted and failed at the first sample with an AttributeError.
    config = rnnnative.ModelConfig(vocab_size=6, embedding=8, hidden=8, layers=1, cell="lstm")
    with pytest.raises(rnnnative.ArgumentTypeError, match=r"^vocab: expected a Vocabulary .*got str$"):
        rnnnative.Model.create("abcdef", config)
    with pytest.raises(rnnnative.ArgumentTypeError, match=r"^vocab: expected a Vocabulary"):
        rnnnative.Model.lstm("abcdef", hidden=8)
    vocab = rnnnative.Vocabulary.from_text("abcdef")
    with pytest.raises(rnnnative.InvalidArgumentError, match=r"^vocab: the vocabulary has 6 tokens but config.vocab_size is 10$"):
        rnnnative.Model.create(vocab, rnnnative.ModelConfig(vocab_size=10, embedding=8, hidden=8, layers=1, cell="lstm"))
    with rnnnative.Model.create(vocab, config, seed=1) as model:   # the control: a matching vocabulary makes a model
        assert len(model.sample(n=5, seed=1)) == 5


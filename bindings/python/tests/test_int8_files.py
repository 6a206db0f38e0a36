"""Int8 model files (since 0.6.0): model.save(path, precision="int8") writes an inference-only file about a
quarter of the float32 one; Model.load gives a model that steps exactly as the original's int8 steps, says
weight_precision "int8", and refuses training, other step precisions and safetensors export naming the file."""
import rnnnative
import pytest


def _steps(model, tokens):
    state = model.new_state()
    return [list(state.step(t)) for t in tokens]


def test_an_int8_file_round_trips_steps_exactly_and_is_about_a_quarter_of_the_size(trained, text, tmp_path):
    f32_path, int8_path = tmp_path / "m.rnn", tmp_path / "m.int8.rnn"
    trained.save(f32_path)
    trained.save(int8_path, precision="int8")
    assert int8_path.stat().st_size * 3 < f32_path.stat().st_size
    assert trained.to_bytes(precision="int8") == int8_path.read_bytes()
    assert trained.weight_precision == "f32"

    tokens = trained.vocab.encode(text[:40])
    trained.step_precision = "int8"
    try:
        expected = _steps(trained, tokens)
        expected_text = trained.sample(prime="hello ", n=40, seed=3)
    finally:
        trained.step_precision = "f32"   # the shared fixture stays float32
    with rnnnative.Model.load(int8_path) as loaded:
        assert loaded.weight_precision == "int8"
        assert loaded.step_precision == "int8"
        assert _steps(loaded, tokens) == expected                 # bit for bit
        assert loaded.sample(prime="hello ", n=40, seed=3) == expected_text
        assert abs(loaded.evaluate(text).loss - trained.evaluate(text).loss) < 0.01
        assert loaded.to_bytes(precision="int8") == int8_path.read_bytes()   # quantising again changes nothing
    with rnnnative.Model.from_bytes(int8_path.read_bytes()) as from_bytes:
        assert from_bytes.weight_precision == "int8"
        assert _steps(from_bytes, tokens) == expected


def test_a_loaded_int8_model_refuses_what_needs_float32_weights_naming_the_file(trained, text, tmp_path):
    path = tmp_path / "m.int8.rnn"
    trained.save(path, precision="int8")
    with rnnnative.Model.load(path) as loaded:
        for action in (lambda: setattr(loaded, "step_precision", "f32"),
                       lambda: setattr(loaded, "step_precision", "bf16"),
                       lambda: loaded.train(text, steps=1, progress=False),
                       lambda: loaded.export_safetensors(tmp_path / "never.safetensors"),
                       lambda: loaded.save(tmp_path / "never.rnn")):
            with pytest.raises(rnnnative.UnsupportedError, match="holds int8 weights for inference only") as e:
                action()
            assert str(path) in str(e.value)
            assert "\n" not in str(e.value)
        loaded.step_precision = "int8"
    with pytest.raises(rnnnative.InvalidArgumentError, match="precision: 'bf16'"):
        trained.save(tmp_path / "never.rnn", precision="bf16")

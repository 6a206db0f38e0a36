"""The Pythonic API over the C ABI: Vocabulary, Model, State, Trainer."""
from __future__ import annotations

import array
import ctypes
import math
import os
import queue
import random
import threading
from ctypes import byref, c_double, c_int32, c_size_t, c_void_p, sizeof
from dataclasses import dataclass
from typing import Any, Callable, Iterator, List, Optional, Sequence, Union

from . import _native
from ._buffers import TokenInput, float32_input, float32_output, int32_input
from ._interrupt import SigintCancels
from ._native import lib
from ._progress import make_bar
from .errors import ArgumentTypeError, BufferTooSmallError, CancelledError, InvalidArgumentError, InvalidHandleError

PathLike = Union[str, "os.PathLike[str]"]

_KINDS = {"byte": 0, "char": 1, "word": 2}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_CELLS = {"elman": 0, "lstm": 1, "gru": 2, "jordan": 3}
_CELL_NAMES = {v: k for k, v in _CELLS.items()}
_ACTIVATIONS = {"tanh": 0, "relu": 1}
_ACTIVATION_NAMES = {v: k for k, v in _ACTIVATIONS.items()}
_INPUTS = {"embedding": 0, "one-hot": 1}
_INPUT_NAMES = {v: k for k, v in _INPUTS.items()}
_INITS = {"default": 0, "identity": 1}
_INIT_NAMES = {v: k for k, v in _INITS.items()}
_SOFTMAXES = {"full": 0, "class": 1}
_SOFTMAX_NAMES = {v: k for k, v in _SOFTMAXES.items()}
_OPTIMIZERS = {"sgd": 0, "adagrad": 1, "rmsprop": 2, "adam": 3, "adamw": 3}
_SCHEDULES = {"constant": 0, "step": 1, "cosine": 2}
_PRECISIONS = {"f32": 0, "bf16": 1, "int8": 2}
_PRECISION_NAMES = {v: k for k, v in _PRECISIONS.items()}
# Model.save's precision (since 0.6.0): True for an int8 file.
_FILE_PRECISIONS = {"f32": False, "int8": True}
# rnn_model_kind (since 0.4.0): what a model predicts.
_MODEL_KINDS = {"language_model": 0, "tagger": 1, "classifier": 2, "regressor": 3, "seq2seq": 4}
_MODEL_KIND_NAMES = {v: k for k, v in _MODEL_KINDS.items()}
_KIND_ARTICLES = {"language_model": "a language model", "tagger": "a tagger", "classifier": "a classifier",
                  "regressor": "a regressor", "seq2seq": "a seq2seq model"}


def _path(path: PathLike) -> bytes:
    return os.fsencode(os.fspath(path))


def _utf8(text: Union[str, bytes], what: str) -> bytes:
    if isinstance(text, bytes):
        return text
    if isinstance(text, str):
        return text.encode("utf-8")
    raise ArgumentTypeError(f"{what}: expected str or bytes, got {type(text).__name__}")


def _choice(value: str, choices: dict, what: str) -> int:
    try:
        return choices[value]
    except (KeyError, TypeError):
        raise InvalidArgumentError(f"{what}: {value!r} is not one of {', '.join(map(repr, choices))}") from None


def _shape(vocab_size: int, embedding: Optional[int], hidden: Optional[int], layers: Optional[int], cell: str,
           activation: str, options: dict) -> "ModelConfig":
    """The convenience constructors' config: hidden and layers None take the engine's defaults (those of
    rnn_model_config_init: char-rnn's 2 x 128, as the CLI's); embedding None leaves the size 0, which the
    engine fills with its default (min(hidden, 64)); 0 means one-hot input. `options`: ModelConfig's
    dropout, init, identity_scale, bidirectional, softmax, classes."""
    if hidden is None or layers is None:
        defaults = _native.ModelConfig()
        lib.rnn_model_config_init_sized(byref(defaults), sizeof(defaults))
        hidden = defaults.hidden_size if hidden is None else hidden
        layers = defaults.layers if layers is None else layers
    if embedding == 0:
        return ModelConfig(vocab_size, 0, hidden, layers, cell, activation, "one-hot", **options)
    return ModelConfig(vocab_size, embedding or 0, hidden, layers, cell, activation, **options)


def _float32(value: float) -> float:
    """The shortest decimal that reads back as the same float32: 0.1, not 0.10000000149011612, so a
    config read back from the library equals the one given."""
    for digits in range(6, 10):
        shortest = float(f"{value:.{digits}g}")
        if ctypes.c_float(shortest).value == value:
            return shortest
    return value


def _vocab_handle(model: "Model") -> Optional[int]:
    """The model's vocabulary handle; None for a sequence model, which has none: the C function then
    refuses the model's kind (RNN_E_UNSUPPORTED) with its message."""
    return model.vocab._handle if model.vocab is not None else None


def _take_memory(data: c_void_p, size: c_size_t) -> bytes:
    try:
        return ctypes.string_at(data, size.value) if size.value else b""
    finally:
        lib.rnn_free(data)


class _Handle:
    """One Python object per C handle: idempotent close(), context manager, silent __del__."""

    _destroy: Callable[[Any], None]
    _kind = "object"
    _h: Optional[int] = None

    def _adopt(self, handle: c_void_p) -> None:
        self._h = handle.value

    @property
    def _handle(self) -> int:
        h = self._h
        if not h:
            raise InvalidHandleError(f"this {self._kind} is closed", 2)
        return h

    @property
    def closed(self) -> bool:
        return not self._h

    def close(self) -> None:
        """Releases the C object; later calls are no-ops, later use raises InvalidHandleError."""
        h, self._h = self._h, None
        if h:
            type(self)._destroy(h)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # The destroy function is a class attribute bound at import (a direct reference), so this
        # works late in interpreter shutdown; any error there is swallowed (nothing to report to).
        try:
            h, self._h = self._h, None
            if h:
                type(self)._destroy(h)
        except Exception:
            pass


# ------------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------------

class Vocabulary(_Handle):
    """Text <-> token ids. Immutable and thread-safe. Build with from_text/from_file/byte()."""

    _destroy = staticmethod(lib.rnn_vocab_destroy)
    _kind = "Vocabulary"

    def __init__(self, _handle: c_void_p) -> None:
        self._adopt(_handle)

    @staticmethod
    def _config(kind: str, max_size: Optional[int]) -> _native.VocabConfig:
        config = _native.VocabConfig()
        lib.rnn_vocab_config_init_sized(byref(config), sizeof(config))
        config.kind = _choice(kind, _KINDS, "kind")
        config.max_size = max_size or 0
        return config

    @classmethod
    def from_text(cls, text: Union[str, bytes], kind: str = "char", max_size: Optional[int] = None) -> "Vocabulary":
        """kind "char" (one id per character, most frequent first; max_size keeps the most frequent
        plus <unk>), "byte" (256 ids) or "word" (max_size words plus <unk>; required)."""
        data = _utf8(text, "text")
        handle = c_void_p()
        lib.rnn_vocab_build(byref(cls._config(kind, max_size)), data, len(data), byref(handle))
        return cls(handle)

    @classmethod
    def from_file(cls, path: PathLike, kind: str = "char", max_size: Optional[int] = None) -> "Vocabulary":
        handle = c_void_p()
        lib.rnn_vocab_build_file(byref(cls._config(kind, max_size)), _path(path), byref(handle))
        return cls(handle)

    @classmethod
    def byte(cls) -> "Vocabulary":
        """The 256-id byte vocabulary: any bytes round-trip exactly."""
        return cls.from_text(b"", kind="byte")

    def __len__(self) -> int:
        n = c_int32()
        lib.rnn_vocab_size(self._handle, byref(n))
        return n.value

    size = property(__len__)

    @property
    def kind(self) -> str:
        k = c_int32()
        lib.rnn_vocab_get_kind(self._handle, byref(k))
        return _KIND_NAMES.get(k.value, str(k.value))

    def encode(self, text: Union[str, bytes]) -> list:
        """Token ids of the text (a list of int)."""
        return self.encode_array(text).tolist()

    def encode_array(self, text: Union[str, bytes]) -> "array.array[int]":
        """Token ids as array.array('i') (a buffer: numpy.frombuffer(ids, numpy.int32) views it)."""
        data = _utf8(text, "text")
        ids = array.array("i", bytes(4 * (len(data) + 1)))  # ids never outnumber the bytes
        needed = c_size_t()
        address, capacity = ids.buffer_info()
        lib.rnn_vocab_encode(self._handle, data, len(data), address, capacity, byref(needed))
        del ids[needed.value:]
        return ids

    def decode_bytes(self, ids: TokenInput) -> bytes:
        """The UTF-8 bytes of the ids (list, array.array('i'), int32 numpy array: buffers are not copied)."""
        address, count, keep = int32_input(ids, "ids")
        needed = c_size_t()
        capacity = 8 * count + 16
        while True:
            buf = ctypes.create_string_buffer(capacity)
            try:
                lib.rnn_vocab_decode(self._handle, address, count, buf, capacity, byref(needed))
                break
            except BufferTooSmallError as e:
                capacity = e.needed
        del keep
        return buf.raw[: needed.value - 1]

    def decode(self, ids: TokenInput) -> str:
        """The text of the ids (invalid UTF-8 from the byte vocabulary reads as U+FFFD)."""
        return self.decode_bytes(ids).decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"<Vocabulary {self.kind} of {len(self)}>" if not self.closed else "<Vocabulary closed>"


# ------------------------------------------------------------------------------------------------
# Data classes
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelConfig:
    vocab_size: int
    embedding: int            # 0 with input="one-hot"
    hidden: int
    layers: int = 2           # the engine's default (rnn_model_config_init), as Model.lstm's and rnn train's; jordan: 1
    cell: str = "lstm"        # or "gru", "elman", "jordan" (one layer that feeds back its softmax output, Model.jordan)
    activation: str = "tanh"
    input: str = "embedding"  # or "one-hot": layer 0 reads the token's one-hot vector (char-rnn), no embedding
    dropout: float = 0.0      # p in training: on the embedding, between layers, before the output layer
    init: str = "default"     # or "identity": IRNN (Le et al. 2015), elman only: W_hh = identity_scale * I, biases 0
    identity_scale: float = 1.0
    bidirectional: bool = False  # a language model refuses it (its backward direction would read the future)
    # since 0.5.0: "class" factors the softmax over word classes (Mikolov et al. 2011), classes + |class| logits
    # per token instead of vocab_size; for word vocabularies. classes 0: round(sqrt(vocab_size)).
    softmax: str = "full"
    classes: int = 0

    def _to_c(self, seed: int = 0) -> _native.ModelConfig:
        c = _native.ModelConfig()
        lib.rnn_model_config_init_sized(byref(c), sizeof(c))
        c.vocab_size, c.embedding_size, c.hidden_size, c.layers = self.vocab_size, self.embedding, self.hidden, self.layers
        c.cell = _choice(self.cell, _CELLS, "cell")
        c.activation = _choice(self.activation, _ACTIVATIONS, "activation")
        c.input = _choice(self.input, _INPUTS, "input")
        c.seed, c.seed_high = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
        c.dropout, c.identity_scale, c.bidirectional = self.dropout, self.identity_scale, 1 if self.bidirectional else 0
        c.init = _choice(self.init, _INITS, "init")
        c.softmax, c.classes = _choice(self.softmax, _SOFTMAXES, "softmax"), self.classes
        return c


@dataclass(frozen=True)
class Evaluation:
    loss: float            # mean cross-entropy, nats per predicted token
    perplexity: float
    bits_per_token: float


@dataclass(frozen=True)
class Progress:
    """One report of a training run (after every update and every validation)."""
    step: int
    total_steps: int          # 0 when not known (a time limit)
    epoch: int
    loss: float
    smoothed_loss: float
    validation_loss: float    # NaN unless this report follows a validation
    best_validation_loss: float
    tokens_per_second: float
    elapsed_seconds: float
    fraction: float
    learning_rate: float
    gradient_norm: float

    @staticmethod
    def _from_c(p: _native.Progress) -> "Progress":
        return Progress(p.step, p.total_steps, p.epoch, p.loss, p.smoothed_loss, p.validation_loss,
                        p.best_validation_loss, p.tokens_per_second, p.elapsed_seconds, p.fraction,
                        p.learning_rate, p.gradient_norm)


@dataclass(frozen=True)
class SampleResult:
    """One stream of Model.sample_many(..., details=True) (since 0.6.0)."""
    text: str      # the generated text, without the prompt and the stop string
    tokens: int    # tokens drawn (the one completing a stop string included)
    finish: str    # "length" (n tokens) or "stop" (a stop string was reached)


_FINISHES = {0: "length", 1: "stop"}


def _per_prompt(value: Any, count: int, what: str) -> list:
    """`value` for each of `count` prompts: one value for all, or a list or tuple of one per prompt."""
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise InvalidArgumentError(f"{what}: {len(value)} values for {count} prompts (give one value, or one per prompt)")
        return list(value)
    return [value] * count


def _stops_per_prompt(stop: Any, count: int) -> List[List[str]]:
    """stop: None, a str or a list of str (for every prompt), or a list of one entry per prompt, each None, a str or a
    list of str (told apart by an entry that is not a str)."""
    if stop is None or isinstance(stop, str):
        return [[stop] if stop else [] for _ in range(count)]
    if not isinstance(stop, (list, tuple)):
        raise ArgumentTypeError(f"stop: expected None, a str or a list, got {type(stop).__name__}")
    if all(isinstance(s, str) for s in stop):
        return [list(stop) for _ in range(count)]
    entries = _per_prompt(list(stop), count, "stop")
    return [[] if e is None else [e] if isinstance(e, str) else list(e) for e in entries]


@dataclass(frozen=True)
class TrainingResult:
    steps: int
    loss: float
    smoothed_loss: float
    validation_loss: float    # the held-out loss at the end (NaN when nothing is held out)
    finished: bool            # a limit (steps, seconds, epochs) was reached
    elapsed_seconds: float


# ------------------------------------------------------------------------------------------------
# Model
# ------------------------------------------------------------------------------------------------

class Model(_Handle):
    """A recurrent language model (LSTM, GRU or Elman) with its vocabulary."""

    _destroy = staticmethod(lib.rnn_model_destroy)
    _kind = "Model"

    def __init__(self, _handle: c_void_p, vocab: Vocabulary) -> None:
        self._adopt(_handle)
        self.vocab = vocab

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def create(cls, vocab: Vocabulary, config: ModelConfig, seed: int = 0) -> "Model":
        # Checked here, where the mistake is made: a str (or another vocabulary's size) failed only at the first sample.
        if not isinstance(vocab, Vocabulary):
            raise ArgumentTypeError(f"vocab: expected a Vocabulary (Vocabulary.from_text, from_file or byte()), got {type(vocab).__name__}")
        if len(vocab) != config.vocab_size:
            raise InvalidArgumentError(f"vocab: the vocabulary has {len(vocab)} tokens but config.vocab_size is {config.vocab_size}")
        handle = c_void_p()
        lib.rnn_model_create(byref(config._to_c(seed)), byref(handle))
        return cls(handle, vocab)

    @classmethod
    def lstm(cls, vocab: Vocabulary, hidden: Optional[int] = None, layers: Optional[int] = None,
             embedding: Optional[int] = None, seed: int = 0, *, dropout: float = 0.0, init: str = "default",
             identity_scale: float = 1.0, bidirectional: bool = False, softmax: str = "full", classes: int = 0) -> "Model":
        """An LSTM (PyTorch nn.LSTM gates), initialized as PyTorch does from `seed`. hidden and layers
        default to the engine's 128 and 2 (char-rnn's, as `rnn train`); embedding=0: one-hot input, no embedding.
        dropout, init, identity_scale, bidirectional, softmax, classes: as ModelConfig's (init="identity" is for elman
        only; softmax="class" for word vocabularies: its classes are fitted on the first training corpus)."""
        options = dict(dropout=dropout, init=init, identity_scale=identity_scale, bidirectional=bidirectional,
                       softmax=softmax, classes=classes)
        return cls.create(vocab, _shape(len(vocab), embedding, hidden, layers, "lstm", "tanh", options), seed)

    @classmethod
    def gru(cls, vocab: Vocabulary, hidden: Optional[int] = None, layers: Optional[int] = None,
            embedding: Optional[int] = None, seed: int = 0, *, dropout: float = 0.0, init: str = "default",
            identity_scale: float = 1.0, bidirectional: bool = False, softmax: str = "full", classes: int = 0) -> "Model":
        """A GRU (PyTorch nn.GRU gates r, z, n), as lstm() otherwise."""
        options = dict(dropout=dropout, init=init, identity_scale=identity_scale, bidirectional=bidirectional,
                       softmax=softmax, classes=classes)
        return cls.create(vocab, _shape(len(vocab), embedding, hidden, layers, "gru", "tanh", options), seed)

    @classmethod
    def elman(cls, vocab: Vocabulary, hidden: Optional[int] = None, layers: Optional[int] = None,
              embedding: Optional[int] = None, activation: str = "tanh", seed: int = 0, *, dropout: float = 0.0,
              init: str = "default", identity_scale: float = 1.0, bidirectional: bool = False, softmax: str = "full",
              classes: int = 0) -> "Model":
        """An Elman RNN (PyTorch nn.RNN) with activation "tanh" or "relu"; embedding=0: one-hot input.
        init="identity" (with activation="relu"): IRNN, W_hh = identity_scale * I, biases 0, W_ih ~ N(0, 0.001^2)."""
        options = dict(dropout=dropout, init=init, identity_scale=identity_scale, bidirectional=bidirectional,
                       softmax=softmax, classes=classes)
        return cls.create(vocab, _shape(len(vocab), embedding, hidden, layers, "elman", activation, options), seed)

    @classmethod
    def jordan(cls, vocab: Vocabulary, hidden: Optional[int] = None, embedding: Optional[int] = None,
               activation: str = "tanh", seed: int = 0, *, dropout: float = 0.0) -> "Model":
        """A Jordan network (Jordan 1986): one layer that feeds back its previous output, the softmax over the
        vocabulary, instead of its hidden state: h_t = f(W_ih x_t + W_yh y_{t-1} + b), y_t = softmax(W_out h_t + b_out).
        The y it ends a training window with starts the next, as a stack's hidden state does. hidden defaults to
        the engine's 128; embedding=0: one-hot input (then dropout must be 0). Steps and sampling run in float32
        only (step_precision "bf16" raises), and it has no PyTorch exchange file (save() it)."""
        options = dict(dropout=dropout, init="default", identity_scale=1.0, bidirectional=False)
        return cls.create(vocab, _shape(len(vocab), embedding, hidden, 1, "jordan", activation, options), seed)

    @classmethod
    def tagger(cls, **options: Any) -> "Tagger":
        """A tagger (a tag per timestep: slot filling, BIO chunks), not fitted yet: fit() reads the
        training data, makes the model for its vocabulary and tags, and trains it. See Tagger."""
        from ._tasks import Tagger
        return Tagger(**options)

    @classmethod
    def classifier(cls, **options: Any) -> "Classifier":
        """A classifier (a class per sequence), not fitted yet. See Classifier."""
        from ._tasks import Classifier
        return Classifier(**options)

    @classmethod
    def regressor(cls, **options: Any) -> "Regressor":
        """A regressor (values per sequence or per timestep, mean squared error), not fitted yet. See Regressor."""
        from ._tasks import Regressor
        return Regressor(**options)

    @classmethod
    def seq2seq(cls, **options: Any) -> "Seq2Seq":
        """A sequence-to-sequence model (encoder-decoder; greedy or beam decoding), not fitted yet: fit() reads the
        training pairs, makes the model for their two vocabularies, and trains it. See Seq2Seq. Since 0.5.0."""
        from ._seq2seq import Seq2Seq
        return Seq2Seq(**options)

    @classmethod
    def load(cls, path: PathLike) -> "Model":
        """Loads a model file (from save() or a training checkpoint) as the kind it holds: a language
        model with its vocabulary, or a Tagger, Classifier, Regressor or Seq2Seq (see `kind`)."""
        model, vocab = c_void_p(), c_void_p()
        lib.rnn_model_load_file(_path(path), byref(model), byref(vocab))
        return cls._loaded(model, vocab, os.fspath(path))

    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview]) -> "Model":
        """Loads a model from the bytes of a model file (to_bytes())."""
        data = bytes(data)
        model, vocab = c_void_p(), c_void_p()
        lib.rnn_model_load_from_memory(data, len(data), byref(model), byref(vocab))
        return cls._loaded(model, vocab, "data")

    @classmethod
    def _loaded(cls, model: c_void_p, vocab: c_void_p, source: str) -> "Model":
        """The Python object of the kind the library loaded; `cls` (Tagger.load, ...) must be that kind."""
        from ._tasks import adopt
        loaded = Model(model, Vocabulary(vocab)) if vocab.value else adopt(model)
        if not isinstance(loaded, cls):
            kind = loaded.kind
            loaded.close()
            raise InvalidArgumentError(f"{source}: holds {_KIND_ARTICLES[kind]}, which {cls.__name__}.load does not return", 1)
        return loaded

    @classmethod
    def import_safetensors(cls, source: Union[PathLike, bytes, bytearray, memoryview], vocab: Optional[Vocabulary] = None,
                           config: Optional[ModelConfig] = None) -> "Model":
        """Imports PyTorch CharRnn weights (a safetensors file path, or its bytes). The vocabulary is
        `vocab` or the one in the file's metadata; the shape `config` or the metadata's."""
        model, out_vocab = c_void_p(), c_void_p()
        c = byref(config._to_c()) if config is not None else None
        v = vocab._handle if vocab is not None else None
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            lib.rnn_model_import_safetensors_from_memory(data, len(data), v, c, byref(model), byref(out_vocab))
        else:
            lib.rnn_model_import_safetensors(_path(source), v, c, byref(model), byref(out_vocab))
        return cls(model, Vocabulary(out_vocab))

    # -- description, persistence ------------------------------------------------------------

    @property
    def config(self) -> ModelConfig:
        c = _native.ModelConfig()
        c.struct_size = sizeof(c)
        lib.rnn_model_get_config(self._handle, byref(c))
        return ModelConfig(c.vocab_size, c.embedding_size, c.hidden_size, c.layers,
                           _CELL_NAMES.get(c.cell, str(c.cell)), _ACTIVATION_NAMES.get(c.activation, str(c.activation)),
                           _INPUT_NAMES.get(c.input, str(c.input)), _float32(c.dropout), _INIT_NAMES.get(c.init, str(c.init)),
                           _float32(c.identity_scale), c.bidirectional != 0,
                           _SOFTMAX_NAMES.get(c.softmax, str(c.softmax)), c.classes)

    @property
    def vocab_size(self) -> int:
        return self.config.vocab_size

    @property
    def kind(self) -> str:
        """What the model predicts: "language_model", "tagger", "classifier", "regressor" or "seq2seq"."""
        k = c_int32()
        lib.rnn_model_get_kind(self._handle, byref(k))
        return _MODEL_KIND_NAMES.get(k.value, str(k.value))

    @property
    def step_precision(self) -> str:
        """How sampling (sample(), stream(), State.step) stores the weights it streams per token:
        "f32" (default; exact up to summation order), "bf16" (half the bytes per token, relative
        weight error <= 2^-8) or "int8" (a quarter: one scale per weight row, the input quantised per
        step, integer dot products). Applies to every state and generator of the model, existing ones
        included, from their next step; training and evaluate() always use float32."""
        p = c_int32()
        lib.rnn_model_get_step_precision(self._handle, byref(p))
        return _PRECISION_NAMES.get(p.value, str(p.value))

    @step_precision.setter
    def step_precision(self, value: str) -> None:
        lib.rnn_model_set_step_precision(self._handle, _choice(value, _PRECISIONS, "step_precision"))

    @property
    def weight_precision(self) -> str:
        """The precision of the weights the model holds (since 0.6.0): "int8" for a model loaded from an
        int8 file (save(path, precision="int8"): inference only, it steps in int8 and refuses training,
        resume, export_safetensors and other step precisions), else "f32"."""
        p = c_int32()
        lib.rnn_model_get_weight_precision(self._handle, byref(p))
        return _PRECISION_NAMES.get(p.value, str(p.value))

    def save(self, path: PathLike, precision: str = "f32") -> None:
        """Saves weights and vocabulary, atomically. precision="int8" (since 0.6.0) writes an
        inference-only file with int8 weights (one scale per row), about a quarter of the size, which
        loads as a model that steps exactly as this one does with step_precision="int8"."""
        if _choice(precision, _FILE_PRECISIONS, "precision"):
            lib.rnn_model_save_file_int8(self._handle, _vocab_handle(self), _path(path))
        else:
            lib.rnn_model_save_file(self._handle, _vocab_handle(self), _path(path))

    def to_bytes(self, precision: str = "f32") -> bytes:
        """The bytes of save()'s file (precision as there)."""
        data, size = c_void_p(), c_size_t()
        save = lib.rnn_model_save_int8_to_memory if _choice(precision, _FILE_PRECISIONS, "precision") else lib.rnn_model_save_to_memory
        save(self._handle, _vocab_handle(self), byref(data), byref(size))
        return _take_memory(data, size)

    def export_safetensors(self, path: Optional[PathLike] = None, include_vocab: bool = True) -> Optional[bytes]:
        """Writes the weights as PyTorch CharRnn's state_dict in safetensors (to `path`, or returns
        the bytes when path is None); the vocabulary rides in the metadata unless include_vocab=False."""
        v = _vocab_handle(self) if include_vocab else None
        if path is not None:
            lib.rnn_model_export_safetensors(self._handle, v, _path(path))
            return None
        data, size = c_void_p(), c_size_t()
        lib.rnn_model_export_safetensors_to_memory(self._handle, v, byref(data), byref(size))
        return _take_memory(data, size)

    # -- inference ---------------------------------------------------------------------------

    def new_state(self) -> "State":
        """A recurrent state (zero) for the step API; states of one model may run on different threads."""
        return State(self)

    def _generator(self, n: int, temperature: float, top_k: int, top_p: float, seed: Optional[int],
                   stop: Optional[str]) -> c_void_p:
        config = _native.SamplingConfig()
        lib.rnn_sampling_config_init_sized(byref(config), sizeof(config))
        config.max_tokens = n
        config.temperature = temperature
        config.top_k = top_k
        config.top_p = top_p
        config.seed = (random.getrandbits(64) if seed is None else seed) & 0xFFFFFFFFFFFFFFFF
        config.stop = _utf8(stop, "stop") if stop else None  # copied by rnn_generator_create
        handle = c_void_p()
        lib.rnn_generator_create(self._handle, _vocab_handle(self), byref(config), byref(handle))
        return handle

    def sample(self, prime: str = "", n: int = 256, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0,
               seed: Optional[int] = None, stop: Optional[str] = None) -> str:
        """Generates up to n tokens after `prime` (not included), stopping before `stop`.
        temperature 0 is greedy; seed=None draws a random seed (pass one for repeatable text)."""
        prime_b = _utf8(prime, "prime")
        generator = self._generator(n, temperature, top_k, top_p, seed, stop)
        try:
            capacity, needed = 8 * n + 64, c_size_t()
            while True:
                buf = ctypes.create_string_buffer(capacity)
                try:
                    lib.rnn_generator_generate(generator, prime_b, buf, capacity, byref(needed))
                    return buf.raw[: needed.value - 1].decode("utf-8", "replace")
                except BufferTooSmallError as e:  # deterministic: the same text, now with room
                    capacity = e.needed
        finally:
            lib.rnn_generator_destroy(generator)

    def stream(self, prime: str = "", n: int = 256, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0,
               seed: Optional[int] = None, stop: Optional[str] = None) -> Iterator[str]:
        """As sample(), yielding the text piece by piece as it is generated (whole characters);
        the pieces concatenate to sample()'s text. Closing the iterator early stops generation."""
        prime_b = _utf8(prime, "prime")
        generator = self._generator(n, temperature, top_k, top_p, seed, stop)
        pieces: "queue.Queue[Any]" = queue.Queue()
        stopping = threading.Event()
        done = object()

        def on_text(text: int, size: int, _user: Any) -> int:
            if stopping.is_set():
                return 1
            pieces.put(ctypes.string_at(text, size).decode("utf-8", "replace"))
            return 0

        callback = _native.TEXT_FN(on_text)  # referenced here until the thread has finished

        def run() -> None:
            try:
                lib.rnn_generator_stream(generator, prime_b, callback, None)
                pieces.put(done)
            except BaseException as e:  # handed to the consumer
                pieces.put(e)

        worker = threading.Thread(target=run, name="rnnnative-stream", daemon=True)
        worker.start()
        try:
            while True:
                item = pieces.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stopping.set()
            worker.join()
            lib.rnn_generator_destroy(generator)
            del callback

    def sample_many(self, prompts: Sequence[str], n: Union[int, Sequence[int]] = 256,
                    temperature: Union[float, Sequence[float]] = 1.0, top_k: Union[int, Sequence[int]] = 0,
                    top_p: Union[float, Sequence[float]] = 1.0, stop: Any = None,
                    seed: Union[int, Sequence[int]] = 0, details: bool = False,
                    streams: int = 0) -> Union[List[str], List[SampleResult]]:
        """Generates a text after each prompt, the streams batched (rnn_model_sample_many, since 0.6.0): up to
        `streams` (0: the engine's default, 64) step together and a finished one's place goes to the next prompt at once. n, temperature, top_k,
        top_p and seed take one value for all prompts or a list of one per prompt; an int seed gives prompt i the
        seed `seed + i`. stop: None, a str or a list of str for every prompt, or a list of one entry per prompt (None,
        a str or a list of str). Each text is the one sample() gives for its prompt, options and seed alone. Returns
        the texts, or with details=True SampleResult(text, tokens, finish) per prompt."""
        if isinstance(prompts, str):
            raise ArgumentTypeError("prompts: expected a list of str, got a str (use sample() for one prompt)")
        prompts = list(prompts)
        count = len(prompts)
        seeds = [seed + i for i in range(count)] if isinstance(seed, int) else _per_prompt(seed, count, "seed")
        options = zip(prompts, _per_prompt(n, count, "n"), _per_prompt(temperature, count, "temperature"),
                      _per_prompt(top_k, count, "top_k"), _per_prompt(top_p, count, "top_p"), _stops_per_prompt(stop, count), seeds)
        requests = (_native.StreamRequest * max(count, 1))()
        keep = []  # the prompts' and stop strings' bytes, alive until the call returns
        for i, (prompt, tokens, temp, k, p, stops, s) in enumerate(options):
            r = requests[i]
            lib.rnn_stream_request_init_sized(byref(r), sizeof(r))
            r.prompt = _utf8(prompt, f"prompts[{i}]")
            r.max_tokens, r.temperature, r.top_k, r.top_p, r.seed = tokens, temp, k, p, s & 0xFFFFFFFFFFFFFFFF
            encoded = [_utf8(x, f"stop[{i}]") for x in stops]
            array = (ctypes.c_char_p * max(len(encoded), 1))(*encoded)
            r.stop_count, r.stop = len(encoded), ctypes.cast(array, c_void_p)
            keep += [r.prompt, array, encoded]
        sizes, tokens_out, finish = (c_size_t * max(count, 1))(), (c_int32 * max(count, 1))(), (c_int32 * max(count, 1))()
        # A first guess at the texts' bytes (a bad max_tokens is the engine's to name; a huge one does not allocate it
        # all up front): the needed-size protocol gives the exact size if they are longer.
        capacity = min(sum(8 * max(r.max_tokens, 0) + 8 for r in requests[:count]) + 1, 1 << 26)
        while True:
            text = ctypes.create_string_buffer(capacity)
            result = _native.SampleManyResult(sizeof(_native.SampleManyResult), 0, ctypes.cast(text, c_void_p), capacity, 0,
                                              ctypes.cast(sizes, c_void_p), ctypes.cast(tokens_out, c_void_p),
                                              ctypes.cast(finish, c_void_p))
            try:
                lib.rnn_model_sample_many(self._handle, _vocab_handle(self), requests, count, streams, byref(result))
                break
            except BufferTooSmallError:  # deterministic: the same texts, now with room
                capacity = result.text_needed
        del keep
        texts, at = [], 0
        for i in range(count):
            texts.append(text.raw[at:at + sizes[i]].decode("utf-8", "replace"))
            at += sizes[i] + 1
        if not details:
            return texts
        return [SampleResult(texts[i], tokens_out[i], _FINISHES[finish[i]]) for i in range(count)]

    def evaluate(self, text: Union[str, bytes, TokenInput], steps: int = 64) -> Evaluation:
        """Loss of the model on `text` (or token ids): every token predicted once from its predecessors."""
        with _Corpus.of(self.vocab, text, "text") as corpus:
            result = _native.Evaluation()
            result.struct_size = sizeof(result)
            lib.rnn_model_evaluate(self._handle, corpus._handle, 1, steps, byref(result))
            return Evaluation(result.loss, result.perplexity, result.bits_per_token)

    # -- training ----------------------------------------------------------------------------

    def trainer(self, data: Union[str, bytes, "os.PathLike[str]", TokenInput], **options: Any) -> "Trainer":
        """A Trainer on `data` (see train() for data and options) for step-by-step control."""
        return Trainer(self, data, **options)

    def train(self, data: Union[str, bytes, "os.PathLike[str]", TokenInput], *, steps: Optional[int] = None,
              seconds: Optional[float] = None, epochs: Optional[int] = None, progress: bool = True,
              callback: Optional[Callable[[Progress], Any]] = None, checkpoint: Optional[PathLike] = None,
              resume: Optional[PathLike] = None, **options: Any) -> TrainingResult:
        """Trains the model in place on `data`: a str (the text itself), bytes (UTF-8 text), an
        os.PathLike (a text file, e.g. pathlib.Path), or token ids (list or int32 buffer).
        Stops after `steps` updates, `seconds` of training or `epochs` passes (at least one).
        Options (None or absent: the engine's default): seq_length=50, batch_size=50, lr=2e-3,
        optimizer="adam" ("adamw", "sgd", "adagrad", "rmsprop"), beta1=0.9, beta2=0.999, epsilon,
        validation_fraction=0.1, eval_every=200, clip_norm=5.0, clip_value=0, seed=0 (of dropout masks), ... (Trainer). `progress` shows a bar (tqdm when installed);
        `callback(Progress)` runs after every update and validation; returning True stops training.
        `checkpoint`: a path written after each validation, at the end and when interrupted, and its
        ".best" sibling (model.best.rnn) at each new best validation loss - the engine's policy;
        Ctrl-C (KeyboardInterrupt) cancels through the library, saves it and re-raises.
        `resume`: a checkpoint to continue from (weights, optimizer state, data position)."""
        with Trainer(self, data, steps=steps, seconds=seconds, epochs=epochs, **options) as trainer:
            if resume is not None:
                trainer.resume(resume)
            return trainer.train(progress=progress, callback=callback, checkpoint=checkpoint)

    def __repr__(self) -> str:
        if self.closed:
            return "<Model closed>"
        c = self.config
        shown = "one-hot input" if c.input == "one-hot" else f"embedding {c.embedding}"
        # The options beyond the shape only when not the default, as `rnn info` shows them.
        options = "".join([f" dropout {c.dropout}" if c.dropout > 0 else "",
                           f" init identity (scale {c.identity_scale})" if c.init == "identity" else "",
                           " bidirectional" if c.bidirectional else "",
                           f" class softmax ({c.classes} classes)" if c.softmax == "class" else ""])
        return f"<Model {c.cell} {c.layers}x{c.hidden} {shown}{options} vocab {c.vocab_size}>"


# ------------------------------------------------------------------------------------------------
# Corpus (internal), Trainer, State
# ------------------------------------------------------------------------------------------------

class _Corpus(_Handle):
    _destroy = staticmethod(lib.rnn_corpus_destroy)
    _kind = "corpus"

    @classmethod
    def of(cls, vocab: Vocabulary, data: Any, what: str = "data") -> "_Corpus":
        corpus, handle = cls(), c_void_p()
        if isinstance(data, (str, bytes)):
            text = _utf8(data, what)
            lib.rnn_corpus_from_text(vocab._handle, text, len(text), byref(handle))
        elif isinstance(data, os.PathLike):
            lib.rnn_corpus_from_file(vocab._handle, _path(data), byref(handle))
        else:
            address, count, keep = int32_input(data, what)
            lib.rnn_corpus_from_tokens(address, count, len(vocab), byref(handle))
            del keep
        corpus._adopt(handle)
        return corpus


def _trainer_config(steps: Optional[int], seconds: Optional[float], epochs: Optional[int], optimizer: str,
                    schedule: str, given: dict) -> _native.TrainerConfig:
    """rnn_trainer_config of the limits, the optimizer and the schedule by name, and the `given` fields
    (C names) that are not None; the others keep rnn_trainer_config_init's, the engine's defaults."""
    if not (steps or seconds or epochs):
        raise InvalidArgumentError("train: pass steps=, seconds= or epochs= (a limit is required)", 1)
    c = _native.TrainerConfig()
    lib.rnn_trainer_config_init_sized(byref(c), sizeof(c))
    c.max_steps, c.max_seconds, c.epochs = steps or 0, seconds or 0.0, epochs or 0
    c.optimizer = _choice(optimizer, _OPTIMIZERS, "optimizer")
    c.decoupled_weight_decay = optimizer == "adamw"
    c.schedule = _choice(schedule, _SCHEDULES, "schedule")
    for field, value in given.items():
        if value is not None:
            setattr(c, field, value)
    return c


class Trainer(_Handle):
    """Trains a model on a corpus; the model's weights change in place. One run: successive
    train() calls continue it (optimizer state, data position). seed= seeds the dropout masks of a
    model with dropout (default 0; pass the model's seed to train as `rnn train --seed` does)."""

    _destroy = staticmethod(lib.rnn_trainer_destroy)
    _kind = "Trainer"

    def __init__(self, model: Model, data: Any, *, steps: Optional[int] = None, seconds: Optional[float] = None,
                 epochs: Optional[int] = None, seq_length: Optional[int] = None, batch_size: Optional[int] = None,
                 lr: Optional[float] = None, optimizer: str = "adam", momentum: Optional[float] = None,
                 weight_decay: Optional[float] = None, clip_norm: Optional[float] = None,
                 clip_value: Optional[float] = None, beta1: Optional[float] = None, beta2: Optional[float] = None,
                 epsilon: Optional[float] = None, schedule: str = "constant",
                 validation_fraction: Optional[float] = None, eval_every: Optional[int] = None,
                 validation_windows: Optional[int] = None, seed: Optional[int] = None) -> None:
        c = _trainer_config(steps, seconds, epochs, optimizer, schedule, dict(
            seq_len=seq_length, batch_size=batch_size, learning_rate=lr, momentum=momentum, weight_decay=weight_decay,
            clip_norm=clip_norm, clip_value=clip_value, beta1=beta1, beta2=beta2, epsilon=epsilon,
            validation_fraction=validation_fraction, eval_every=eval_every, validation_windows=validation_windows,
            seed=seed))
        self.model = model
        self._limit_steps = steps or 0
        self._cancel_requested = False
        # A sequence model has no vocabulary: rnn_trainer_create then refuses its kind.
        corpus = _Corpus.of(model.vocab, data) if model.vocab is not None else None
        try:  # the trainer keeps the corpus alive itself
            handle = c_void_p()
            lib.rnn_trainer_create(model._handle, corpus._handle if corpus else None, byref(c), byref(handle))
        finally:
            if corpus is not None:
                corpus.close()
        self._adopt(handle)

    @classmethod
    def _adopting(cls, model: Model, handle: c_void_p, steps: Optional[int]) -> "Trainer":
        """The Trainer of a handle made elsewhere (rnn_trainer_create_for_dataset: Tagger.fit, ...)."""
        trainer = cls.__new__(cls)
        trainer.model, trainer._limit_steps, trainer._cancel_requested = model, steps or 0, False
        trainer._adopt(handle)
        return trainer

    def progress(self) -> Progress:
        p = _native.Progress()
        p.struct_size = sizeof(p)
        lib.rnn_trainer_get_progress(self._handle, byref(p))
        return Progress._from_c(p)

    def validate(self) -> Evaluation:
        r = _native.Evaluation()
        r.struct_size = sizeof(r)
        lib.rnn_trainer_validate(self._handle, byref(r))
        return Evaluation(r.loss, r.perplexity, r.bits_per_token)

    def step(self) -> float:
        """One update; returns its training loss (nats per token)."""
        loss = c_double()
        lib.rnn_trainer_step(self._handle, byref(loss))
        return loss.value

    def cancel(self) -> None:
        """Stops a train() running on another thread before its next update (thread-safe)."""
        lib.rnn_trainer_cancel(self._handle)

    def save_checkpoint(self, path: PathLike) -> None:
        """A resumable checkpoint (a model file with the training state), atomically."""
        lib.rnn_trainer_save_checkpoint(self._handle, _vocab_handle(self.model), _path(path))

    def resume(self, path: PathLike) -> None:
        """Continues the run saved in a checkpoint: weights into the model, optimizer, data position."""
        lib.rnn_trainer_resume(self._handle, _path(path))

    def train(self, updates: int = 0, *, progress: bool = True, callback: Optional[Callable[[Progress], Any]] = None,
              checkpoint: Optional[PathLike] = None) -> TrainingResult:
        """Trains until a limit (or at most `updates` more updates when > 0). See Model.train."""
        handle = self._handle
        bar = make_bar(self._limit_steps or None) if progress else None
        raised: list = []

        def on_progress(report: Any, _user: Any) -> int:
            try:
                if raised:
                    return 1
                p = report.contents
                if bar is not None:
                    bar.update(p.step, p.fraction, p.smoothed_loss, p.tokens_per_second, force=not math.isnan(p.validation_loss))
                if callback is not None and callback(Progress._from_c(p)) is True:
                    return 1
                return 1 if sigint.interrupted else 0
            except BaseException as e:  # the user's callback failed (or raised KeyboardInterrupt): stop, re-raise after
                raised.append(e)
                return 1

        c_callback = _native.PROGRESS_FN(on_progress)  # alive for the whole call below
        finished = c_int32()
        # The engine saves the checkpoints (after validations, when the call returns, the best one).
        lib.rnn_trainer_set_checkpoint(handle, _vocab_handle(self.model), None if checkpoint is None else _path(checkpoint))
        try:
            # Ctrl-C cancels after the current update and is raised below, after the engine saved the checkpoint.
            with SigintCancels(lambda: lib.rnn_trainer_cancel(handle)) as sigint:
                try:
                    lib.rnn_trainer_train(handle, updates, c_callback, None, byref(finished))
                except CancelledError:
                    pass  # by Ctrl-C, the callback or cancel(): the trainer can continue
            if sigint.interrupted:
                raise KeyboardInterrupt
            if raised:
                raise raised[0]
            return self._result(bool(finished.value))
        finally:
            if bar is not None:
                bar.close()
            del c_callback

    def _result(self, finished: bool) -> TrainingResult:
        p = self.progress()
        validation = p.validation_loss
        if math.isnan(validation):
            validation = self.validate().loss
        return TrainingResult(p.step, p.loss, p.smoothed_loss, validation, finished, p.elapsed_seconds)


class State(_Handle):
    """The stateful step API: feed a token, get the next-token logits."""

    _destroy = staticmethod(lib.rnn_state_destroy)
    _kind = "State"

    def __init__(self, model: Model) -> None:
        handle = c_void_p()
        lib.rnn_state_create(model._handle, byref(handle))
        self._adopt(handle)
        self.vocab_size = model.config.vocab_size
        self.model = model

    def reset(self) -> None:
        """Back to the zero state (as at the start of a text)."""
        lib.rnn_state_reset(self._handle)

    def step(self, token: int, out: Any = None) -> Any:
        """Feeds `token`; returns the next-token logits. Into `out` (any writable float32 buffer of at
        least vocab_size items: numpy array, array.array('f'), ...; written in place, no copy) when
        given, which is returned; else a new array.array('f')."""
        if out is None:
            out = array.array("f", bytes(4 * self.vocab_size))
        address, capacity, keep = float32_output(out)
        lib.rnn_state_step(self._handle, int(token), address, capacity, byref(c_size_t()))
        del keep
        return out

    def feed(self, tokens: TokenInput, out: Any = None) -> Any:
        """Steps every token in turn; returns the logits after the last one."""
        result = None
        for token in (tokens.tolist() if hasattr(tokens, "tolist") else tokens):
            result = self.step(token, out)
        return result

    def sample(self, token: int, sampler: "Sampler") -> int:
        """Feeds `token` and returns the next token drawn with `sampler` (since 0.5.0). A model with
        softmax="class" sampled with a temperature > 0 and neither top_k nor top_p draws its class and then
        the word within it, never forming vocab_size logits (the temperature acts on each factor); otherwise
        as step() then sampler.sample()."""
        out = c_int32()
        lib.rnn_state_sample(self._handle, int(token), sampler._handle, byref(out))
        return out.value


class Sampler(_Handle):
    """Draws tokens: softmax(logits / temperature), cut to the top_k tokens and the nucleus of mass top_p, with
    its own random generator seeded with `seed` (since 0.5.0; rnn_sampler). temperature 0 is greedy."""

    _destroy = staticmethod(lib.rnn_sampler_destroy)
    _kind = "Sampler"

    def __init__(self, vocab_size: int, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0, seed: int = 0) -> None:
        config = _native.SamplingConfig()
        lib.rnn_sampling_config_init_sized(byref(config), sizeof(config))
        config.temperature, config.top_k, config.top_p = temperature, top_k, top_p
        config.seed = seed & 0xFFFFFFFFFFFFFFFF
        handle = c_void_p()
        lib.rnn_sampler_create(int(vocab_size), byref(config), byref(handle))
        self._adopt(handle)

    def sample(self, logits: Any) -> int:
        """The next token for `logits` (vocab_size floats: a list, array.array('f') or float32 numpy array)."""
        address, count, keep = float32_input(logits)
        out = c_int32()
        lib.rnn_sampler_sample(self._handle, address, count, byref(out))
        del keep
        return out.value

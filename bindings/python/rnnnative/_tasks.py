"""Whole-sequence models over the C ABI's datasets and sequence models (rnn.h, since 0.4.0): Tagger,
Classifier and Regressor, with a scikit-learn-like surface.

    tagger = Model.tagger(hidden=64)          # a spec: nothing is read or created yet
    tagger.fit("train.conll", valid="dev.conll", updates=300)   # reads the data, makes the model, trains
    tagger.evaluate("test.conll")             # Metrics(loss, token_accuracy, precision, recall, f1)
    tagger.predict("new.conll", output="out.conll")

The library makes a sequence model FOR its training data (rnn_model_create_for_dataset: the input
vocabulary and the labels come from the data), so the first fit() creates it; later fit() calls go on
training the same weights. Data is a file path (read by the library), lists of strings (encoded by the
library by the rules of its files: rnn_dataset_from_sentences/_texts) or numpy arrays
(rnn_dataset_from_tokens/_floats). numpy is required here (not by the language models).
"""
from __future__ import annotations

import contextlib
import ctypes
import math
import os
from ctypes import byref, c_char_p, c_int32, c_size_t, c_void_p, sizeof
from dataclasses import dataclass, fields
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _native
from ._api import (_ACTIVATION_NAMES, _ACTIVATIONS, _CELL_NAMES, _CELLS, _INIT_NAMES, _INITS, _MODEL_KIND_NAMES, Model,
                   PathLike, Progress, Trainer, TrainingResult, _choice, _float32, _Handle, _path, _trainer_config)
from ._native import lib
from .errors import BufferTooSmallError, InvalidArgumentError, InvalidStateError

# rnn.h's enums (since 0.4.0).
_TASK_CELLS = {**_CELLS, "jordan": 3}
_TASK_CELL_NAMES = {**_CELL_NAMES, 3: "jordan"}
_UNITS = {"words": 0, "chars": 1}
_POOLINGS = {"last": 0, "mean": 1}
_POOLING_NAMES = {v: k for k, v in _POOLINGS.items()}
STEP_CLASSES, SEQUENCE_CLASS, SEQUENCE_VALUES, STEP_VALUES = 0, 1, 2, 3


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise ImportError("rnnnative: taggers, classifiers and regressors need numpy (pip install numpy)") from None
    return numpy


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Metrics:
    """Scores of a sequence model on a dataset (rnn_task_metrics); fields a kind has none of are NaN.
    to_dict() holds only the kind's; == compares those (NaN fields would never be equal)."""
    kind: str
    loss: float            # nats per tagged timestep (tagger), per sequence (classifier); MSE per value (regressor)
    token_accuracy: float  # tagger: tags right / timesteps
    precision: float       # tagger: BIO chunk precision, overall, as CoNLL's conlleval counts it
    recall: float          # tagger: chunk recall
    f1: float              # tagger: chunk F1
    accuracy: float        # classifier
    macro_f1: float        # classifier: F1 averaged over the classes
    mse: float             # regressor: mean squared error over every value
    mae: float             # regressor: mean absolute error
    sequences: int         # the sequences scored
    # classifier: confusion[g][p] = the sequences of class labels[g] predicted as labels[p]; None for other kinds
    confusion: Optional[List[List[int]]] = None

    def to_dict(self) -> Dict[str, float]:
        """The scores of the kind (not the confusion matrix)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("kind", "confusion")}
        return {name: v for name, v in values.items() if not (isinstance(v, float) and math.isnan(v))}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Metrics) and (self.kind, self.to_dict(), self.confusion) == (
            other.kind, other.to_dict(), other.confusion)

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.to_dict().items())))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.to_dict().items())
        return f"Metrics({self.kind}: {shown})"


@dataclass(frozen=True)
class TaskConfig:
    """The resolved shape of a sequence model (rnn_model_get_task_config)."""
    cell: str
    hidden: int
    layers: int
    embedding: int        # 0: one-hot token input (unused with numeric input)
    bidirectional: bool
    activation: str
    dropout: float
    init: str
    identity_scale: float
    pooling: str          # classifiers and regressors with a value per sequence


# ------------------------------------------------------------------------------------------------
# Datasets (internal): files, lists of strings, numpy arrays
# ------------------------------------------------------------------------------------------------

class _Dataset(_Handle):
    """An rnn_dataset: sequences and targets encoded for a model (or to fit one)."""

    _destroy = staticmethod(lib.rnn_dataset_destroy)
    _kind = "dataset"

    def __init__(self, handle: c_void_p, arrays: bool) -> None:
        self._adopt(handle)
        self.arrays = arrays  # made from numpy arrays: predictions come back as padded arrays

    @property
    def info(self) -> _native.DatasetInfo:
        info = _native.DatasetInfo()
        info.struct_size = sizeof(info)
        lib.rnn_dataset_get_info(self._handle, byref(info))
        return info

    def lengths(self) -> Any:
        np = _numpy()
        lengths = np.empty(self.info.sequences, dtype=np.int32)
        lib.rnn_dataset_lengths(self._handle, lengths.ctypes.data, lengths.size, byref(c_size_t()))
        return lengths


def _is_numeric_array(data: Any) -> bool:
    """A numpy array (or anything with __array__) of numbers; arrays of str read as lists."""
    is_array = hasattr(data, "__array_interface__") or hasattr(data, "__array__")
    return is_array and _numpy().asarray(data).dtype.kind not in "OUS"


def _strings(values: Sequence[Any]) -> Any:
    """A C array of NUL-terminated UTF-8 strings (const char* const*), kept alive by the caller."""
    return (c_char_p * len(values))(*(str(v).encode("utf-8") for v in values))


# ------------------------------------------------------------------------------------------------
# Sequence models
# ------------------------------------------------------------------------------------------------

class SequenceModel(Model):
    """A model of whole sequences (Tagger, Classifier, Regressor): a Model whose language-model
    functions (sample, stream, new_state, train, export_safetensors, step_precision) raise
    UnsupportedError from the library. Made unfitted by Model.tagger/classifier/regressor(...) (fit()
    creates it) or loaded by Model.load()."""

    _kind_id = 0
    _target = STEP_CLASSES

    def __init__(self, *, cell: str = "lstm", hidden: Optional[int] = None, layers: Optional[int] = None,
                 embedding: Optional[int] = None, bidirectional: Optional[bool] = None, activation: str = "tanh",
                 dropout: float = 0.0, init: str = "default", identity_scale: float = 1.0, pooling: str = "last",
                 seed: Optional[int] = None, vocab: str = "words", lowercase: bool = False,
                 max_vocab: Optional[int] = None, label_column: str = "label", text_column: str = "text") -> None:
        """Model options (None: the library's default, rnn_task_model_config_init): cell "lstm" (default),
        "gru", "elman" or "jordan" (one forward layer); hidden (128); layers (1); embedding (token inputs:
        min(hidden, 64); 0: one-hot); bidirectional (None: the kind's default, taggers True except Jordan);
        activation "tanh"/"relu" (Elman, Jordan); dropout; init "default"/"identity" (IRNN) with
        identity_scale; pooling "last"/"mean" (classifiers, regressors with a value per sequence);
        seed (of the initial weights, 1; also fit()'s default seed).
        Data options of the training file: vocab "words" or "chars" (text inputs), lowercase, max_vocab
        (20000; 0 keeps every unit), label_column and text_column (.csv)."""
        Model.__init__(self, c_void_p(), None)  # type: ignore[arg-type]
        c = _native.TaskModelConfig()
        lib.rnn_task_model_config_init_sized(byref(c), sizeof(c))
        c.cell = _choice(cell, _TASK_CELLS, "cell")
        c.activation = _choice(activation, _ACTIVATIONS, "activation")
        c.init = _choice(init, _INITS, "init")
        c.pooling = _choice(pooling, _POOLINGS, "pooling")
        c.dropout, c.identity_scale = dropout, identity_scale
        c.bidirectional = -1 if bidirectional is None else int(bool(bidirectional))
        given = (("hidden_size", hidden), ("layers", layers), ("embedding_size", embedding), ("seed", seed))
        for field, value in given:
            if value is not None:
                setattr(c, field, value)
        self._spec = c
        d = _native.DatasetConfig()
        lib.rnn_dataset_config_init_sized(byref(d), sizeof(d))
        d.kind, d.unit, d.lowercase = self._kind_id, _choice(vocab, _UNITS, "vocab"), int(bool(lowercase))
        if max_vocab is not None:
            d.max_vocab = max_vocab
        self._columns = (label_column.encode("utf-8"), text_column.encode("utf-8"))  # alive as long as the config
        d.label_column, d.text_column = self._columns
        self._data_config = d
        self.training: Optional[TrainingResult] = None  # the last fit()'s result

    @classmethod
    def _adopting(cls, handle: c_void_p) -> "SequenceModel":
        model = cls()
        model._adopt(handle)
        return model

    @property
    def _handle(self) -> int:
        if not self._h and not hasattr(self, "_closed"):
            raise InvalidStateError(f"this {type(self).__name__} is not fitted yet: call fit(data) first", 12)
        return Model._handle.fget(self)  # type: ignore[attr-defined]

    @property
    def fitted(self) -> bool:
        return bool(self._h)

    def close(self) -> None:
        self._closed = True
        super().close()

    @property
    def config(self) -> TaskConfig:  # type: ignore[override]
        """The resolved shape (defaults replaced by what they chose)."""
        c = _native.TaskModelConfig()
        c.struct_size = sizeof(c)
        lib.rnn_model_get_task_config(self._handle, byref(c))
        return TaskConfig(_TASK_CELL_NAMES.get(c.cell, str(c.cell)), c.hidden_size, c.layers, c.embedding_size,
                          c.bidirectional != 0, _ACTIVATION_NAMES.get(c.activation, str(c.activation)),
                          _float32(c.dropout), _INIT_NAMES.get(c.init, str(c.init)), _float32(c.identity_scale),
                          _POOLING_NAMES.get(c.pooling, str(c.pooling)))

    # -- data --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _dataset(self, data: Any, targets: Any = None, lengths: Any = None, *, fitting: bool = False,
                 require_targets: bool = True) -> Iterator[_Dataset]:
        """The rnn_dataset of `data` (see fit), for this model, or to fit one when `fitting`."""
        model = None if fitting else self._handle
        if isinstance(data, (str, bytes, os.PathLike)):
            if targets is not None or lengths is not None:
                raise InvalidArgumentError("targets, lengths: a file holds its own; pass them with lists or arrays", 1)
            dataset = self._read(os.fsdecode(data), model, require_targets)
        elif _is_numeric_array(data) or self._target in (SEQUENCE_VALUES, STEP_VALUES):
            dataset = self._arrays(data, targets, lengths, model)
        else:
            if lengths is not None:
                raise InvalidArgumentError("lengths: lists hold their own lengths", 1)
            dataset = self._lists(data, targets, model, require_targets)
        try:
            yield dataset
        finally:
            dataset.close()

    def _read(self, path: str, model: Optional[int], require_targets: bool) -> _Dataset:
        handle = c_void_p()
        self._data_config.require_targets = int(require_targets)
        lib.rnn_dataset_read_file(byref(self._data_config), _path(path), model, byref(handle))
        return _Dataset(handle, arrays=path.endswith((".npz", ".npy")))

    def _lists(self, data: Any, targets: Any, model: Optional[int], require_targets: bool) -> _Dataset:
        """Lists of strings, encoded by the library by the rules of the kind's files (words or characters,
        lowercase, the vocabulary's cap and <unk>, labels): token lists with tag lists (taggers), texts with
        labels (classifiers). Their nesting is checked here, their content by the library."""
        if targets is None and require_targets:
            raise InvalidArgumentError("targets: training and evaluation need the targets of the lists", 1)
        handle = c_void_p()
        texts = list(data)
        labels = None if targets is None else list(targets)
        if labels is not None and len(labels) != len(texts):
            raise InvalidArgumentError(f"targets: {len(labels)} targets for {len(texts)} sequences", 1)
        if self._target == STEP_CLASSES:
            tokens: List[Any] = []
            tags: Optional[List[Any]] = None if labels is None else []
            for i, sentence in enumerate(texts):
                if isinstance(sentence, str) or not hasattr(sentence, "__len__"):
                    raise InvalidArgumentError(f"data[{i}]: expected a list of tokens, got {sentence!r}", 1)
                if tags is not None:
                    if isinstance(labels[i], str) or len(labels[i]) != len(sentence):  # type: ignore[index]
                        raise InvalidArgumentError(f"targets[{i}]: expected {len(sentence)} tags, got {labels[i]!r}", 1)  # type: ignore[index]
                    tags += list(labels[i])  # type: ignore[index]
                tokens += list(sentence)
            lengths = (c_int32 * len(texts))(*(len(sentence) for sentence in texts))
            lib.rnn_dataset_from_sentences(byref(self._data_config), _strings(tokens), len(tokens), lengths, len(texts),
                                           None if tags is None else _strings(tags), model, byref(handle))
        else:
            for i, text in enumerate(texts):
                if not isinstance(text, str):
                    raise InvalidArgumentError(f"data[{i}]: expected a str, got {type(text).__name__}", 1)
            lib.rnn_dataset_from_texts(byref(self._data_config), _strings(texts), len(texts),
                                       None if labels is None else _strings(labels), model, byref(handle))
        return _Dataset(handle, arrays=False)

    def _arrays(self, data: Any, targets: Any, lengths: Any, model: Optional[int]) -> _Dataset:
        """numpy arrays: inputs [N, T] integer token ids or [N, T, F] (or [N, T]) floats, targets as the
        kind reads them, lengths [N] (default T): timesteps past a length are padding, dropped here."""
        np = _numpy()
        x = np.asarray(data)
        if x.dtype.kind in "iu" and x.ndim == 2:
            tokens = True
        elif x.dtype.kind == "f" and x.ndim in (2, 3):
            tokens, x = False, (x[:, :, None] if x.ndim == 2 else x)
        else:
            raise InvalidArgumentError(f"data: expected token ids [N, T] (integers) or features [N, T, F] (floats), "
                                       f"got {x.dtype} {list(x.shape)}", 1)
        n, t = x.shape[0], x.shape[1]
        if lengths is None:
            lens = np.full(n, t, dtype=np.int32)
        else:
            lens = np.ascontiguousarray(lengths, dtype=np.int32)
            if lens.shape != (n,) or (n and (lens.min() < 1 or lens.max() > t)):
                raise InvalidArgumentError(f"lengths: expected [N] = [{n}] lengths in 1..T = 1..{t}", 1)
        keep = np.arange(t)[None, :] < lens[:, None]  # [N, T]: the timesteps that are not padding
        target, value_size = self._array_target(targets)
        classes = values = None
        if targets is not None:
            y = np.asarray(targets)
            if y.shape[0] != n:
                raise InvalidArgumentError(f"targets: {y.shape[0]} rows for N = {n} sequences", 1)
            if target in (STEP_CLASSES, SEQUENCE_CLASS):
                if y.dtype.kind not in "iu":
                    raise InvalidArgumentError(f"targets: class ids (integers) with arrays, got {y.dtype}; "
                                               "label names go with lists of strings and files", 1)
                expected = (n, t) if target == STEP_CLASSES else (n,)
                if y.shape != expected:
                    raise InvalidArgumentError(f"targets: expected {list(expected)}, got {list(y.shape)}", 1)
                classes = np.ascontiguousarray(y[keep] if target == STEP_CLASSES else y, dtype=np.int32)
            else:
                if target == STEP_VALUES and y.shape[1] != t:
                    raise InvalidArgumentError(f"targets: [N, T, O] with T = {t}, got {list(y.shape)}", 1)
                values = np.ascontiguousarray(y[keep] if target == STEP_VALUES else y, dtype=np.float32)
        flat = np.ascontiguousarray(x[keep], dtype=np.int32 if tokens else np.float32)  # [total] or [total, F]
        total = int(lens.sum())
        pointers = (None if classes is None else classes.ctypes.data, None if values is None else values.ctypes.data)
        handle = c_void_p()
        if tokens:
            lib.rnn_dataset_from_tokens(flat.ctypes.data, total, lens.ctypes.data, n, target, *pointers, value_size,
                                        model, byref(handle))
        else:
            lib.rnn_dataset_from_floats(flat.ctypes.data, total, x.shape[2], lens.ctypes.data, n, target, *pointers,
                                        value_size, model, byref(handle))
        return _Dataset(handle, arrays=True)

    def _array_target(self, targets: Any) -> Tuple[int, int]:
        """(rnn_target, value_size) of array targets: the kind's class target, or values by their shape."""
        return self._target, 0

    def _info(self) -> _native.TaskInfo:
        """What the model reads and predicts (rnn_model_get_task_info)."""
        info = _native.TaskInfo()
        info.struct_size = sizeof(info)
        lib.rnn_model_get_task_info(self._handle, byref(info))
        return info

    @property
    def outputs(self) -> int:
        """Floats per prediction row: the labels (taggers, classifiers) or the values (regressors)."""
        return self._info().outputs

    # -- training ----------------------------------------------------------------------------

    def fit(self, data: Any, targets: Any = None, *, lengths: Any = None, valid: Any = None,
            updates: Optional[int] = None, epochs: Optional[int] = None, seconds: Optional[float] = None,
            batch_size: Optional[int] = None, lr: Optional[float] = None, optimizer: str = "adam",
            clip: Optional[float] = None, evaluate_every: Optional[int] = None,
            validation_fraction: Optional[float] = None, checkpoint: Optional[PathLike] = None,
            resume: Optional[PathLike] = None, progress: bool = True,
            callback: Optional[Callable[[Progress], Any]] = None, seed: Optional[int] = None,
            **options: Any) -> "SequenceModel":
        """Trains on `data` and returns the model (its TrainingResult in `self.training`).

        data: a file path (taggers: CoNLL or .npz; classifiers: .tsv, .csv or .npz; regressors: .npz);
        lists (taggers: token lists with `targets` tag lists; classifiers: texts with `targets` labels);
        or numpy arrays (token ids [N, T] or features [N, T, F], `targets`, optional `lengths` [N]).
        The first fit() reads the data, makes the model for its vocabulary and labels (the options given
        to Model.tagger(...)) and trains it; later calls train the same weights further (a new optimizer),
        with data encoded for the model. valid: validation data as a path, or a tuple (data, targets[,
        lengths]); None holds out `validation_fraction` of the training sequences (default 0.1; 0: none).
        Limits (one required): updates, epochs, seconds. batch_size (sequences, 32), lr, optimizer
        ("adam", "adamw", "sgd", "adagrad", "rmsprop"), clip (gradient norm, 5; 0: off), evaluate_every
        (updates between validations, 200), seed (batch order, dropout, the held-out split; default the
        model's seed), and Trainer's other options (momentum, weight_decay, beta1, beta2, epsilon,
        schedule, clip_value, validation_windows = batches per validation). checkpoint, resume,
        progress, callback: as Model.train (checkpoints are this model's own file; Model.load reads them)."""
        if not (updates or seconds or epochs):
            raise InvalidArgumentError("fit: pass updates=, seconds= or epochs= (a limit is required)", 1)
        c = _trainer_config(updates, seconds, epochs, optimizer, options.pop("schedule", "constant"), dict(
            batch_size=batch_size, learning_rate=lr, clip_norm=clip, eval_every=evaluate_every,
            validation_fraction=validation_fraction, seed=self._spec.seed if seed is None else seed,
            **{name: options.pop(name) for name in list(options) if name in _TRAINER_OPTIONS}))
        if options:
            raise InvalidArgumentError(f"fit: unknown option {sorted(options)[0]!r}", 1)
        creating = not self.fitted
        with self._dataset(data, targets, lengths, fitting=creating) as training:
            if creating:
                handle = c_void_p()
                lib.rnn_model_create_for_dataset(byref(self._spec), training._handle, byref(handle))
                self._adopt(handle)
            try:
                with self._validation(valid) as validation:
                    handle = c_void_p()
                    lib.rnn_trainer_create_for_dataset(self._handle, training._handle,
                                                       validation._handle if validation is not None else None,
                                                       byref(c), byref(handle))
            except BaseException:
                if creating:  # no trainer (e.g. batch_size=0, unreadable validation data): not fitted after all
                    model, self._h = self._h, None
                    lib.rnn_model_destroy(model)
                raise
        with Trainer._adopting(self, handle, updates) as trainer:
            if resume is not None:
                trainer.resume(resume)
            self.training = trainer.train(progress=progress, callback=callback, checkpoint=checkpoint)
        return self

    def _validation(self, valid: Any) -> Any:
        if valid is None:
            return contextlib.nullcontext()
        if isinstance(valid, tuple):
            return self._dataset(*valid)
        return self._dataset(valid)

    # -- evaluation and prediction -----------------------------------------------------------

    def evaluate(self, data: Any, targets: Any = None, *, lengths: Any = None,  # type: ignore[override]
                 batch_size: int = 0, confusion_svg: Optional[PathLike] = None) -> Metrics:
        """The kind's metrics on `data` (with targets; the forms of fit()), in batches of batch_size
        sequences (0: 32); a classifier's also hold its confusion matrix (Metrics.confusion), whose
        picture `confusion_svg` writes (an SVG file). A label the model never saw is a FormatError naming
        its place."""
        with self._dataset(data, targets, lengths) as dataset:
            m = _native.TaskMetrics()
            m.struct_size = sizeof(m)
            classes = self.outputs if self._target == SEQUENCE_CLASS else 0
            counts = (ctypes.c_int64 * (classes * classes))()
            lib.rnn_model_evaluate_dataset_v2(self._handle, dataset._handle, batch_size, byref(m), counts, len(counts),
                                              None, None if confusion_svg is None else _path(confusion_svg))
        confusion = [list(counts[g * classes:(g + 1) * classes]) for g in range(classes)] if classes else None
        return Metrics(_MODEL_KIND_NAMES.get(m.kind, str(m.kind)), m.loss, m.token_accuracy, m.precision, m.recall,
                       m.f1, m.accuracy, m.macro_f1, m.mse, m.mae, m.sequences, confusion)

    def _outputs(self, data: Any, lengths: Any, output: Optional[PathLike]) -> Tuple[Any, Any, bool, int]:
        """(rows [R, outputs] float32, lengths [N], arrays?, rnn_target) of the model on `data`; writes `output`."""
        np = _numpy()
        with self._dataset(data, None, lengths, require_targets=False) as dataset:
            needed = c_size_t()
            try:  # (NULL, 0) asks for the size only
                lib.rnn_model_predict(self._handle, dataset._handle, None, 0, byref(needed))
            except BufferTooSmallError:
                pass
            rows = np.empty(needed.value, dtype=np.float32)
            # One prediction fills the rows and writes the file.
            lib.rnn_model_predict_v2(self._handle, dataset._handle, 0, rows.ctypes.data, rows.size, byref(needed),
                                     None if output is None else _path(output))
            info = dataset.info
            return rows.reshape(-1, max(info.outputs, 1)), dataset.lengths(), dataset.arrays, info.target

    def __repr__(self) -> str:
        name = type(self).__name__
        if not self.fitted:
            return f"<{name} {'closed' if hasattr(self, '_closed') else 'not fitted'}>"
        c = self.config
        return f"<{name} {c.cell} {c.layers}x{c.hidden}{' bidirectional' if c.bidirectional else ''}>"


_TRAINER_OPTIONS = ("momentum", "weight_decay", "clip_value", "beta1", "beta2", "epsilon", "validation_windows")


def _per_sequence(rows: Any, lengths: Any) -> List[Any]:
    """Rows of every timestep, split into one array per sequence."""
    np = _numpy()
    return np.split(rows, np.cumsum(lengths)[:-1]) if len(lengths) else []


def _padded(rows: Any, lengths: Any, fill: float) -> Any:
    """Rows of every timestep as [N, T, width], T the longest, `fill` past each length (as the library's .npy)."""
    np = _numpy()
    n, t = len(lengths), int(lengths.max()) if len(lengths) else 0
    out = np.full((n, t, rows.shape[1]), fill, dtype=rows.dtype)
    out[np.arange(t)[None, :] < lengths[:, None]] = rows
    return out


class _Labelled(SequenceModel):
    """Taggers and classifiers: a softmax over named labels."""

    @property
    def labels(self) -> List[str]:
        """The label names (tags or classes), the column order of predict_proba (rnn_model_label)."""
        names = []
        for index in range(self.outputs):
            capacity, needed = 64, c_size_t()
            while True:
                buf = ctypes.create_string_buffer(capacity)
                try:
                    lib.rnn_model_label(self._handle, index, buf, capacity, byref(needed))
                    break
                except BufferTooSmallError as e:
                    capacity = e.needed
            names.append(buf.value.decode("utf-8"))
        return names

    def predict_proba(self, data: Any, *, lengths: Any = None) -> Any:
        """Label probabilities (columns: `labels`). Classifiers: [N, C]. Taggers: a [length, C] array per
        sequence, or [N, T, C] (zeros past each length) for array inputs."""
        rows, lens, arrays, _ = self._outputs(data, lengths, None)
        if self._target == SEQUENCE_CLASS:
            return rows
        return _padded(rows, lens, 0.0) if arrays else _per_sequence(rows, lens)

    def _names(self, ids: Any) -> List[str]:
        labels = self.labels
        return [labels[i] for i in ids.tolist()]


class Tagger(_Labelled):
    """A tag per timestep (slot filling, BIO chunks; metrics as conlleval). Bidirectional by default."""

    _kind_id, _target = 1, STEP_CLASSES

    def predict(self, data: Any, *, lengths: Any = None, output: Optional[PathLike] = None) -> Any:
        """The most probable tag of every token: a list of tag lists for files and lists; for array
        inputs, tag ids [N, T] (-1 past each length). `output`: also writes the predictions in the
        data's format (CoNLL with a predicted-tag column; arrays: a .npy of probabilities)."""
        rows, lens, arrays, _ = self._outputs(data, lengths, output)
        ids = rows.argmax(axis=1)
        if arrays:
            return _padded(ids[:, None], lens, -1)[:, :, 0]
        names = self._names(ids)
        starts = [0, *_numpy().cumsum(lens).tolist()]
        return [names[a:b] for a, b in zip(starts, starts[1:])]


class Classifier(_Labelled):
    """A class per sequence: a softmax over the last state or the mean over timesteps (pooling)."""

    _kind_id, _target = 2, SEQUENCE_CLASS

    def predict(self, data: Any, *, lengths: Any = None, output: Optional[PathLike] = None) -> Any:
        """The most probable class of every sequence: a list of label names for files and lists, class
        ids [N] for array inputs. `output`: also writes them in the data's format (.tsv/.csv: lines
        "label<TAB>probability<TAB>text"; arrays: a .npy of probabilities)."""
        rows, _, arrays, _ = self._outputs(data, lengths, output)
        ids = rows.argmax(axis=1)
        return ids if arrays else self._names(ids)


class Regressor(SequenceModel):
    """Real values per sequence or per timestep: a linear output trained with mean squared error.
    Data: .npz files or numpy arrays (inputs, targets [N], [N, O] or [N, T, O], lengths)."""

    _kind_id, _target = 3, SEQUENCE_VALUES

    def _array_target(self, targets: Any) -> Tuple[int, int]:
        if targets is None:
            info = self._info()  # what the model predicts
            return info.target, info.outputs
        shape = _numpy().shape(targets)
        if len(shape) == 3:
            return STEP_VALUES, shape[2]
        return SEQUENCE_VALUES, (shape[1] if len(shape) == 2 else 1)

    def predict(self, data: Any, *, lengths: Any = None, output: Optional[PathLike] = None) -> Any:
        """Predicted values: [N, O] per sequence, [N, T, O] per timestep (zeros past each length), the
        last axis dropped when O = 1 ([N] or [N, T]). `output`: also writes them as a .npy."""
        rows, lens, _, target = self._outputs(data, lengths, output)
        values = _padded(rows, lens, 0.0) if target == STEP_VALUES else rows
        return values[..., 0] if values.shape[-1] == 1 else values


_CLASSES = {1: Tagger, 2: Classifier, 3: Regressor}


def adopt(handle: c_void_p) -> SequenceModel:
    """The Python object of a loaded sequence model handle, of its kind's class."""
    kind = c_int32()
    try:
        lib.rnn_model_get_kind(handle, byref(kind))
    except BaseException:
        lib.rnn_model_destroy(handle)
        raise
    if kind.value == 4:
        from ._seq2seq import Seq2Seq
        return Seq2Seq._adopting(handle)
    return _CLASSES[kind.value]._adopting(handle)

"""rnnnative: train and sample recurrent (LSTM, GRU, Elman) language models on the CPU, taggers,
classifiers and regressors of whole sequences (LSTM, GRU, Elman, Jordan), and (since 0.5.0)
sequence-to-sequence models (encoder-decoder, greedy and beam decoding).

Python binding of librnnnative (the C ABI in bindings/c/include/rnn.h), standard library only:

    from rnnnative import Vocabulary, Model
    vocab = Vocabulary.from_text(text)
    with Model.lstm(vocab, hidden=128, seed=1) as model:
        model.train(text, steps=500)
        print(model.sample(prime="The ", n=200, temperature=0.8, seed=42))

    tagger = Model.tagger(hidden=64)
    tagger.fit("train.conll", valid="dev.conll", updates=300)
    print(tagger.evaluate("test.conll"), tagger.predict([["fly", "to", "boston"]]))

Importing loads the library (see _native for where it looks) and checks its ABI.
"""
from __future__ import annotations

from ctypes import byref, c_char_p, c_int32
from typing import Tuple

from ._api import Evaluation, Model, ModelConfig, Progress, SampleResult, Sampler, State, Trainer, TrainingResult, Vocabulary
from ._native import ABI_VERSION, lib
from ._seq2seq import Decoder, Seq2Seq, Seq2SeqMetrics, Translation
from ._tasks import Classifier, Metrics, Regressor, SequenceModel, Tagger, TaskConfig
from .errors import (AbiMismatchError, ArgumentTypeError, BufferTooSmallError, CancelledError, DivergedError,
                     FormatError, InternalError, InvalidArgumentError, InvalidHandleError, InvalidStateError,
                     LibraryNotFoundError, RnnError, RnnIOError, RnnMemoryError, UnsupportedError)

__version__ = "0.6.0"

#: The loaded library file and its ISA flavour folder (e.g. "linux-x64-v4").
library_path = lib.path
flavour = lib.flavour


def version() -> str:
    """The library's version string."""
    return lib.rnn_version_string().decode()


def abi_version() -> int:
    return int(lib.rnn_abi_version())


def kernel_path() -> str:
    """The SIMD path the kernels use ("avx512", "avx2", "v128", "scalar")."""
    path, name = c_int32(), c_char_p()
    lib.rnn_kernel_path(byref(path), byref(name))
    return (name.value or b"").decode()


def get_threads() -> int:
    n = c_int32()
    lib.rnn_get_thread_count(byref(n))
    return n.value


def set_threads(count: int) -> None:
    """Threads the kernels split work over (1..1024); results are identical for every count."""
    lib.rnn_set_thread_count(count)


__all__ = [
    "Vocabulary", "Model", "ModelConfig", "State", "Sampler", "SampleResult", "Trainer", "Progress", "TrainingResult", "Evaluation",
    "SequenceModel", "Tagger", "Classifier", "Regressor", "Metrics", "TaskConfig",
    "Seq2Seq", "Seq2SeqMetrics", "Translation", "Decoder",
    "RnnError", "InvalidArgumentError", "ArgumentTypeError", "InvalidHandleError", "BufferTooSmallError", "RnnIOError",
    "FormatError", "CancelledError", "DivergedError", "UnsupportedError", "RnnMemoryError", "InternalError",
    "AbiMismatchError", "InvalidStateError", "LibraryNotFoundError", "ABI_VERSION", "library_path", "flavour", "version",
    "abi_version", "kernel_path", "get_threads", "set_threads",
]

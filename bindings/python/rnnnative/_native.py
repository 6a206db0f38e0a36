"""Finding, loading and declaring librnnnative: the one place that knows the C ABI (rnn.h).

Lookup order (the first that exists and loads wins; the error lists every path tried):
  1. RNN_LIB_PATH, a path to the library file: used alone when set.
  2. The package's own folder: rnnnative/_lib/<flavour>/librnnnative.so (the wheel's, build_wheel.py).
  3. The repository checkout: <repo>/artifacts/native/<flavour>/librnnnative.so (bindings/c/build.sh).
In 2 and 3 the flavours are tried best first for this CPU, the rule of bindings/c/loader/rnn_loader.c:
on x86-64 linux-x64-v4 (avx512f/bw/cd/dq/vl), linux-x64-v3 (avx2 fma bmi1 bmi2), linux-x64-v2
(sse4_2 popcnt), read from /proc/cpuinfo; on arm64 linux-arm64. RNN_NATIVE_FLAVOUR forces one.
"""
from __future__ import annotations

import ctypes
import os
import platform
import re
import sys
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_double, c_float, c_int, c_int32, c_int64,
                    c_size_t, c_uint32, c_uint64, c_void_p)
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .errors import STATUS_ERRORS, AbiMismatchError, BufferTooSmallError, LibraryNotFoundError, RnnError

ABI_VERSION = 1
LIBRARY_FILE = {"darwin": "librnnnative.dylib", "win32": "rnnnative.dll"}.get(sys.platform, "librnnnative.so")

# ------------------------------------------------------------------------------------------------
# Library location
# ------------------------------------------------------------------------------------------------

_V4 = ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")
_V3 = ("avx2", "fma", "bmi1", "bmi2")
_V2 = ("sse4_2", "popcnt")


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> set:
    """The CPU feature flags the kernel reports (empty when /proc/cpuinfo is unreadable)."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def flavours(machine: Optional[str] = None, flags: Optional[set] = None) -> List[str]:
    """The library flavours this CPU can run, best first (RNN_NATIVE_FLAVOUR forces one)."""
    forced = os.environ.get("RNN_NATIVE_FLAVOUR")
    if forced:
        return [forced]
    machine = (machine or platform.machine()).lower()
    if machine in ("x86_64", "amd64"):
        flags = cpu_flags() if flags is None else flags
        names = []
        if all(f in flags for f in _V4):
            names.append("linux-x64-v4")
        if all(f in flags for f in _V3):
            names.append("linux-x64-v3")
        if all(f in flags for f in _V2) or not flags:  # unreadable cpuinfo: the baseline only
            names.append("linux-x64-v2")
        return names
    if machine in ("aarch64", "arm64"):
        return ["linux-arm64"]
    return []


def candidate_paths() -> List[Path]:
    """Every path the loader tries, in order."""
    override = os.environ.get("RNN_LIB_PATH")
    if override:
        return [Path(override)]
    package = Path(__file__).resolve().parent
    roots = [package / "_lib", package.parent.parent.parent / "artifacts" / "native"]
    return [root / flavour / LIBRARY_FILE for root in roots for flavour in flavours()]


def _open() -> Tuple[ctypes.CDLL, Path]:
    tried = []
    for path in candidate_paths():
        if not path.is_file():
            tried.append(f"{path}: missing")
            continue
        try:
            return ctypes.CDLL(str(path), mode=getattr(os, "RTLD_NOW", 2) | ctypes.RTLD_LOCAL), path
        except OSError as e:
            tried.append(f"{path}: {e}")
    if not tried:
        tried.append(f"no library flavour for this CPU ({platform.machine()})")
    raise LibraryNotFoundError(
        "rnnnative: cannot load librnnnative. Tried:\n  " + "\n  ".join(tried)
        + "\nSet RNN_LIB_PATH to the library file, install the wheel of this machine's architecture "
          "(bindings/python/build_wheel.py), or build the libraries in the checkout (bindings/c/build.sh).")


# ------------------------------------------------------------------------------------------------
# Structs (rnn.h layouts; every one starts with uint32_t struct_size)
# ------------------------------------------------------------------------------------------------

class VocabConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("kind", c_int32), ("max_size", c_int32)]


class ModelConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("vocab_size", c_int32), ("embedding_size", c_int32), ("cell", c_int32),
                ("hidden_size", c_int32), ("layers", c_int32), ("activation", c_int32), ("seed", c_uint32),
                ("input", c_int32), ("seed_high", c_uint32),
                # since 0.3.0
                ("dropout", c_float), ("init", c_int32), ("identity_scale", c_float), ("bidirectional", c_int32),
                # since 0.5.0
                ("softmax", c_int32), ("classes", c_int32)]


class Evaluation(Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_int32), ("loss", c_double), ("perplexity", c_double),
                ("bits_per_token", c_double)]


class TrainerConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("seq_len", c_int32), ("batch_size", c_int32), ("optimizer", c_int32),
                ("learning_rate", c_float), ("momentum", c_float), ("beta1", c_float), ("beta2", c_float),
                ("weight_decay", c_float), ("clip_norm", c_float), ("clip_value", c_float), ("schedule", c_int32),
                ("schedule_gamma", c_float), ("min_learning_rate", c_float), ("eval_every", c_int32),
                ("validation_windows", c_int32), ("epochs", c_int32), ("nesterov", c_int32),
                ("schedule_step_size", c_int64), ("schedule_total_steps", c_int64), ("max_steps", c_int64),
                ("max_seconds", c_double), ("validation_fraction", c_double),
                ("decoupled_weight_decay", c_int32), ("epsilon", c_float), ("seed", c_uint64)]


class Progress(Structure):
    _fields_ = [("struct_size", c_uint32), ("epoch", c_int32), ("step", c_int64), ("total_steps", c_int64),
                ("loss", c_double), ("smoothed_loss", c_double), ("validation_loss", c_double),
                ("best_validation_loss", c_double), ("tokens_per_second", c_double), ("elapsed_seconds", c_double),
                ("fraction", c_double), ("learning_rate", c_double), ("gradient_norm", c_double)]


class SamplingConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("temperature", c_float), ("top_k", c_int32), ("top_p", c_float),
                ("seed", c_uint64), ("max_tokens", c_int32), ("reserved", c_int32), ("stop", c_char_p)]


# Since 0.4.0: whole-sequence models (taggers, classifiers, regressors) and their datasets.

class DatasetConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("kind", c_int32), ("unit", c_int32), ("max_vocab", c_int32),
                ("lowercase", c_int32), ("require_targets", c_int32), ("label_column", c_char_p),
                ("text_column", c_char_p)]


class DatasetInfo(Structure):
    _fields_ = [("struct_size", c_uint32), ("kind", c_int32), ("target", c_int32), ("has_targets", c_int32),
                ("sequences", c_int64), ("timesteps", c_int64), ("max_length", c_int32), ("vocab_size", c_int32),
                ("feature_size", c_int32), ("outputs", c_int32)]


class TaskModelConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("cell", c_int32), ("hidden_size", c_int32), ("layers", c_int32),
                ("embedding_size", c_int32), ("bidirectional", c_int32), ("activation", c_int32), ("dropout", c_float),
                ("init", c_int32), ("identity_scale", c_float), ("pooling", c_int32), ("reserved", c_int32),
                ("seed", c_uint64)]


class TaskMetrics(Structure):
    _fields_ = [("struct_size", c_uint32), ("kind", c_int32), ("loss", c_double), ("token_accuracy", c_double),
                ("precision", c_double), ("recall", c_double), ("f1", c_double), ("accuracy", c_double),
                ("macro_f1", c_double), ("mse", c_double), ("mae", c_double), ("sequences", c_int64),
                # since 0.5.0
                ("exact_match", c_double)]


# Since 0.5.0: sequence to sequence.

class DecodeConfig(Structure):
    _fields_ = [("struct_size", c_uint32), ("beam_width", c_int32), ("max_length", c_int32),
                ("length_penalty", c_float), ("batch_size", c_int32)]


class DecodeResult(Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_int32), ("text", c_void_p), ("text_capacity", c_size_t),
                ("text_needed", c_size_t), ("tokens", c_void_p), ("tokens_capacity", c_size_t),
                ("tokens_needed", c_size_t), ("lengths", c_void_p), ("log_probabilities", c_void_p),
                ("scores", c_void_p), ("finished", c_void_p)]


# Since 0.5.0.

class TaskInfo(Structure):
    _fields_ = [("struct_size", c_uint32), ("kind", c_int32), ("target", c_int32), ("outputs", c_int32),
                ("per_timestep", c_int32), ("vocab_size", c_int32), ("feature_size", c_int32), ("unit", c_int32),
                ("lowercase", c_int32)]


# Since 0.6.0: batched serving.

class StreamRequest(Structure):
    _fields_ = [("struct_size", c_uint32), ("max_tokens", c_int32), ("prompt", c_char_p), ("temperature", c_float),
                ("top_k", c_int32), ("top_p", c_float), ("stop_count", c_int32), ("stop", c_void_p), ("seed", c_uint64)]


class SampleManyResult(Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_int32), ("text", c_void_p), ("text_capacity", c_size_t),
                ("text_needed", c_size_t), ("text_sizes", c_void_p), ("tokens", c_void_p), ("finish", c_void_p)]


PROGRESS_FN = CFUNCTYPE(c_int, POINTER(Progress), c_void_p)
TEXT_FN = CFUNCTYPE(c_int, c_void_p, c_size_t, c_void_p)

# ------------------------------------------------------------------------------------------------
# THE declaration table: every function of rnn.h, (restype, argtypes). A restype of STATUS gets the
# errcheck that raises the mapped exception. tests/test_header.py diffs this against rnn.h.
# ------------------------------------------------------------------------------------------------

STATUS = c_int32
H = c_void_p                 # every handle (rnn_model*, rnn_vocab*, ...)
OUT_H = POINTER(c_void_p)    # rnn_x** out-parameters
P = c_void_p                 # borrowed buffers (const void*, int32_t*, float*, char*)
SIZE = c_size_t
OUT_SIZE = POINTER(c_size_t)

FUNCTIONS: Dict[str, Tuple[Any, Sequence[Any]]] = {
    "rnn_version_string": (c_char_p, []),
    "rnn_abi_version": (c_uint32, []),
    "rnn_check_abi": (STATUS, [c_uint32]),
    "rnn_status_string": (c_char_p, [c_int32]),
    "rnn_last_error": (c_char_p, []),
    "rnn_free": (None, [c_void_p]),
    "rnn_kernel_path": (STATUS, [POINTER(c_int32), POINTER(c_char_p)]),
    "rnn_get_thread_count": (STATUS, [POINTER(c_int32)]),
    "rnn_set_thread_count": (STATUS, [c_int32]),
    # Vocabulary
    "rnn_vocab_config_init_sized": (STATUS, [POINTER(VocabConfig), SIZE]),
    "rnn_vocab_build": (STATUS, [POINTER(VocabConfig), P, SIZE, OUT_H]),
    "rnn_vocab_build_file": (STATUS, [POINTER(VocabConfig), c_char_p, OUT_H]),
    "rnn_vocab_destroy": (None, [H]),
    "rnn_vocab_size": (STATUS, [H, POINTER(c_int32)]),
    "rnn_vocab_get_kind": (STATUS, [H, POINTER(c_int32)]),
    "rnn_vocab_encode": (STATUS, [H, P, SIZE, P, SIZE, OUT_SIZE]),
    "rnn_vocab_decode": (STATUS, [H, P, SIZE, P, SIZE, OUT_SIZE]),
    # Corpus
    "rnn_corpus_from_text": (STATUS, [H, P, SIZE, OUT_H]),
    "rnn_corpus_from_file": (STATUS, [H, c_char_p, OUT_H]),
    "rnn_corpus_from_tokens": (STATUS, [P, SIZE, c_int32, OUT_H]),
    "rnn_corpus_size": (STATUS, [H, POINTER(c_int64)]),
    "rnn_corpus_destroy": (None, [H]),
    # Model
    "rnn_model_config_init_sized": (STATUS, [POINTER(ModelConfig), SIZE]),
    "rnn_model_create": (STATUS, [POINTER(ModelConfig), OUT_H]),
    "rnn_model_destroy": (None, [H]),
    "rnn_model_get_config": (STATUS, [H, POINTER(ModelConfig)]),
    "rnn_model_set_step_precision": (STATUS, [H, c_int32]),
    "rnn_model_get_step_precision": (STATUS, [H, POINTER(c_int32)]),
    "rnn_model_save_file": (STATUS, [H, H, c_char_p]),
    "rnn_model_save_to_memory": (STATUS, [H, H, POINTER(c_void_p), OUT_SIZE]),
    "rnn_model_save_file_int8": (STATUS, [H, H, c_char_p]),
    "rnn_model_save_int8_to_memory": (STATUS, [H, H, POINTER(c_void_p), OUT_SIZE]),
    "rnn_model_get_weight_precision": (STATUS, [H, POINTER(c_int32)]),
    "rnn_model_load_file": (STATUS, [c_char_p, OUT_H, OUT_H]),
    "rnn_model_load_from_memory": (STATUS, [P, SIZE, OUT_H, OUT_H]),
    "rnn_model_evaluate": (STATUS, [H, H, c_int32, c_int32, POINTER(Evaluation)]),
    # PyTorch exchange
    "rnn_model_export_safetensors": (STATUS, [H, H, c_char_p]),
    "rnn_model_export_safetensors_to_memory": (STATUS, [H, H, POINTER(c_void_p), OUT_SIZE]),
    "rnn_model_import_safetensors": (STATUS, [c_char_p, H, POINTER(ModelConfig), OUT_H, OUT_H]),
    "rnn_model_import_safetensors_from_memory": (STATUS, [P, SIZE, H, POINTER(ModelConfig), OUT_H, OUT_H]),
    # Training
    "rnn_trainer_config_init_sized": (STATUS, [POINTER(TrainerConfig), SIZE]),
    "rnn_trainer_create": (STATUS, [H, H, POINTER(TrainerConfig), OUT_H]),
    "rnn_trainer_destroy": (None, [H]),
    "rnn_trainer_train": (STATUS, [H, c_int64, PROGRESS_FN, c_void_p, POINTER(c_int32)]),
    "rnn_trainer_step": (STATUS, [H, POINTER(c_double)]),
    "rnn_trainer_cancel": (STATUS, [H]),
    "rnn_trainer_get_progress": (STATUS, [H, POINTER(Progress)]),
    "rnn_trainer_validate": (STATUS, [H, POINTER(Evaluation)]),
    "rnn_trainer_save_checkpoint": (STATUS, [H, H, c_char_p]),
    "rnn_trainer_resume": (STATUS, [H, c_char_p]),
    "rnn_trainer_set_checkpoint": (STATUS, [H, H, c_char_p]),
    # State
    "rnn_state_create": (STATUS, [H, OUT_H]),
    "rnn_state_destroy": (None, [H]),
    "rnn_state_reset": (STATUS, [H]),
    "rnn_state_step": (STATUS, [H, c_int32, P, SIZE, OUT_SIZE]),
    # Sampling
    "rnn_sampling_config_init_sized": (STATUS, [POINTER(SamplingConfig), SIZE]),
    "rnn_sampler_create": (STATUS, [c_int32, POINTER(SamplingConfig), OUT_H]),
    "rnn_sampler_destroy": (None, [H]),
    "rnn_sampler_sample": (STATUS, [H, P, SIZE, POINTER(c_int32)]),
    "rnn_state_sample": (STATUS, [H, c_int32, H, POINTER(c_int32)]),  # since 0.5.0
    "rnn_generator_create": (STATUS, [H, H, POINTER(SamplingConfig), OUT_H]),
    "rnn_generator_destroy": (None, [H]),
    "rnn_generator_generate": (STATUS, [H, c_char_p, P, SIZE, OUT_SIZE]),
    "rnn_generator_stream": (STATUS, [H, c_char_p, TEXT_FN, c_void_p]),
    # Whole-sequence models (since 0.4.0)
    "rnn_model_get_kind": (STATUS, [H, POINTER(c_int32)]),
    "rnn_dataset_config_init_sized": (STATUS, [POINTER(DatasetConfig), SIZE]),
    "rnn_dataset_read_file": (STATUS, [POINTER(DatasetConfig), c_char_p, H, OUT_H]),
    "rnn_dataset_from_tokens": (STATUS, [P, SIZE, P, SIZE, c_int32, P, P, c_int32, H, OUT_H]),
    "rnn_dataset_from_floats": (STATUS, [P, SIZE, c_int32, P, SIZE, c_int32, P, P, c_int32, H, OUT_H]),
    "rnn_dataset_destroy": (None, [H]),
    "rnn_dataset_size": (STATUS, [H, POINTER(c_int64)]),
    "rnn_dataset_get_info": (STATUS, [H, POINTER(DatasetInfo)]),
    "rnn_dataset_lengths": (STATUS, [H, P, SIZE, OUT_SIZE]),
    "rnn_dataset_label": (STATUS, [H, c_int32, P, SIZE, OUT_SIZE]),
    "rnn_task_model_config_init_sized": (STATUS, [POINTER(TaskModelConfig), SIZE]),
    "rnn_model_create_for_dataset": (STATUS, [POINTER(TaskModelConfig), H, OUT_H]),
    "rnn_model_get_task_config": (STATUS, [H, POINTER(TaskModelConfig)]),
    "rnn_model_evaluate_dataset": (STATUS, [H, H, c_int32, POINTER(TaskMetrics)]),
    "rnn_model_predict": (STATUS, [H, H, P, SIZE, OUT_SIZE]),
    "rnn_model_predict_file": (STATUS, [H, H, c_char_p]),
    "rnn_trainer_create_for_dataset": (STATUS, [H, H, H, POINTER(TrainerConfig), OUT_H]),
    # Since 0.5.0
    "rnn_dataset_from_sentences": (STATUS, [POINTER(DatasetConfig), P, SIZE, P, SIZE, P, H, OUT_H]),
    "rnn_dataset_from_texts": (STATUS, [POINTER(DatasetConfig), P, SIZE, P, H, OUT_H]),
    "rnn_model_get_task_info": (STATUS, [H, POINTER(TaskInfo)]),
    "rnn_model_label": (STATUS, [H, c_int32, P, SIZE, OUT_SIZE]),
    "rnn_model_predict_v2": (STATUS, [H, H, c_int32, P, SIZE, OUT_SIZE, c_char_p]),
    "rnn_model_evaluate_dataset_v2": (STATUS, [H, H, c_int32, POINTER(TaskMetrics), P, SIZE, OUT_SIZE, c_char_p]),
    # Sequence to sequence (since 0.5.0)
    "rnn_dataset_from_pairs": (STATUS, [P, P, SIZE, POINTER(DatasetConfig), H, OUT_H]),
    "rnn_dataset_from_token_pairs": (STATUS, [P, SIZE, P, P, SIZE, P, SIZE, c_int32, c_int32, H, OUT_H]),
    "rnn_decode_config_init_sized": (STATUS, [POINTER(DecodeConfig), SIZE]),
    "rnn_model_translate": (STATUS, [H, P, SIZE, POINTER(DecodeConfig), POINTER(DecodeResult)]),
    "rnn_model_translate_tokens": (STATUS, [H, P, SIZE, P, SIZE, POINTER(DecodeConfig), POINTER(DecodeResult)]),
    "rnn_model_evaluate_decoding": (STATUS, [H, H, POINTER(DecodeConfig), POINTER(TaskMetrics)]),
    "rnn_model_encode_source": (STATUS, [H, P, SIZE, P, SIZE, OUT_SIZE]),
    "rnn_model_decode_target": (STATUS, [H, P, SIZE, P, SIZE, OUT_SIZE]),
    "rnn_decoder_create": (STATUS, [H, P, SIZE, OUT_H]),
    "rnn_decoder_create_tokens": (STATUS, [H, P, SIZE, P, SIZE, OUT_H]),
    "rnn_decoder_destroy": (None, [H]),
    "rnn_decoder_get_size": (STATUS, [H, POINTER(c_int32), POINTER(c_int32)]),
    "rnn_decoder_sources": (STATUS, [H, P, SIZE, OUT_SIZE]),
    "rnn_decoder_step": (STATUS, [H, P, SIZE, P, SIZE, OUT_SIZE]),
    "rnn_decoder_reorder": (STATUS, [H, P, SIZE]),
    # Batched serving (since 0.6.0)
    "rnn_stream_request_init_sized": (STATUS, [POINTER(StreamRequest), SIZE]),
    "rnn_model_sample_many": (STATUS, [H, H, POINTER(StreamRequest), SIZE, c_int32, POINTER(SampleManyResult)]),
}


_CARG = type(ctypes.byref(c_size_t()))

# The library's messages name the C config fields ("config->hidden_size"); the user passed Python
# keywords. Fields not listed here have the same name in Python (batch_size, top_k, layers, ...).
PYTHON_NAMES = {
    "embedding_size": "embedding", "hidden_size": "hidden", "seq_len": "seq_length", "learning_rate": "lr",
    "max_steps": "steps", "max_seconds": "seconds", "max_tokens": "n",
}
_C_NAMES = re.compile(r"\bconfig->|\b(" + "|".join(PYTHON_NAMES) + r")\b")
# C arguments the binding fills from a differently named Python argument, per function.
# The sequence models' array arguments: data (ids or features), targets (classes or values), lengths.
_ARRAYS = {"ids": "data", "features": "data", "classes": "targets", "values": "targets"}
# fit() of a sequence model names the trainer fields as scikit-learn users expect.
_FIT = {"config->clip_norm": "clip", "config->eval_every": "evaluate_every", "config->max_steps": "updates"}
# Lists of strings: the library names the C arrays ("tokens", "tags"; "texts", "labels"); the user passed data, targets.
_SENTENCES = {"tokens": "data", "tags": "targets"}
_TEXTS = {"texts": "data", "labels": "targets"}
PYTHON_ARGUMENTS = {"rnn_model_evaluate": {"corpus": "text"}, "rnn_dataset_from_tokens": _ARRAYS,
                    "rnn_dataset_from_floats": _ARRAYS, "rnn_trainer_create_for_dataset": _FIT,
                    "rnn_dataset_from_sentences": _SENTENCES, "rnn_dataset_from_texts": _TEXTS}
# ... and places in them: "tokens[7] (sentence 2, token 1)" of the flat C array is data[2][1] of the nested lists, "texts[3]" data[3].
_PLACE = re.compile(r"^(tokens|tags|texts|labels)(?:\[\d+\] \(sentence (\d+), token (\d+)\)|(\[\d+\]))")


def python_message(message: str, function: str = "") -> str:
    """The library's message in the names of the Python API."""
    names = PYTHON_ARGUMENTS.get(function, {})
    for c_name, python_name in names.items():
        if message.startswith(c_name + ":"):
            message = python_name + message[len(c_name):]
    place = _PLACE.match(message)
    if place and place.group(1) in names:
        index = f"[{place.group(2)}][{place.group(3)}]" if place.group(2) else place.group(4)
        message = names[place.group(1)] + index + message[place.end():]
    return _C_NAMES.sub(lambda m: PYTHON_NAMES[m.group(1)] if m.group(1) else "", message)


def _declare(library: ctypes.CDLL) -> None:
    last_error = library.rnn_last_error
    last_error.restype, last_error.argtypes = c_char_p, []

    def errcheck(status: int, function: Any, arguments: Tuple[Any, ...]) -> int:
        if status == 0:
            return status
        message = (last_error() or b"").decode("utf-8", "replace") or f"status {status}"
        cls = STATUS_ERRORS.get(status, RnnError)
        error = cls(python_message(message, function.__name__), status, function.__name__)
        if isinstance(error, BufferTooSmallError):
            for argument in reversed(arguments):  # the size_t* needed out-parameter, when given
                if isinstance(argument, _CARG):
                    value = getattr(argument, "_obj", None)
                    if isinstance(value, c_size_t):
                        error.needed = value.value
                        break
        raise error

    for name, (restype, argtypes) in FUNCTIONS.items():
        try:
            function = getattr(library, name)
        except AttributeError:
            raise LibraryNotFoundError(f"rnnnative: {library._name} lacks {name} (an older library?)") from None
        function.restype = restype
        function.argtypes = list(argtypes)
        if restype is STATUS:
            function.errcheck = errcheck


class Library:
    """The loaded library: `lib.rnn_x(...)` calls the declared function."""

    def __init__(self) -> None:
        self.cdll, self.path = _open()
        _declare(self.cdll)
        self.flavour = self.path.parent.name
        abi = self.cdll.rnn_abi_version()
        try:
            self.cdll.rnn_check_abi(ABI_VERSION)
        except RnnError as e:
            raise AbiMismatchError(f"rnnnative: {self.path} implements ABI {abi}, this binding ABI {ABI_VERSION}: "
                                   f"{e.message}", 11, "rnn_check_abi") from None

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return getattr(self.cdll, name)


lib = Library()

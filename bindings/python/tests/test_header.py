"""The declaration table of rnnnative._native equals the prototypes of rnn.h."""
import ctypes
import re
from pathlib import Path

from rnnnative import _native

HEADER = Path(__file__).resolve().parents[2] / "c" / "include" / "rnn.h"


def prototypes():
    text = re.sub(r"/\*.*?\*/", "", HEADER.read_text(), flags=re.S)
    found = {}
    for m in re.finditer(r"^RNN_API\s+([^;]*?)\b(rnn_[a-z0-9_]+)\s*\(([^)]*)\)\s*;", text, flags=re.M):
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3).strip()
        params = [] if params in ("", "void") else [p.strip() for p in params.split(",")]
        found[name] = (ret, params)
    return found


def kind(c_type, result=False):
    """A coarse class of a C type: void, status (as a result), pointer, integer, float."""
    c_type = c_type.replace("const", "").strip()
    if c_type == "void":
        return "void"
    if "*" in c_type or c_type.endswith("_fn"):
        return "pointer"
    if c_type == "rnn_status" and result:
        return "status"
    return "float" if c_type in ("float", "double") else "integer"


def ctypes_kind(t, result=False):
    if t is None:
        return "void"
    if result and t is _native.STATUS:
        return "status"
    if t in (ctypes.c_float, ctypes.c_double):
        return "float"
    if t in (ctypes.c_void_p, ctypes.c_char_p) or issubclass(t, (ctypes._Pointer, ctypes._CFuncPtr)):
        return "pointer"
    return "integer"


def test_header_declares_what_the_table_declares():
    header = prototypes()
    assert len(header) >= 57
    assert sorted(header) == sorted(_native.FUNCTIONS), (
        f"only in rnn.h: {sorted(set(header) - set(_native.FUNCTIONS))}; "
        f"only in the table: {sorted(set(_native.FUNCTIONS) - set(header))}")
    for name, (ret, params) in header.items():
        restype, argtypes = _native.FUNCTIONS[name]
        assert len(argtypes) == len(params), f"{name}: rnn.h has {len(params)} parameters, the table {len(argtypes)}"
        assert kind(ret, True) == ctypes_kind(restype, result=True), f"{name}: returns {ret}, table {restype}"
        for i, (param, argtype) in enumerate(zip(params, argtypes)):
            c_type = re.sub(r"\b[a-z_0-9]+$", "", param).strip() if param.count(" ") else param
            assert kind(c_type) == ctypes_kind(argtype), f"{name} parameter {i} ({param}): table has {argtype}"


def test_every_status_function_raises_and_the_others_do_not():
    for name, (restype, _) in _native.FUNCTIONS.items():
        function = getattr(_native.lib.cdll, name)
        assert (getattr(function, "errcheck", None) is not None) == (restype is _native.STATUS), name


def test_struct_sizes_match_the_c_layouts():
    # Sizes the C compiler gives these structs on LP64 (struct_size is what the library reads).
    assert ctypes.sizeof(_native.VocabConfig) == 12
    assert ctypes.sizeof(_native.ModelConfig) == 64  # 56 before 0.5.0 (softmax, classes appended)
    assert ctypes.sizeof(_native.Evaluation) == 32
    assert ctypes.sizeof(_native.Progress) == 96
    assert ctypes.sizeof(_native.SamplingConfig) == 40
    assert ctypes.sizeof(_native.TrainerConfig) == 128
    # Since 0.4.0: whole-sequence models.
    assert ctypes.sizeof(_native.DatasetConfig) == 40
    assert ctypes.sizeof(_native.DatasetInfo) == 48
    assert ctypes.sizeof(_native.TaskModelConfig) == 56
    assert ctypes.sizeof(_native.TaskMetrics) == 96   # exact_match appended in 0.5.0
    # Since 0.5.0.
    assert ctypes.sizeof(_native.TaskInfo) == 36
    assert ctypes.sizeof(_native.DecodeConfig) == 20
    assert ctypes.sizeof(_native.DecodeResult) == 88

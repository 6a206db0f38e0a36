"""Zero-copy views of caller buffers (numpy arrays, array.array, memoryview, bytearray) for C."""
from __future__ import annotations

import array
import ctypes
from typing import Any, Iterable, Tuple, Union

_INT32_FORMATS = {"i", "=i", "<i", "l" if ctypes.sizeof(ctypes.c_long) == 4 else "i"}
_FLOAT32_FORMATS = {"f", "=f", "<f"}


def _pointer(obj: Any, formats: set, itemsize: int, writable: bool, what: str) -> Tuple[int, int, Any]:
    """(address, element count, keep-alive) of a C-contiguous buffer of 4-byte items, without a copy."""
    interface = getattr(obj, "__array_interface__", None)
    if interface is not None:  # numpy and friends: also read-only arrays, no copy
        typestr = interface.get("typestr", "")
        if typestr not in (("<i4", "|i4") if "i" in formats else ("<f4",)):
            raise TypeError(f"{what}: expected a {'int32' if 'i' in formats else 'float32'} array, got {typestr}")
        if interface.get("strides") is not None and not getattr(obj, "flags", {"C_CONTIGUOUS": False})["C_CONTIGUOUS"]:
            raise TypeError(f"{what}: the array must be C-contiguous")
        address, readonly = interface["data"]
        if writable and readonly:
            raise TypeError(f"{what}: the array is read-only")
        count = 1
        for n in interface["shape"]:
            count *= n
        return address, count, obj
    view = memoryview(obj)
    if view.format not in formats or view.itemsize != itemsize:
        raise TypeError(f"{what}: expected a buffer of {'int32' if 'i' in formats else 'float32'} "
                        f"(format {'i' if 'i' in formats else 'f'}), got format {view.format!r}")
    if not view.c_contiguous:
        raise TypeError(f"{what}: the buffer must be C-contiguous")
    count = view.nbytes // itemsize
    if count == 0:
        return 0, 0, view
    if view.readonly:
        if writable:
            raise TypeError(f"{what}: the buffer is read-only")
        copy = (ctypes.c_char * view.nbytes).from_buffer_copy(view)  # read-only, not numpy: one copy
        return ctypes.addressof(copy), count, copy
    holder = (ctypes.c_char * view.nbytes).from_buffer(view)
    return ctypes.addressof(holder), count, (holder, view)


TokenInput = Union[Iterable[int], Any]


def int32_input(tokens: TokenInput, what: str = "tokens") -> Tuple[int, int, Any]:
    """Token ids as (address, count, keep-alive): buffers of int32 without a copy, other iterables copied."""
    if isinstance(tokens, (list, tuple, range)) or not _is_buffer(tokens):
        values = array.array("i", tokens)
        return _pointer(values, _INT32_FORMATS, 4, False, what)
    return _pointer(tokens, _INT32_FORMATS, 4, False, what)


def float32_input(values: Any, what: str = "logits") -> Tuple[int, int, Any]:
    """Floats as (address, count, keep-alive): buffers of float32 without a copy, other iterables copied."""
    if isinstance(values, (list, tuple)) or not _is_buffer(values):
        return _pointer(array.array("f", values), _FLOAT32_FORMATS, 4, False, what)
    return _pointer(values, _FLOAT32_FORMATS, 4, False, what)


def float32_output(out: Any, what: str = "out") -> Tuple[int, int, Any]:
    """A writable float32 buffer as (address, capacity, keep-alive), without a copy."""
    return _pointer(out, _FLOAT32_FORMATS, 4, True, what)


def _is_buffer(obj: Any) -> bool:
    if hasattr(obj, "__array_interface__"):
        return True
    try:
        memoryview(obj)
        return True
    except TypeError:
        return False

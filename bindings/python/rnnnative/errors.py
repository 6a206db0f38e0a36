"""Exceptions: one class per rnn_status code, all derived from RnnError.

Each also derives from the closest built-in exception (ValueError, OSError, ...), so code that
catches the built-ins keeps working. The message is the library's rnn_last_error() text.
"""
from __future__ import annotations

from typing import Dict, Type

__all__ = [
    "RnnError", "InvalidArgumentError", "ArgumentTypeError", "InvalidHandleError", "BufferTooSmallError", "RnnIOError",
    "FormatError", "CancelledError", "DivergedError", "UnsupportedError", "RnnMemoryError",
    "InternalError", "AbiMismatchError", "InvalidStateError", "LibraryNotFoundError",
]


class RnnError(Exception):
    """Base class of every error raised by rnnnative. `status` is the rnn_status code (0 when the
    error was detected in Python), `function` the C function that failed (or None)."""

    status: int = 0

    def __init__(self, message: str, status: int | None = None, function: str | None = None) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.function = function


class InvalidArgumentError(RnnError, ValueError):
    """RNN_E_INVALID_ARGUMENT: an argument or config field is out of range; the message names it."""
    status = 1


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (detected in Python, before any C call); the message names it."""


class InvalidHandleError(RnnError, ValueError):
    """RNN_E_INVALID_HANDLE, or an object used after close()."""
    status = 2


class BufferTooSmallError(RnnError, ValueError):
    """RNN_E_BUFFER_TOO_SMALL: `needed` holds the size required."""
    status = 3
    needed: int = 0


class RnnIOError(RnnError, OSError):
    """RNN_E_IO: a file could not be opened, read or written."""
    status = 4


class FormatError(RnnError, ValueError):
    """RNN_E_FORMAT: not a model file, truncated, corrupt, or of a newer format."""
    status = 5


class CancelledError(RnnError):
    """RNN_E_CANCELLED: a progress callback or Trainer.cancel() stopped the call."""
    status = 6


class DivergedError(RnnError, ArithmeticError):
    """RNN_E_DIVERGED: training produced NaN/inf; the update was not applied (lower lr)."""
    status = 7


class UnsupportedError(RnnError, NotImplementedError):
    """RNN_E_UNSUPPORTED: e.g. RNN_KERNEL names a path this build or CPU cannot run."""
    status = 8


class RnnMemoryError(RnnError, MemoryError):
    """RNN_E_OUT_OF_MEMORY."""
    status = 9


class InternalError(RnnError, RuntimeError):
    """RNN_E_INTERNAL: a bug in the library; please report the message."""
    status = 10


class AbiMismatchError(RnnError, ImportError):
    """RNN_E_ABI_MISMATCH: the library implements another ABI than this binding."""
    status = 11


class InvalidStateError(RnnError, RuntimeError):
    """RNN_E_INVALID_STATE: the object cannot do this now (e.g. a trainer at its limits)."""
    status = 12


class LibraryNotFoundError(RnnError, ImportError):
    """No loadable librnnnative: the message lists every path tried."""


STATUS_ERRORS: Dict[int, Type[RnnError]] = {
    cls.status: cls
    for cls in (InvalidArgumentError, InvalidHandleError, BufferTooSmallError, RnnIOError, FormatError,
                CancelledError, DivergedError, UnsupportedError, RnnMemoryError, InternalError,
                AbiMismatchError, InvalidStateError)
}

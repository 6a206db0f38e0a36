"""Ctrl-C during a long C call that calls back into Python (rnn_trainer_train).

Python raises KeyboardInterrupt wherever the main thread runs Python code next, which during
training is nearly always inside the ctypes progress callback; an exception that escapes there (or
arrives between the callback's last bytecode and its return to C) is printed as "Exception ignored
on calling ctypes callback function" and lost. So while such a call runs, SIGINT only records
itself and asks the library to cancel; the caller raises KeyboardInterrupt once the call returned.
"""
from __future__ import annotations

import signal
import threading
from typing import Any, Callable, Optional


class SigintCancels:
    """Within `with`, SIGINT sets `interrupted` and calls `cancel()` instead of raising. Changes
    nothing off the main thread (signals are handled there only) or when the program installed
    its own SIGINT handler (its choice is kept)."""

    def __init__(self, cancel: Callable[[], Any]) -> None:
        self._cancel = cancel
        self._previous: Optional[Any] = None
        self.interrupted = False

    def _on_sigint(self, _signum: int, _frame: Any) -> None:
        self.interrupted = True
        self._cancel()  # thread-safe, and ignored when no call runs

    def __enter__(self) -> "SigintCancels":
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

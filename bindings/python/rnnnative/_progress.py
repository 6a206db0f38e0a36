"""Progress display for training: on a terminal tqdm when importable, otherwise a one-line text bar
as wide as the terminal; when stderr is not a terminal (a file, a pipe, a CI log) plain lines."""
from __future__ import annotations

import shutil
import sys
import time
from typing import Any, Optional, TextIO, Tuple


class TextBar:
    """On a terminal: one line redrawn in place at most 10 times a second, never wider than the
    terminal (a wrapped line would not be redrawn but repeated). Elsewhere: a plain line every
    `every` seconds, after each validation (`force`) and at the end."""

    def __init__(self, total: Optional[int], stream: Optional[TextIO] = None, every: float = 10.0) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty()
        self.every = every if not self.interactive else 0.1
        self._last = -float("inf")
        self._shown = 0                                  # the width of the line on screen (interactive)
        self._pending: Optional[Tuple[str, float]] = None  # the newest report not yet shown

    def update(self, step: int, fraction: float, loss: float, tokens_per_second: float, force: bool = False) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        total = f"/{self.total}" if self.total else ""
        status = f"{fraction * 100:5.1f}% step {step}{total} loss {loss:.4f} {tokens_per_second / 1000:.1f}k tok/s"
        self._pending = (status, fraction)
        now = time.monotonic()
        if force or now - self._last >= self.every:
            self._last = now
            self._show(status, fraction)

    def _show(self, status: str, fraction: float) -> None:
        self._pending = None
        if not self.interactive:
            self.stream.write(status + "\n")
        else:
            columns = shutil.get_terminal_size().columns - 1  # writing the last column wraps on some terminals
            room = columns - len(status) - 3                   # "[" + bar + "] "
            filled = int(round(fraction * room))
            bar = f"[{'#' * filled}{'.' * (room - filled)}] " if room >= 10 else ""
            line = (bar + status)[:columns]
            self.stream.write("\r" + line + " " * (min(self._shown, columns) - len(line)))  # erases a longer one
            self._shown = len(line)
        self.stream.flush()

    def close(self) -> None:
        if self._pending is not None:
            self._show(*self._pending)
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = 0


class TqdmBar:
    def __init__(self, total: Optional[int]) -> None:
        import tqdm  # type: ignore[import-not-found]

        self._bar: Any = tqdm.tqdm(total=total if total else None, unit="step", dynamic_ncols=True)
        self._step = 0

    def update(self, step: int, fraction: float, loss: float, tokens_per_second: float, force: bool = False) -> None:
        self._bar.update(step - self._step)
        self._step = step
        self._bar.set_postfix(loss=f"{loss:.4f}", refresh=False)

    def close(self) -> None:
        self._bar.close()


def make_bar(total: Optional[int]) -> Any:
    if not sys.stderr.isatty():
        return TextBar(total)
    try:
        return TqdmBar(total)
    except ImportError:
        return TextBar(total)

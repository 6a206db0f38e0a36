"""Progress display for training: tqdm when importable, otherwise a one-line text bar on stderr."""
from __future__ import annotations

import sys
import time
from typing import Any, Optional, TextIO


class TextBar:
    """A carriage-return progress bar, redrawn at most 10 times a second."""

    def __init__(self, total: Optional[int], stream: Optional[TextIO] = None, width: int = 30) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self._drawn = False

    def update(self, step: int, fraction: float, loss: float, tokens_per_second: float, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = int(round(fraction * self.width))
        total = f"/{self.total}" if self.total else ""
        line = (f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction * 100:5.1f}% step {step}{total} "
                f"loss {loss:.4f} {tokens_per_second / 1000:.1f}k tok/s")
        self.stream.write(line)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


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
    try:
        return TqdmBar(total)
    except ImportError:
        return TextBar(total)

"""A progress bar on standard error for long files, only when stderr is a terminal.

It never writes to standard output (machine-readable reports stay clean), redraws at most ten times
a second, and erases itself when a file is done.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

__all__ = ["MIN_BYTES", "Progress"]

#: Files smaller than this are linted too quickly to need a bar.
MIN_BYTES = 8 * 1024 * 1024


class Progress:
    """Draws ``name  [=====     ]  45%  12.3 of 27.0 MB`` on one terminal line."""

    def __init__(self, stream: TextIO | None = None, min_bytes: int = MIN_BYTES) -> None:
        self._stream = stream or sys.stderr
        self._min_bytes = min_bytes
        self._last = 0.0
        self._drawn = False

    @classmethod
    def for_terminal(cls) -> Progress | None:
        """A progress bar when standard error is a terminal, else ``None``."""
        isatty = getattr(sys.stderr, "isatty", None)
        return cls() if isatty is not None and isatty() else None

    def wants(self, size: int | None) -> bool:
        """Whether a file of ``size`` bytes gets a bar."""
        return size is not None and size >= self._min_bytes

    def update(self, name: str, done: int, total: int) -> None:
        """Redraw (throttled) for ``done`` of ``total`` bytes of file ``name``."""
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        share = min(max(done / total, 0.0), 1.0) if total else 1.0
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 50))
        filled = int(share * width)
        label = name if len(name) <= 30 else "…" + name[-29:]
        bar = "=" * filled + " " * (width - filled)
        line = f"{label}  [{bar}] {share:4.0%}  {done / 1e6:.1f} of {total / 1e6:.1f} MB"
        self._stream.write("\r" + line)
        self._stream.flush()
        self._drawn = True

    def done(self) -> None:
        """Erase the bar."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

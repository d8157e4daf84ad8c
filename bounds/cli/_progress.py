"""A progress line on stderr for long runs (sweeps): shown only on a terminal, and not with ``--quiet``.

The line appears once a run has taken about a second, is redrawn at most a few times a second
(``\\r``, so it stays one line), and is erased when the run ends; stdout is never touched, so
``--json`` output and pipes are unaffected.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

__all__ = ["Progress", "progress_for"]

#: Seconds before the first line is drawn, and between redraws.
DELAY = 1.0
INTERVAL = 0.2


class Progress:
    """``progress(done, total)`` callback that draws ``label: done / total (percent)`` on ``stream``."""

    def __init__(self, label: str, stream: TextIO, clock: Any = time.monotonic) -> None:
        self.label = label
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < DELAY or (self.drawn_at is not None and now - self.drawn_at < INTERVAL):
            return
        percent = 100 * done / total if total else 100.0
        line = f"{self.label}: {done:,} / {total:,} ({percent:.0f}%)"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width, self.drawn_at = len(line), now

    def close(self) -> None:
        """Erase the line, if one was drawn."""
        if self.drawn_at is not None:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def progress_for(args: Any, label: str, stream: TextIO | None = None) -> Progress | None:
    """A :class:`Progress` for this command, or ``None`` with ``--quiet`` or when stderr is not a terminal."""
    stream = sys.stderr if stream is None else stream
    if getattr(args, "quiet", False):
        return None
    isatty = getattr(stream, "isatty", None)
    if not callable(isatty) or not isatty():
        return None
    return Progress(label, stream)

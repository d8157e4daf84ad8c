"""A progress line on stderr for long runs: shown only on a terminal, and not with ``--quiet``.

A command that knows how far it is (``bounds sweep``: grid points done) reports through
:class:`Progress`; every other command gets :class:`Elapsed`, a ``working, 12 s`` line. Either
appears once a run has taken about a second, is redrawn at most a few times a second (``\\r``,
so it stays one line), and is erased when the run ends; stdout is never touched, so ``--json``
output and pipes are unaffected.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, TextIO

__all__ = ["Elapsed", "Progress", "elapsed_for", "progress_for"]

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


class Elapsed:
    """A context manager that draws ``label: working, N s`` on ``stream`` while its block runs long."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self.started = time.monotonic()
        self.width = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def line(self, seconds: float) -> str:
        return f"{self.label}: working, {seconds:.0f} s"

    def _run(self) -> None:
        if self._stop.wait(DELAY):
            return
        while True:
            line = self.line(time.monotonic() - self.started)
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)
            if self._stop.wait(INTERVAL * 5):
                return

    def __enter__(self) -> Elapsed:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _terminal(args: Any, stream: TextIO | None) -> TextIO | None:
    """``stream`` (default stderr) when progress may be drawn on it: a terminal, and no ``--quiet``."""
    stream = sys.stderr if stream is None else stream
    if getattr(args, "quiet", False):
        return None
    isatty = getattr(stream, "isatty", None)
    if not callable(isatty) or not isatty():
        return None
    return stream


def progress_for(args: Any, label: str, stream: TextIO | None = None) -> Progress | None:
    """A :class:`Progress` for this command, or ``None`` with ``--quiet`` or when stderr is not a terminal."""
    terminal = _terminal(args, stream)
    return None if terminal is None else Progress(label, terminal)


def elapsed_for(args: Any, label: str, stream: TextIO | None = None) -> Any:
    """An :class:`Elapsed` line for this command, or a no-op context with ``--quiet`` or off a terminal."""
    import contextlib

    terminal = _terminal(args, stream)
    return contextlib.nullcontext() if terminal is None else Elapsed(label, terminal)

"""A progress line on stderr for long runs: `reading… 12 s`, overwritten in
place and cleared at the end.

Only on a terminal, and only once a run has taken a few seconds: a small spec
is done before a line would be worth reading, and output that goes to a file
or a pipe (what tests and scripts compare) never carries it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY = 2.0  # seconds before the line first shows
TICK = 0.5


class Progress:
    """Shows the current stage (`stage(text)`) with the seconds spent so far."""

    def __init__(self, stream: TextIO | None = None, *, delay: float = DELAY) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = _is_terminal(self._stream)
        self._delay = delay
        self._text = ""
        self._shown = False
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self._enabled:
            self._thread = threading.Thread(target=self._run, name="dixagen-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        self.clear()

    def stage(self, text: str) -> None:
        """Name what is under way; the line follows within a tick."""
        with self._lock:
            self._text = text
        if self._enabled and self._shown:
            self._draw()

    def clear(self) -> None:
        """Remove the line, so that what is printed next starts on a clean line."""
        with self._lock:
            self._erase()

    @contextmanager
    def above(self) -> Iterator[None]:
        """Print lines of one's own (warnings) with the line out of their way;
        it comes back at the next tick."""
        with self._lock:
            self._erase()
            yield

    def _erase(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False

    def _run(self) -> None:
        if self._done.wait(self._delay):
            return
        while not self._done.is_set():
            self._draw()
            self._done.wait(TICK)

    def _draw(self) -> None:
        with self._lock:
            if self._done.is_set() or not self._text:
                return
            seconds = time.monotonic() - self._started
            self._stream.write(f"\r\x1b[K{self._text}… {seconds:.0f} s")
            self._stream.flush()
            self._shown = True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False

"""Progress display on stderr for steps that can take more than a second (no dependency).

``progress(label, total)`` returns a bar that redraws one stderr line at most ten times a second,
only when stderr is a terminal and not quiet; otherwise every call is a no-op. Library code
receives a bar (default ``quiet``) and never prints by itself.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """One step's progress: ``advance(n)`` while working, ``done()`` at the end."""

    def __init__(self, label: str, total: int | None = None, *, stream: TextIO | None = None):
        self.label, self.total, self.count = label, total, 0
        self.stream = stream
        self.started = self.shown = time.monotonic()

    @property
    def active(self) -> bool:
        return self.stream is not None

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self.stream is not None and time.monotonic() - self.shown >= 0.1:
            self._draw()

    def _draw(self, final: bool = False) -> None:
        assert self.stream is not None
        self.shown = now = time.monotonic()
        if self.total:
            width = 24
            filled = min(width, width * self.count // self.total)
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {self.count:,}/{self.total:,}"
        else:
            bar = f"{self.count:,}"
        end = "\n" if final else ""
        self.stream.write(f"\r{self.label:<10} {bar}  {now - self.started:5.1f}s{end}")
        self.stream.flush()

    def done(self) -> None:
        if self.stream is not None:
            if self.total:
                self.count = self.total
            self._draw(final=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.done()
        elif self.stream is not None:
            self.stream.write("\n")


class Reporter:
    """Makes ``Progress`` bars: live ones on an interactive stderr, silent ones otherwise."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None):
        out = stream if stream is not None else sys.stderr
        interactive = stream is not None or (hasattr(out, "isatty") and out.isatty())
        self.stream = None if quiet or not interactive else out

    def __call__(self, label: str, total: int | None = None) -> Progress:
        return Progress(label, total, stream=self.stream)


QUIET = Reporter(quiet=True)
